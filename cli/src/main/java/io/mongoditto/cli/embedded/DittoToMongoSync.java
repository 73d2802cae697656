package io.mongoditto.cli.embedded;

import io.mongoditto.cli.config.CdcConsumerSettings;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.config.Direction;
import io.mongoditto.mongosink.MongoSinkMetrics;
import io.mongoditto.mongosink.MongoSinkTask;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's Ditto -> MongoDB direction: the {@link MongoSinkTask} a Connect worker would run,
 * fed from Ditto's CDC topic by a {@link CdcSyncLoop} in its own thread, its positions in the
 * runner's one offsets file. It runs when the settings name a CDC feed ({@link
 * CdcConsumerSettings}) and at least one enabled collection is synced from Ditto to MongoDB ({@link
 * #wanted}).
 */
public final class DittoToMongoSync implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DittoToMongoSync.class);
  private static final long RECENT_MS = 60_000;

  private final CdcConsumerSettings cdc;
  private final MongoSinkTask task = new MongoSinkTask();
  private final OffsetsFile offsets;
  private final CdcSyncLoop loop;
  private final Thread thread;
  private final MongoSinkMetrics metrics;
  private boolean closed;

  private DittoToMongoSync(
      CdcConsumerSettings cdc,
      Map<String, String> settings,
      Path offsetsFile,
      ErrantRecordReporter deadLetters,
      EmbeddedMetrics metrics,
      Consumer<Throwable> onFailure) {
    this.cdc = cdc;
    Map<String, String> props = new HashMap<>(settings);
    props.put("name", connectorName(settings));
    EmbeddedSinkContext context =
        new EmbeddedSinkContext(
            props, deadLetters, metrics.pluginMetrics(metricsName(settings), 0));
    task.initialize(context);
    task.start(props);
    this.metrics = task.metrics(); // still readable after stop
    this.offsets = OffsetsFile.open(offsetsFile);
    this.loop =
        new CdcSyncLoop(
            cdc.consumerProperties(),
            cdc.topic(),
            task,
            context,
            new CdcPositions(offsets, metricsName(settings)),
            onFailure);
    this.thread = new Thread(loop, "mongo-ditto-cdc");
  }

  /**
   * The CDC feed's settings when this direction should run: a feed is configured and an enabled
   * collection's direction includes ditto_to_mongo.
   *
   * @throws io.mongoditto.cli.UserException when the feed's settings are incomplete or invalid
   */
  public static Optional<CdcConsumerSettings> wanted(Map<String, String> settings) {
    Optional<CdcConsumerSettings> cdc = CdcConsumerSettings.from(settings);
    if (cdc.isEmpty() || writtenCollections(settings).isEmpty()) {
      return Optional.empty();
    }
    return cdc;
  }

  /** The enabled collections whose direction includes ditto_to_mongo. */
  public static List<String> writtenCollections(Map<String, String> settings) {
    return CollectionsParser.parse(settings).collections().stream()
        .filter(c -> c.syncs(Direction.DITTO_TO_MONGO))
        .map(CollectionConfig::name)
        .toList();
  }

  /**
   * Starts the sink task (it connects to MongoDB and Ditto; a bad setting fails here), then the
   * consumer loop in its own thread.
   *
   * @param onFailure told once when the direction stops on an error
   */
  static DittoToMongoSync start(
      CdcConsumerSettings cdc,
      Map<String, String> settings,
      Path offsetsFile,
      ErrantRecordReporter deadLetters,
      EmbeddedMetrics metrics,
      Consumer<Throwable> onFailure) {
    DittoToMongoSync sync =
        new DittoToMongoSync(cdc, settings, offsetsFile, deadLetters, metrics, onFailure);
    LOG.info("Ditto -> MongoDB: reading Ditto's CDC feed, {}", cdc.describe());
    sync.thread.start();
    return sync;
  }

  /** The {@code connector} tag of this direction's metrics: {@code <name>-mongo-sink}. */
  public static String metricsName(Map<String, String> settings) {
    return connectorName(settings) + "-mongo-sink";
  }

  private static String connectorName(Map<String, String> settings) {
    return settings.getOrDefault("name", EmbeddedSync.DEFAULT_NAME);
  }

  /** The sink task's counters and lag. */
  public MongoSinkMetrics metrics() {
    return metrics;
  }

  /**
   * How far MongoDB is behind Ditto's CDC feed, in ms, as the other direction's {@link
   * SyncStats#lagMillis} counts it: while a batch is in hand (being applied, or waiting for MongoDB
   * to come back), the age of its oldest event, so it grows during an outage; else how old the
   * newest applied event was when it was applied, for a minute after, then 0 (caught up, Ditto
   * idle). -1 before the first event.
   */
  public long lagMillis() {
    long now = System.currentTimeMillis();
    long since = loop.inHandSince();
    if (since > 0) {
      return Math.max(0, now - since);
    }
    long appliedAt = metrics.lag.lastAppliedAtMillis();
    if (appliedAt < 0) {
      return -1;
    }
    return now - appliedAt <= RECENT_MS ? metrics.lag.applyLagMillis() : 0;
  }

  /**
   * How old the newest applied event was when it was applied (the status line's lag); -1 before the
   * first.
   */
  public long lastLagMillis() {
    return metrics.lag.applyLagMillis();
  }

  /** Where it reads, for people (no secret). */
  public String describe() {
    return cdc.describe();
  }

  public boolean isRunning() {
    return loop.isRunning();
  }

  /** Positioned on every partition of the CDC topic: whatever is written to it now is read. */
  public boolean isReading() {
    return loop.isReading();
  }

  /** Why it stopped, if it failed. */
  public Throwable failure() {
    return loop.failure();
  }

  /**
   * Stops reading after the batch in hand (applied and its positions stored), then the task. Safe
   * to call more than once.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.close();
    try {
      task.stop();
    } catch (RuntimeException e) {
      LOG.warn("Stopping the Ditto -> MongoDB task: {}", e.getMessage());
    }
    offsets.close();
  }
}
