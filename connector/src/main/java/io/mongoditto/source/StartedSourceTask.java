package io.mongoditto.source;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mongo.ConnectorSessions;
import io.mongoditto.mongo.MongoClientFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running state of one source task, owned in one place: the client, one reader thread per
 * assigned collection and the buffer between them and {@code poll()}. Built completely or not at
 * all (a failed start closes what it opened); {@link #close()} is prompt and idempotent.
 */
final class StartedSourceTask implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StartedSourceTask.class);

  /** The driver's application name: the source's connections in the server's logs. */
  static final String APP_NAME = "mongo-ditto-source";

  private final MongoSourceConfig config;
  private final MongoClient client;
  private final SourceBuffer buffer;
  private final SourceTaskStats stats;
  private final List<CollectionStreamReader> readers;
  private final List<Thread> threads;
  private volatile boolean closed;

  private StartedSourceTask(
      MongoSourceConfig config,
      MongoClient client,
      SourceBuffer buffer,
      SourceTaskStats stats,
      List<CollectionStreamReader> readers,
      List<Thread> threads) {
    this.config = config;
    this.client = client;
    this.buffer = buffer;
    this.stats = stats;
    this.readers = readers;
    this.threads = threads;
  }

  static StartedSourceTask start(
      String connectorName, MongoSourceConfig config, OffsetStorageReader offsets) {
    return start(connectorName, config, offsets, null);
  }

  /**
   * @param pluginMetrics where the task's metrics are exported, or null to keep them unexported
   */
  static StartedSourceTask start(
      String connectorName,
      MongoSourceConfig config,
      OffsetStorageReader offsets,
      org.apache.kafka.common.metrics.PluginMetrics pluginMetrics) {
    List<CollectionConfig> assigned = config.assignedCollections();
    MongoClient client =
        MongoClientFactory.create(
            config.connection(), APP_NAME, config.connection().serverSelectionTimeoutMs(), 0);
    List<Thread> threads = new ArrayList<>();
    SourceBuffer buffer = new SourceBuffer(config.bufferCapacity());
    try {
      MongoDatabase database = client.getDatabase(config.database());
      ConnectorSessions sessions = new ConnectorSessions(database);
      SourceTaskStats stats =
          new SourceTaskStats(pluginMetrics, System::currentTimeMillis, System::nanoTime);
      stats
          .taskGroup()
          .gauge("buffered-records", "Records read and waiting for poll()", buffer::size);
      List<Map<String, String>> partitions =
          assigned.stream().map(c -> SourceOffsets.partition(config.database(), c.name())).toList();
      Map<Map<String, String>, Map<String, Object>> stored = offsets.offsets(partitions);
      List<CollectionStreamReader> readers = new ArrayList<>();
      java.util.concurrent.Semaphore snapshotPermits =
          new java.util.concurrent.Semaphore(config.snapshotMaxThreads());
      for (CollectionConfig c : assigned) {
        Map<String, Object> offset =
            stored.get(SourceOffsets.partition(config.database(), c.name()));
        SyncRulesChange.warnIfChanged(connectorName, config.database(), c, offset);
        SourceOffset start;
        try {
          start = SourceOffset.parse(offset);
        } catch (IllegalArgumentException e) {
          throw new ConnectException(
              "The stored offset of "
                  + config.database()
                  + "."
                  + c.name()
                  + " is not one this connector wrote ("
                  + e.getMessage()
                  + "): reset it (PUT /connectors/"
                  + connectorName
                  + "/stop, then PATCH .../offsets with a null offset for this partition)",
              e);
        }
        ChangeEventMapper mapper =
            c.rules()
                .mapper(
                    c.mapping(),
                    stats.collection(c.name()).conversions,
                    config.documentSizeLimit());
        readers.add(
            new CollectionStreamReader(
                connectorName,
                config,
                c,
                database,
                buffer,
                stats,
                mapper,
                start,
                snapshotPermits,
                offsets,
                sessions));
      }
      for (CollectionStreamReader reader : readers) {
        Thread t =
            new Thread(reader, "mongoditto-source-" + connectorName + "-" + reader.collection());
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      log.info(
          "Source task of {} started: collections {}",
          connectorName,
          assigned.stream().map(CollectionConfig::name).toList());
      return new StartedSourceTask(config, client, buffer, stats, readers, threads);
    } catch (RuntimeException e) {
      buffer.close();
      threads.forEach(Thread::interrupt);
      client.close();
      throw e;
    }
  }

  List<SourceRecord> poll() throws InterruptedException {
    if (closed) {
      return null;
    }
    return buffer.poll(config.pollMaxBatchSize(), config.pollAwaitMs());
  }

  SourceTaskStats stats() {
    return stats;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    buffer.close();
    readers.forEach(CollectionStreamReader::stop);
    // Readers notice within one maxAwaitTime; closing the client afterwards ends any that are
    // still inside a getMore, so stop() stays prompt.
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.streamMaxAwaitMs() + 500L);
    for (Thread t : threads) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left > 0) {
        try {
          t.join(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    client.close();
    // The totals first: closing the stats removes their metrics and their values.
    String totals = stats.toString();
    stats.close();
    log.info("Source task stopped: {}", totals);
  }

  int bufferedRecords() {
    return buffer.size();
  }

  boolean readerFailed() {
    return buffer.failed();
  }

  Collection<String> collections() {
    return readers.stream().map(CollectionStreamReader::collection).toList();
  }
}
