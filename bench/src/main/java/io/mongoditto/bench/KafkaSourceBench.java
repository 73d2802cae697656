package io.mongoditto.bench;

import com.mongodb.client.MongoDatabase;
import io.mongoditto.source.MongoSourceConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The source alone on an in-JVM Connect cluster (one broker, one worker), next to MongoDB's own
 * connector on the same cluster and data: streaming ({@code startup.mode=latest}, the same {@link
 * InsertLoad} burst) and copying the existing Zava collections.
 */
final class KafkaSourceBench implements AutoCloseable {

  /** A measured rate, or why there is none. */
  record Outcome(
      double perSecond,
      long records,
      String problem,
      double firstRecordSeconds,
      double cpuMicrosPerRecord) {
    Outcome(double perSecond, long records, String problem) {
      this(perSecond, records, problem, 0, 0);
    }

    static Outcome failed(String problem) {
      return new Outcome(0, 0, problem);
    }

    boolean ok() {
      return problem == null;
    }
  }

  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  private final EmbeddedConnectCluster connect;
  private final TopicCounter counter;
  private final String mongoUri;
  private final Map<String, String> oursExtra;

  /** {@code oursExtra}: settings added to our connector's config (after the benchmark's own). */
  KafkaSourceBench(Path pluginPath, String mongoUri, Map<String, String> oursExtra) {
    this.mongoUri = mongoUri;
    this.oursExtra = Map.copyOf(oursExtra);
    Map<String, String> worker = new HashMap<>();
    worker.put("plugin.discovery", "service_load");
    worker.put("plugin.path", MongoKafkaPlugin.prepare(pluginPath).toString());
    worker.put("offset.flush.interval.ms", "5000");
    connect =
        new EmbeddedConnectCluster.Builder()
            .name("bench")
            .numWorkers(1)
            .numBrokers(1)
            .workerProps(worker)
            .build();
    connect.start();
    counter = new TopicCounter(connect.kafka().bootstrapServers());
  }

  /** Ours with startup.mode=latest on a fresh collection, then the burst. */
  Outcome oursStreaming(MongoDatabase db, String collection, int events)
      throws InterruptedException {
    ZavaData.createWithImages(db, collection);
    Map<String, String> c = oursBase(db.getName(), "ours-latest");
    c.put("collections", collection);
    c.put("startup.mode", "latest");
    c.putAll(oursExtra);
    return streaming("bench-ours-latest", c, db, collection, "ours-latest.", events);
  }

  /** mongo-kafka with startup.mode=latest on a fresh collection, then the same burst. */
  Outcome theirsStreaming(MongoDatabase db, String collection, int events)
      throws InterruptedException {
    ZavaData.createWithImages(db, collection);
    Map<String, String> c = theirsBase(db.getName(), "theirs-latest");
    c.put("collection", collection);
    c.put("startup.mode", "latest");
    return streaming("bench-theirs-latest", c, db, collection, "theirs-latest.", events);
  }

  /** Ours copying the Zava collections (startup.mode=initial). */
  Outcome oursCopy(String database, long documents) throws InterruptedException {
    Map<String, String> c = oursBase(database, "ours-copy");
    c.putAll(ZavaData.mapping());
    c.put("startup.mode", "initial");
    c.putAll(oursExtra);
    return copy("bench-ours-copy", c, "ours-copy.", documents);
  }

  /** mongo-kafka copying the same database (startup.mode=copy_existing). */
  Outcome theirsCopy(String database, long documents) throws InterruptedException {
    Map<String, String> c = theirsBase(database, "theirs-copy");
    c.put("startup.mode", "copy_existing");
    return copy("bench-theirs-copy", c, "theirs-copy.", documents);
  }

