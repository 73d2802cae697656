package io.mongoditto.cli;

import com.mongodb.MongoException;
import java.io.Console;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The {@code mongo-ditto} command line of the production runner: the embedded sync and the operator
 * commands that replace the Ditto setup guide's scripts. The demo, the dataset seeder and the local
 * test servers are the {@code tools} module's commands, added on top of these (its jar is what the
 * root {@code mongo-ditto} script runs); this module never depends on the local servers.
 */
@Command(
    name = "mongo-ditto",
    versionProvider = MongoDittoCli.Version.class,
    sortOptions = false,
    description =
        "Keep Ditto collections equal to MongoDB collections, without Kafka or on Kafka Connect.",
    mixinStandardHelpOptions = true,
    subcommands = {
      CommandLine.HelpCommand.class,
      RunCommand.class,
      VerifyCommand.class,
      CheckCommand.class,
      EnableChangeStreamsCommand.class,
      CreateIndexesCommand.class,
      EncodePasswordCommand.class,
    },
    footer = {
      "",
      "Settings come from --config files (the connector config JSON), then the environment"
          + " (MONGODB_CONNECTION_STRING, MONGODB_DATABASE, DITTO_APP_ID, DITTO_API_KEY, DITTO_CLOUD_ENDPOINT),"
          + " then flags.",
      "",
      "Exit codes: 0 ok, 1 failed or problems found, 2 wrong usage, 130 interrupted.",
      "Docs: docs/cli.md"
    })
public final class MongoDittoCli {

  private final Map<String, String> env;
  private final InputStream stdin;
  private final Console console;

  @Option(
      names = {"-v", "--verbose"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "Log more, and print stack traces of errors.")
  boolean verbose;

  public MongoDittoCli(Map<String, String> env, InputStream stdin, Console console) {
    this.env = Map.copyOf(env);
    this.stdin = stdin;
    this.console = console;
  }

  /** The environment the commands read settings from (the process's, or a test's). */
  public Map<String, String> env() {
    return env;
  }

  InputStream stdin() {
    return stdin;
  }

  Console console() {
    return console;
  }

  /**
   * A command line over {@code cli} with the project's error handling, plus {@code moreCommands}
   * (the tools module's); every command takes {@code -h}/{@code --help}.
   */
  public static CommandLine commandLine(MongoDittoCli cli, Object... moreCommands) {
    CommandLine cmd = new CommandLine(cli);
    for (Object command : moreCommands) {
      cmd.addSubcommand(command);
    }
    for (CommandLine sub : cmd.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (spec.findOption("--help") == null) {
        spec.addOption(
            OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
      }
    }
    cmd.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          var err = commandLine.getErr();
          if (e instanceof UserException) {
            err.println("error: " + e.getMessage());
          } else if (e instanceof MongoException) {
            err.println("error: MongoDB: " + e.getMessage());
          } else {
            err.println("error: " + e);
          }
          if (cli.verbose && !(e instanceof UserException && e.getCause() == null)) {
            e.printStackTrace(err);
          }
          err.flush();
          return e instanceof InterruptedException ? ExitCodes.INTERRUPTED : ExitCodes.FAILED;
        });
    return cmd;
  }

  public static void main(String[] args) {
    configureLogging(args);
    MongoDittoCli cli = fromSystem();
    int code = commandLine(cli).execute(args);
    System.exit(code);
  }

  /** Call before anything logs: with -v or --verbose this project's loggers log at INFO. */
  public static void configureLogging(String[] args) {
    if (Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose")) {
      // Before the first logger is created: slf4j-simple reads its levels once.
      System.setProperty("org.slf4j.simpleLogger.log.io.mongoditto", "info");
    }
  }

  /** Over this process's environment, stdin and console. */
  public static MongoDittoCli fromSystem() {
    return new MongoDittoCli(System.getenv(), System.in, System.console());
  }

  /** The plugin's version: one source for the CLI and both connectors. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"mongo-ditto " + io.mongoditto.PluginVersion.get()};
    }
  }
}
