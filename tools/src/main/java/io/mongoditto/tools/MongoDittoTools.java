package io.mongoditto.tools;

import io.mongoditto.cli.MongoDittoCli;
import picocli.CommandLine;

/**
 * The {@code mongo-ditto} command line the root script runs: the production runner's commands
 * ({@link MongoDittoCli}) plus the tools that need the local test servers or the demo dataset
 * ({@code demo}, {@code seed}, {@code local-mongo}, {@code local-ditto}). Kept apart so the
 * production runner's class path holds no test servers.
 */
public final class MongoDittoTools {

  private MongoDittoTools() {}

  /** The runner's command line with the tool commands added. */
  public static CommandLine commandLine(MongoDittoCli cli) {
    return MongoDittoCli.commandLine(
        cli,
        new DemoCommand(),
        new SeedCommand(),
        new LocalMongoCommand(),
        new LocalDittoCommand());
  }

  public static void main(String[] args) {
    MongoDittoCli.configureLogging(args);
    int code = commandLine(MongoDittoCli.fromSystem()).execute(args);
    System.exit(code);
  }
}