  private Outcome streaming(
      String name,
      Map<String, String> config,
      MongoDatabase db,
      String collection,
      String topicPrefix,
      int events)
      throws InterruptedException {
    try {
      connect.configureConnector(name, config);
      long probes = probe(db, collection, topicPrefix);
      if (probes == 0) {
        return Outcome.failed(name + ": no probe document reached Kafka in 60 s; " + status(name));
      }
      long start = System.nanoTime();
      long cpuBefore = processCpuNanos();
      Thread writer = InsertLoad.burstInBackground(db.getCollection(collection), 1, events);
      TopicCounter.Progress p = counter.awaitCount(topicPrefix, events + probes, TIMEOUT);
      long cpu = processCpuNanos() - cpuBefore;
      long nanos = p.reachedNanos() - start;
      writer.join();
      if (!p.reached(events + probes)) {
        return Outcome.failed(
            name
                + ": "
                + (p.count() - probes)
                + " of "
                + events
                + " events in Kafka after "
                + TIMEOUT);
      }
      return new Outcome(Units.perSecond(events, nanos), events, null, 0, cpu / 1e3 / events);
    } catch (RuntimeException | AssertionError e) {
      return Outcome.failed(name + ": " + e);
    } finally {
      deleteQuietly(name);
    }
  }

  /**
   * Probe documents (ids 0, -1, ...; one a second) until one reaches Kafka, so the burst starts
   * only once the connector's stream is surely open; returns how many probes landed (0: none).
   */
  private long probe(MongoDatabase db, String collection, String topicPrefix)
      throws InterruptedException {
    for (int i = 0; i < 60; i++) {
      db.getCollection(collection).insertOne(InsertLoad.doc(-i));
      if (counter.awaitCount(topicPrefix, 1, Duration.ofSeconds(1)).reached(1)) {
        Thread.sleep(1000); // a probe sent just before the first one landed lands too
        return counter.count(topicPrefix);
      }
    }
    return 0;
  }

  private Outcome copy(String name, Map<String, String> config, String topicPrefix, long documents)
      throws InterruptedException {
    try {
      long created = System.nanoTime();
      connect.configureConnector(name, config);
      TopicCounter.Progress p = counter.awaitCount(topicPrefix, documents, TIMEOUT);
      if (!p.reached(documents)) {
        return Outcome.failed(
            name
                + ": "
                + p.count()
                + " of "
                + documents
                + " documents in Kafka after "
                + TIMEOUT
                + "; "
                + status(name));
      }
      return new Outcome(p.ratePerSecond(), p.count(), null, (p.firstNanos() - created) / 1e9, 0);
    } catch (RuntimeException | AssertionError e) {
      return Outcome.failed(name + ": " + e);
    } finally {
      deleteQuietly(name);
    }
  }

  /**
   * CPU time of this whole JVM (writer, local MongoDB, broker, worker and connector): on a shared
   * two-core machine the CPU a connector needs per event varies far less than its rate.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private Map<String, String> oursBase(String database, String prefix) {
    Map<String, String> c = new HashMap<>();
    c.put("connector.class", MongoSourceConnector.class.getName());
    c.put("tasks.max", "1");
    c.put("mongodb.uri", mongoUri);
    c.put("mongodb.database", database);
    c.put("topic.prefix", prefix);
    c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("key.converter.schemas.enable", "false");
    c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("value.converter.schemas.enable", "false");
    c.put("topic.creation.default.replication.factor", "1");
    c.put("topic.creation.default.partitions", "1");
    return c;
  }

  private Map<String, String> theirsBase(String database, String prefix) {
    Map<String, String> c = new HashMap<>();
    c.put("connector.class", MongoKafkaPlugin.CONNECTOR_CLASS);
    c.put("tasks.max", "1");
    c.put("connection.uri", mongoUri);
    c.put("database", database);
    c.put("topic.prefix", prefix);
    // Its defaults: the change event as a JSON string (output.format.value=json).
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("topic.creation.default.replication.factor", "1");
    c.put("topic.creation.default.partitions", "1");
    return c;
  }

  private String status(String name) {
    try {
      return "status " + connect.connectorStatus(name);
    } catch (RuntimeException e) {
      return "no status: " + e.getMessage();
    }
  }

  private void deleteQuietly(String name) {
    try {
      connect.deleteConnector(name);
    } catch (RuntimeException e) {
      // best effort: the cluster is stopped at the end anyway
    }
  }

  @Override
  public void close() {
    counter.close();
    connect.stop();
  }
}
