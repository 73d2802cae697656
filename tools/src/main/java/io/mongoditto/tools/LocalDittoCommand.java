package io.mongoditto.tools;

import io.mongoditto.cli.UserException;
import io.mongoditto.localditto.LocalDitto;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "local-ditto",
    header = "Run the local Ditto (the real Ditto engine behind Ditto's HTTP API) until Ctrl-C.",
    description = {
      "Serves POST /api/v5/store/execute (and /api/v4) on the given port, checking the Bearer key.",
      "Needs Node.js 20 (the engine is the npm package @dittolive/ditto)."
    })
final class LocalDittoCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "4000",
      description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  private int port;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "The key clients must send (default: a generated one, printed).")
  private String apiKey;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Keep the store in DIR (default: a temp dir removed on exit).")
  private Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    LocalDitto ditto;
    try {
      ditto =
          LocalDitto.start(
              LocalDitto.Options.defaults().withPort(port).withApiKey(apiKey).withDataDir(dataDir));
    } catch (RuntimeException e) {
      throw new UserException("cannot start the local Ditto: " + e.getMessage(), e);
    }
    // A generated key of a throwaway local server is what the user needs to connect; a key the
    // user chose is not echoed.
    return LocalServers.serveUntilInterrupted(
        ditto,
        "local-ditto",
        out,
        List.of(
            "Local Ditto running: " + ditto.endpoint(),
            apiKey == null ? "API key: " + ditto.apiKey() : "API key: the one given with --api-key",
            "e.g. export DITTO_CLOUD_ENDPOINT="
                + ditto.endpoint()
                + (apiKey == null ? " DITTO_API_KEY=" + ditto.apiKey() : "")));
  }
}
