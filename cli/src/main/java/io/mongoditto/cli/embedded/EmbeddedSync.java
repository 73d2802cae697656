package io.mongoditto.cli.embedded;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.mongoditto.change.DittoChangeCodec;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.cli.config.CdcConsumerSettings;
import io.mongoditto.sink.DittoSinkTask;
import io.mongoditto.source.MongoSourceConfig;
import io.mongoditto.source.MongoSourceConfigDef;
import io.mongoditto.source.MongoSourceConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process, without Kafka: Debezium's embedded engine runs our {@link
 * MongoSourceConnector} (its tasks, with offsets in a file), and every batch the source produces is
 * handed to a {@link DittoSinkTask} this class starts itself, exactly as a Connect worker would:
 * {@code put}, then {@code preCommit}. Only when the sink acknowledged a batch are its source
 * records marked processed, so the source offsets written to the file never run ahead of Ditto: a
 * crash at any point replays, it never loses (idempotent upserts make the replay harmless).
 *
 * <p>When the settings name Ditto's CDC feed and a collection is synced from Ditto to MongoDB, the
 * other direction runs beside it ({@link DittoToMongoSync}), its positions in the same offsets
 * file; a failure of either stops the sync.
 *
 * <p>{@link #close()} stops it (once; safe from a shutdown hook); the next start with the same
 * offsets file resumes where the last acknowledged batch ended.
 */
public final class EmbeddedSync implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSync.class);
  static final String DEFAULT_NAME = "mongo-ditto-embedded";
  private static final long IDLE_TICK_MS = 1000;
  private static final long REDELIVERY_FALLBACK_MS = 1000;

  /**
   * How to run.
   *
   * @param settings the source and sink connector settings (one flat map; each ignores the other's
   *     keys)
   * @param offsetsFile where source offsets are kept between runs
   * @param deadLetterFile where records that cannot be written go (JSON lines)
   * @param offsetFlushInterval how often acknowledged offsets are written to the file
   */
  public record Options(
      Map<String, String> settings,
      Path offsetsFile,
      Path deadLetterFile,
      Duration offsetFlushInterval) {
    public Options {
      settings = Map.copyOf(settings);
    }
  }

  private final Options options;
  private final SyncStats stats = new SyncStats();
  private final EmbeddedMetrics metrics = new EmbeddedMetrics();
  private final DittoSinkTask sink = new DittoSinkTask();
  private final DeadLetterFile deadLetters;
  private final EmbeddedSinkContext sinkContext;
  private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
  private final String errorsTopic;
  private final String heartbeatTopic;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch tasksStarted = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicReference<RuntimeException> idleFailure = new AtomicReference<>();

  /** A batch carried a stream position record (heartbeat topic): flush offsets after it at once. */
  private final AtomicBoolean positionHandedOn = new AtomicBoolean();

  /**
   * Calls the sink with no records while no batch comes, as a Connect worker does after an empty
   * poll: a sweep waiting after its copy runs its deletes only once the sink has seen it is caught
   * up.
   */
  private final java.util.concurrent.ScheduledExecutorService idle =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "mongo-ditto-sink-idle");
            t.setDaemon(true);
            return t;
          });

  private volatile long lastPutNanos = System.nanoTime();

  /** A batch waits to be delivered again: no empty put may tell the sink it is caught up. */
  private boolean redelivering;

  private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private Thread engineThread;
  private boolean closed;

  /** The Ditto -> MongoDB direction, when the settings ask for it ({@link DittoToMongoSync}). */
  private volatile DittoToMongoSync dittoToMongo;

  private EmbeddedSync(Options options) {
    this.options = options;
    this.deadLetters = new DeadLetterFile(options.deadLetterFile());
    this.sinkContext =
        new EmbeddedSinkContext(
            options.settings(),
            deadLetters,
            metrics.pluginMetrics(sinkMetricsName(options.settings()), 0));
    this.errorsTopic = options.settings().getOrDefault("errors.topic", "");
    this.heartbeatTopic = heartbeatTopic(options.settings());
  }

  /** Starts the sink task, then the source through the engine (in its own thread). */
  public static EmbeddedSync start(Options options) {
    EmbeddedSync sync = new EmbeddedSync(options);
    sync.startAll();
    return sync;
  }

  private void startAll() {
    Optional<CdcConsumerSettings> cdc = DittoToMongoSync.wanted(options.settings());
    sink.initialize(sinkContext);
    sink.start(options.settings());
    if (cdc.isPresent()) {
      try {
        dittoToMongo =
            DittoToMongoSync.start(
                cdc.get(),
                options.settings(),
                options.offsetsFile(),
                deadLetters,
                metrics,
                this::dittoToMongoFailed);
      } catch (RuntimeException e) {
        sink.stop();
        deadLetters.close();
        metrics.close();
        throw e;
      }
    }
    idle.scheduleWithFixedDelay(this::idleTick, IDLE_TICK_MS, IDLE_TICK_MS, TimeUnit.MILLISECONDS);
    Properties props = new Properties();
    options
        .settings()
        .forEach(
            (k, v) -> {
              // The source has no use for the CDC feed's settings (and its passwords).
              if (!k.startsWith(CdcConsumerSettings.PREFIX)) {
                props.setProperty(k, v);
              }
            });
    props.setProperty("name", options.settings().getOrDefault("name", DEFAULT_NAME));
    // MongoSourceConnector behind a thin wrapper that gives its tasks plugin metrics.
    props.setProperty("connector.class", EmbeddedSourceConnector.class.getName());
    props.setProperty(EmbeddedMetrics.CONFIG_ID, metrics.id());
    props.setProperty("tasks.max", options.settings().getOrDefault("tasks.max", "1"));
    // No Kafka between source and sink here: only Ditto's 5 MiB limit applies.
    props.setProperty(
        MongoSourceConfigDef.RECORD_MAX_BYTES,
        options
            .settings()
            .getOrDefault(
                MongoSourceConfigDef.RECORD_MAX_BYTES, Integer.toString(Integer.MAX_VALUE)));
    // Kafka's file store rewrites the file in place: a kill mid-write would lose every offset.
    props.setProperty("offset.storage", AtomicFileOffsetBackingStore.class.getName());
    props.setProperty(
        "offset.storage.file.filename", options.offsetsFile().toAbsolutePath().toString());
    props.setProperty(
        "offset.flush.interval.ms", Long.toString(options.offsetFlushInterval().toMillis()));
    // One batch at a time through the sink, in source order.
    props.setProperty("record.processing.order", "ORDERED");
    props.setProperty("record.processing.threads", "1");
    try {
      java.nio.file.Files.createDirectories(options.offsetsFile().toAbsolutePath().getParent());
    } catch (java.io.IOException e) {
      throw new ConnectException(
          "cannot create the directory of the offsets file " + options.offsetsFile(), e);
    }
    engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(props)
            .notifying(new BatchHandler())
            .using(offsetCommitPolicy(options.offsetFlushInterval()))
            .using(
                new DebeziumEngine.ConnectorCallback() {
                  @Override
                  public void taskStarted() {
                    tasksStarted.countDown();
                  }
                })
            .using(
                (success, message, error) -> {
                  if (!success) {
                    failure.compareAndSet(
                        null, error != null ? error : new ConnectException(message));
                    LOG.error("The sync stopped: {}", message, error);
                  }
                  tasksStarted.countDown();
                  stopped.countDown();
                })
            .build();
    DebeziumEngine<RecordChangeEvent<SourceRecord>> built = engine;
    engineThread =
        new Thread(
            () -> {
              MongoStartWait.await(
                  options.offsetsFile(),
                  MongoStartWait.ping(options.settings()),
                  this::isClosed,
                  this::sleepUnlessClosed);
              if (!isClosed()) {
                built.run();
              } else {
                tasksStarted.countDown();
                stopped.countDown();
              }
            },
            "mongo-ditto-engine");
    engineThread.start();
  }

  /**
   * Flushes offsets every {@code interval}, and right after a batch that carried a stream position
   * record. A first copy starts only once its start position is stored (see the source's
   * DurableSnapshotStart); the periodic policy alone made it wait up to a whole interval, about a
   * sixth of the initial sync's time in the benchmark. Such records are rare (one per collection
   * before a copy, heartbeats when configured), so this adds few writes of the offsets file.
   */
  private OffsetCommitPolicy offsetCommitPolicy(Duration interval) {
    return (sinceLastCommit, timeSinceLastCommit) ->
        (positionHandedOn.getAndSet(false) || timeSinceLastCommit.compareTo(interval) >= 0)
            && !sweepWaiting();
  }

  /**
   * A sweep's copy is complete but its deletes wait (sweep.grace.ms): the source's offsets, which
   * are past the copy by now, stay unwritten meanwhile, so a crash before the deletes ran copies
   * again and sweeps then, as Connect keeps a sink's offsets at the sweep's start.
   */
  private boolean sweepWaiting() {
    synchronized (this) {
      return !closed && sweepsWaiting() > 0;
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** Sleeps up to {@code millis}; false as soon as the sync is closed (or interrupted). */
  private synchronized boolean sleepUnlessClosed(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      while (!closed) {
        long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (left <= 0) {
          return true;
        }
        wait(left); // close() notifies
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Sweeps whose copy is complete and whose deletes wait for their grace. */
  public synchronized int sweepsWaiting() {
    return sink.sweepsWaiting();
  }

  private void idleTick() {
    synchronized (this) {
      if (closed
          || redelivering
          || System.nanoTime() - lastPutNanos < TimeUnit.MILLISECONDS.toNanos(IDLE_TICK_MS)) {
        return;
      }
      try {
        sink.put(List.of());
        lastPutNanos = System.nanoTime();
      } catch (RuntimeException e) {
        // the next batch fails the engine with it
        idleFailure.compareAndSet(null, e);
        LOG.error("The Ditto sink failed while idle: {}", e.getMessage());
      }
    }
  }

  /** The source's heartbeat topic: its records carry stream positions, not documents. */
  private static String heartbeatTopic(Map<String, String> settings) {
    try {
      return MongoSourceConfig.of(settings).heartbeatTopic();
    } catch (RuntimeException invalid) {
      // The engine reports the invalid config when it starts the connector; the default name
      // meanwhile.
      String prefix = settings.getOrDefault("topic.prefix", "");
      return (prefix.isBlank() ? "" : prefix.trim() + ".") + "heartbeat";
    }
  }

  /** A failure of the Ditto -> MongoDB direction stops the whole sync, as one of the source's. */
  private void dittoToMongoFailed(Throwable e) {
    failure.compareAndSet(null, new ConnectException("Ditto -> MongoDB: " + e.getMessage(), e));
    stopped.countDown();
  }

  /** The Ditto -> MongoDB direction, when it runs. */
  public Optional<DittoToMongoSync> dittoToMongo() {
    return Optional.ofNullable(dittoToMongo);
  }

  /** Waits until the source task runs (or the engine failed); true if it runs. */
  public boolean awaitStarted(Duration timeout) throws InterruptedException {
    return tasksStarted.await(timeout.toMillis(), TimeUnit.MILLISECONDS)
        && failure.get() == null
        && stopped.getCount() > 0;
  }

  /** Waits until the engine stopped, for whatever reason. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isRunning() {
    return stopped.getCount() > 0;
  }

  /** Why it stopped, if it failed. */
  public Throwable failure() {
    return failure.get();
  }

  public SyncStats stats() {
    return stats;
  }

  /**
   * The metrics registry of the source and sink tasks: the same metrics a Connect worker would
   * export over JMX, tagged {@code connector=}{@link #sourceMetricsName}/{@link #sinkMetricsName}
   * and {@code task=<n>}.
   */
  public EmbeddedMetrics metrics() {
    return metrics;
  }

  /** The {@code connector} tag of the source's metrics: {@code <name>-source}. */
  public static String sourceMetricsName(Map<String, String> settings) {
    return settings.getOrDefault("name", DEFAULT_NAME) + "-source";
  }

  /** The {@code connector} tag of the sink's metrics: {@code <name>-sink}. */
  public static String sinkMetricsName(Map<String, String> settings) {
    return settings.getOrDefault("name", DEFAULT_NAME) + "-sink";
  }

  public long deadLetters() {
    return deadLetters.count();
  }

  public Path deadLetterFile() {
    return deadLetters.file();
  }

  /**
   * Hands each source batch to the sink; marks it processed only after the sink acknowledged it.
   */
  private final class BatchHandler
      implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    @Override
    public void handleBatch(
        List<RecordChangeEvent<SourceRecord>> events,
        DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
        throws InterruptedException {
      synchronized (EmbeddedSync.this) {
        deliver(events);
      }
      for (RecordChangeEvent<SourceRecord> e : events) {
        committer.markProcessed(e);
      }
      committer.markBatchFinished();
    }
  }

  private void deliver(List<RecordChangeEvent<SourceRecord>> events) {
    List<SinkRecord> batch = new ArrayList<>(events.size());
    Map<TopicPartition, OffsetAndMetadata> current = new LinkedHashMap<>();
    List<TopicPartition> newPartitions = new ArrayList<>();
    Map<String, Long> perCollection = new HashMap<>();
    Map<String, Long> oldestByCollection = new HashMap<>();
    long newest = 0;
    long oldest = Long.MAX_VALUE;
    for (RecordChangeEvent<SourceRecord> e : events) {
      SourceRecord r = e.record();
      if (!errorsTopic.isEmpty() && errorsTopic.equals(r.topic())) {
        deadLetters.reportSourceError(r);
        continue;
      }
      if (heartbeatTopic.equals(r.topic())) {
        // Only its offset matters (the batch handler marks it processed); a Connect sink never
        // subscribes to it.
        positionHandedOn.set(true);
        continue;
      }
      TopicPartition tp = new TopicPartition(r.topic(), 0);
      if (!nextOffset.containsKey(tp)) {
        nextOffset.put(tp, 0L);
        newPartitions.add(tp);
      }
      long offset = nextOffset.merge(tp, 1L, Long::sum) - 1;
      batch.add(
          new SinkRecord(
              r.topic(),
              0,
              r.keySchema(),
              r.key(),
              r.valueSchema(),
              r.value(),
              offset,
              r.timestamp(),
              TimestampType.CREATE_TIME,
              r.headers()));
      current.put(tp, new OffsetAndMetadata(offset + 1));
      if (r.value() instanceof Map<?, ?> value && !SweepMarker.isMarker(value)) {
        Object collection = value.get(DittoChangeCodec.COLLECTION);
        perCollection.merge(String.valueOf(collection), 1L, Long::sum);
        if (value.get(DittoChangeCodec.SOURCE_TIME) instanceof Number ts && ts.longValue() > 0) {
          oldestByCollection.merge(String.valueOf(collection), ts.longValue(), Math::min);
          newest = Math.max(newest, ts.longValue());
          oldest = Math.min(oldest, ts.longValue());
        }
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    if (!newPartitions.isEmpty()) {
      sinkContext.assign(newPartitions);
      sink.open(newPartitions);
    }
    stats.writing(oldestByCollection);
    putUntilApplied(batch);
    for (Map.Entry<TopicPartition, OffsetAndMetadata> c : current.entrySet()) {
      // Not preCommit(): it holds offsets at an open sweep's start, which matters to a consumer
      // that can re-read; here a restart copies again (the source starts a sweeping copy over).
      if (sink.acknowledged(c.getKey()) < c.getValue().offset()) {
        // Never mark a source record processed that Ditto has not acknowledged.
        throw new ConnectException(
            "the Ditto sink did not acknowledge " + c.getKey() + " up to " + c.getValue().offset());
      }
    }
    stats.acknowledged(oldestByCollection, System.currentTimeMillis());
    perCollection.forEach(stats::recordApplied);
    stats.batchApplied(newest, oldest == Long.MAX_VALUE ? 0 : oldest);
  }

  /**
   * Hands the batch to the sink until it takes it: while Ditto is unavailable the sink hands it
   * back (RetriableException) after its retry window, and it is delivered again after the wait the
   * sink asked for, as a Connect worker would; the source waits meanwhile.
   */
  private void putUntilApplied(List<SinkRecord> batch) {
    RuntimeException idleError = idleFailure.getAndSet(null);
    if (idleError != null) {
      throw idleError;
    }
    while (true) {
      try {
        sink.put(batch);
        lastPutNanos = System.nanoTime();
        redelivering = false;
        return;
      } catch (org.apache.kafka.connect.errors.RetriableException e) {
        redelivering = true;
        long wait = sinkContext.takeTimeout(REDELIVERY_FALLBACK_MS);
        try {
          // the lock stays held: close() waits for this batch, which a stop ends promptly
          this.wait(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ConnectException("interrupted while Ditto was unavailable", interrupted);
        }
        if (closed) {
          redelivering = false;
          throw new ConnectException("stopped while Ditto was unavailable: " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * Stops the engine (once), then the sink. Safe to call from a shutdown hook and more than once.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll(); // a batch waiting to be delivered again gives up
      // The engine stores the source's offsets when it stops, whatever the commit policy: a sweep
      // still waiting for its grace would be lost, so its deletes run now.
      try {
        sink.runWaitingSweepsNow();
      } catch (RuntimeException e) {
        LOG.warn("Sweeps waiting at stop could not run: {}", e.getMessage());
      }
    }
    idle.shutdownNow();
    try {
      if (engine != null) {
        engine.close();
      }
      if (engineThread != null) {
        engineThread.join(TimeUnit.SECONDS.toMillis(30));
      }
    } catch (Exception e) {
      LOG.warn("Stopping the engine: {}", e.toString());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      DittoToMongoSync reverse = dittoToMongo;
      if (reverse != null) {
        reverse.close();
      }
      synchronized (this) {
        sink.close(List.copyOf(nextOffset.keySet()));
        sink.stop();
      }
      deadLetters.close();
      metrics.close();
      stopped.countDown();
    }
  }
}
