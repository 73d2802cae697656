package io.mongoditto.tools;

import io.mongoditto.cli.MongoDittoCli;
import io.mongoditto.cli.UserException;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "local-ditto",
    header = "Run the local Ditto (the real Ditto engine behind Ditto's HTTP API) until Ctrl-C.",
    description = {
      "Serves POST /api/v5/store/execute (and /api/v4) on the given port, checking the Bearer key.",
      "With --cdc it also feeds Ditto's Change Data Capture events to a Kafka topic (a broker in",
      "this process, or --cdc-bootstrap-servers) and prints the keys that point a consumer at it.",
      "Needs Node.js 20 (the engine is the npm package @dittolive/ditto)."
    })
final class LocalDittoCommand implements Callable<Integer> {

  /** The embedded runner's keys for the CDC feed it reads (the Ditto -> MongoDB direction). */
  static final String RUN_CDC_BOOTSTRAP_SERVERS = "ditto.cdc.bootstrap.servers";

  static final String RUN_CDC_TOPIC = "ditto.cdc.topic";

  @Spec private CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "4000",
      description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  private int port;

  /** The key from the environment, as ./local-ditto.sh and the Node server read it. */
  static final String ENV_API_KEY = "LOCAL_DITTO_API_KEY";

  @ParentCommand private MongoDittoCli cli;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "The key clients must send (visible to others in ps: prefer --api-key-file or the"
              + " environment variable "
              + ENV_API_KEY
              + "; default: a generated one, printed).")
  private String apiKey;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description = "Read the key clients must send from FILE (its first line).")
  private Path apiKeyFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Keep the store in DIR (default: a temp dir removed on exit).")
  private Path dataDir;

  @Option(
      names = "--cdc",
      description =
          "Feed Ditto's Change Data Capture events to Kafka (default: a one-node broker started in"
              + " this process).")
  private boolean cdc;

  @Option(
      names = "--cdc-bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Produce the CDC feed to this Kafka instead (implies --cdc).")
  private String cdcBootstrapServers;

  @Option(
      names = "--cdc-topic",
      paramLabel = "TOPIC",
      defaultValue = CdcOptions.DEFAULT_TOPIC,
      description = "The CDC topic, created when missing (default ${DEFAULT-VALUE}).")
  private String cdcTopic;

  @Option(
      names = "--cdc-partitions",
      paramLabel = "N",
      defaultValue = "3",
      description = "Partitions of the CDC topic when it is created (default ${DEFAULT-VALUE}).")
  private int cdcPartitions;

  @Option(
      names = "--cdc-filter",
      paramLabel = "COLLECTION=WHERE",
      description =
          "A Data Bridge filter: only changes of COLLECTION matching the DQL WHERE clause (repeatable;"
              + " * for collections not listed).")
  private Map<String, String> cdcFilters = new LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ApiKey key = apiKey();
    LocalDitto.Options options =
        LocalDitto.Options.defaults().withPort(port).withApiKey(key.value()).withDataDir(dataDir);
    boolean feed = cdc || cdcBootstrapServers != null;
    if (feed) {
      options = options.withCdc(cdcOptions());
    }
    LocalDitto ditto;
    try {
      ditto = LocalDitto.start(options);
    } catch (RuntimeException e) {
      throw new UserException("cannot start the local Ditto: " + e.getMessage(), e);
    }
    List<String> lines = new ArrayList<>();
    // A generated key of a throwaway local server is what the user needs to connect; a key the
    // user chose is not echoed.
    lines.add("Local Ditto running: " + ditto.endpoint());
    lines.add(
        key.value() == null
            ? "API key: " + ditto.apiKey()
            : "API key: the one given " + key.from());
    lines.add(
        "e.g. export DITTO_CLOUD_ENDPOINT="
            + ditto.endpoint()
            + (key.value() == null ? " DITTO_API_KEY=" + ditto.apiKey() : ""));
    if (feed) {
      lines.addAll(cdcLines(ditto.cdcBootstrapServers(), ditto.cdcTopic()));
    }
    return LocalServers.serveUntilInterrupted(ditto, "local-ditto", out, lines);
  }

  /** A key the user gave, and where from; a null value: none given, one is generated. */
  record ApiKey(String value, String from) {}

  /** --api-key, else --api-key-file, else the environment, else none (a generated one). */
  ApiKey apiKey() {
    if (apiKey != null && apiKeyFile != null) {
      throw new UserException("give either --api-key or --api-key-file, not both");
    }
    if (apiKey != null) {
      return new ApiKey(apiKey, "with --api-key");
    }
    if (apiKeyFile != null) {
      try {
        String first = Files.readAllLines(apiKeyFile).stream().findFirst().orElse("").strip();
        if (first.isEmpty()) {
          throw new UserException("--api-key-file " + apiKeyFile + " is empty");
        }
        return new ApiKey(first, "in " + apiKeyFile);
      } catch (IOException e) {
        throw new UserException("cannot read --api-key-file " + apiKeyFile + ": " + e.getMessage());
      }
    }
    String fromEnv = cli == null ? null : cli.env().get(ENV_API_KEY);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new ApiKey(fromEnv.strip(), "in " + ENV_API_KEY);
    }
    return new ApiKey(null, null);
  }

  private CdcOptions cdcOptions() {
    try {
      CdcOptions options =
          (cdcBootstrapServers == null
                  ? CdcOptions.inProcessBroker()
                  : CdcOptions.toKafka(cdcBootstrapServers))
              .withTopic(cdcTopic)
              .withPartitions(cdcPartitions);
      for (Map.Entry<String, String> filter : cdcFilters.entrySet()) {
        options = options.withFilter(filter.getKey(), filter.getValue());
      }
      return options;
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  /**
   * Where the CDC feed is, as the keys a consumer takes: the embedded runner's, and a Connect
   * worker's plus its Ditto -> MongoDB sink connector's.
   */
  static List<String> cdcLines(String bootstrapServers, String topic) {
    return List.of(
        "CDC feed: Kafka " + bootstrapServers + ", topic " + topic,
        "  for mongo-ditto run (config keys):",
        "    " + RUN_CDC_BOOTSTRAP_SERVERS + "=" + bootstrapServers,
        "    " + RUN_CDC_TOPIC + "=" + topic,
        "  for a Connect worker: in the worker's config",
        "    bootstrap.servers=" + bootstrapServers,
        "  and in the Ditto -> MongoDB sink connector's config",
        "    topics=" + topic);
  }
}
