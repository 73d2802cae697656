package io.mongoditto.cli;

import io.mongoditto.cli.config.CdcConsumerSettings;
import io.mongoditto.cli.config.DittoOptions;
import io.mongoditto.cli.config.Keys;
import io.mongoditto.cli.config.MongoOptions;
import io.mongoditto.cli.config.Redact;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.cli.embedded.DittoToMongoSync;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.cli.ops.OpsServer;
import io.mongoditto.cli.ops.StatusLine;
import io.mongoditto.config.CollectionConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    header = "Run the sync in this process, without Kafka (offsets in a file) until Ctrl-C.",
    description = {
      "Runs the same source and sink connectors a Kafka Connect cluster would, in one process:",
      "MongoDB change streams -> mapped Ditto changes -> Ditto's HTTP API. Source offsets are kept in",
      "--offsets and written only for changes Ditto acknowledged; the next start resumes from there.",
      "With ditto.cdc.bootstrap.servers and ditto.cdc.topic (env DITTO_CDC_BOOTSTRAP_SERVERS,",
      "DITTO_CDC_TOPIC; SSL: ditto.cdc.ssl.*) and collections whose direction is both or",
      "ditto_to_mongo, Ditto's CDC feed is applied to MongoDB too, its positions in the same file.",
      "Records that cannot be written go to --dead-letters (JSON lines).",
      "With --http-port, /metrics (Prometheus text, the names of docs/metrics.md) and /health",
      "(green/yellow: HTTP 200, red: 503; JSON with the lag and error rate per collection)."
    })
final class RunCommand implements Callable<Integer> {

  @ParentCommand private MongoDittoCli cli;
  @Spec private CommandSpec spec;
  @Mixin private MongoOptions mongo;
  @Mixin private DittoOptions ditto;

  @Option(
      names = "--offsets",
      paramLabel = "FILE",
      defaultValue = "data/mongo-ditto.offsets",
      description = "Offsets file (default ${DEFAULT-VALUE}).")
  private Path offsets;

  @Option(
      names = "--dead-letters",
      paramLabel = "FILE",
      defaultValue = "data/dead-letters.jsonl",
      description = "Where records that cannot be written go (default ${DEFAULT-VALUE}).")
  private Path deadLetters;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "-1",
      description =
          "Serve /metrics (Prometheus) and /health on this port (default ${DEFAULT-VALUE}: off; 0: a free port).")
  private int httpPort;

  @Mixin private HealthOptions health;

  @Option(
      names = "--status-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Print a status line this often (default ${DEFAULT-VALUE}; 0 = never).")
  private int statusInterval;

  @Override
  public Integer call() throws InterruptedException {
    health.thresholds(); // bad thresholds fail before anything starts
    Settings settings = ditto.apply(mongo.settings(cli.env()));
    String uri = mongo.mongodbUri(settings);
    String database = mongo.databaseName(settings);
    Commands.requireCollections(settings);
    DittoOptions.requireDitto(settings);
    // A bad ditto.cdc.* setting fails before anything starts.
    DittoToMongoSync.wanted(settings.asMap());
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "Syncing %s / %s -> %s (collections: %s)%n",
        Redact.mongoUri(uri),
        database,
        io.mongoditto.ditto.EndpointPolicy.redact(settings.get(Keys.DITTO_ENDPOINT).orElseThrow()),
        String.join(
            ", ",
            settings.collectionsSyncedToDitto().stream().map(CollectionConfig::name).toList()));
    printDittoToMongo(out, settings, Redact.mongoUri(uri) + " / " + database);
    out.printf("Offsets: %s. Press Ctrl-C to stop.%n", offsets.toAbsolutePath());
    out.flush();
    EmbeddedSync sync =
        EmbeddedSync.start(
            new EmbeddedSync.Options(
                settings.asMap(), offsets, deadLetters, Duration.ofSeconds(1)));
    OpsServer ops = null;
    if (httpPort >= 0) {
      try {
        ops = health.start(httpPort, sync, settings.asMap(), settings.collectionsSyncedToDitto());
      } catch (RuntimeException e) {
        sync.close();
        throw e;
      }
      out.printf("Metrics: %s/metrics  Health: %s/health%n", ops.url(), ops.url());
      out.flush();
    }
    OpsServer server = ops;
    Thread hook =
        new Thread(
            () -> {
              sync.close();
              if (server != null) {
                server.close();
              }
            },
            "mongo-ditto-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long nextStatus = System.nanoTime();
    while (!sync.awaitStopped(Duration.ofMillis(500))) {
      if (statusInterval > 0 && System.nanoTime() >= nextStatus) {
        nextStatus = System.nanoTime() + Duration.ofSeconds(statusInterval).toNanos();
        printStatus(out, sync);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is already closing the sync.
    }
    sync.close();
    if (server != null) {
      server.close();
    }
    if (sync.failure() != null) {
      throw new UserException("the sync stopped: " + sync.failure().getMessage(), sync.failure());
    }
    printStatus(out, sync);
    return ExitCodes.OK;
  }

  /** Says whether the Ditto -> MongoDB direction runs, and why not when it looks intended. */
  private static void printDittoToMongo(PrintWriter out, Settings settings, String mongodb) {
    Map<String, String> map = settings.asMap();
    List<String> written = DittoToMongoSync.writtenCollections(map);
    boolean feed = CdcConsumerSettings.configured(map);
    if (!written.isEmpty() && feed) {
      out.printf(
          "Ditto -> MongoDB: %s -> %s (collections: %s)%n",
          CdcConsumerSettings.from(map).orElseThrow().describe(),
          mongodb,
          String.join(", ", written));
    } else if (!written.isEmpty()) {
      out.printf(
          "Note: %s synced from Ditto to MongoDB by their direction, but no CDC feed is set (%s,"
              + " %s): only MongoDB -> Ditto runs.%n",
          String.join(", ", written),
          CdcConsumerSettings.BOOTSTRAP_SERVERS,
          CdcConsumerSettings.TOPIC);
    } else if (feed) {
      out.printf(
          "Note: Ditto's CDC feed is set but no enabled collection has direction both or"
              + " ditto_to_mongo: only MongoDB -> Ditto runs.%n");
    }
  }

  private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss");

  /** Always with seconds: LocalTime's own text drops them on the minute ("12:05"). */
  static String timeOfDay(LocalTime time) {
    return TIME_OF_DAY.format(time);
  }

  static void printStatus(PrintWriter out, EmbeddedSync sync) {
    out.println(timeOfDay(LocalTime.now()) + " " + StatusLine.of(sync));
    out.flush();
  }
}
