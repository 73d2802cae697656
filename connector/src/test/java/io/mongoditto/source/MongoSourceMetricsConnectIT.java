package io.mongoditto.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongoditto.localmongo.LocalMongo;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source's metrics as an operator reads them: over JMX from a real in-JVM Connect worker (one
 * broker, one worker, shared by this class) after a known workload against the local MongoDB.
 */
class MongoSourceMetricsConnectIT {

  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final int SNAPSHOT_DOCS = 750;

  private static SourceConnectCluster cluster;
  private static EmbeddedConnectCluster connect;
  private static LocalMongo mongo;
  private static MongoClient client;
  private static TopicContents topics;

  @BeforeAll
  static void start() {
    cluster =
        SourceConnectCluster.start(
            "mongo-source-metrics", Map.of(), UuidRepresentation.UNSPECIFIED);
    mongo = cluster.mongo;
    client = cluster.client;
    connect = cluster.connect;
    topics = cluster.topics;
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void snapshotAndStreamCountsAreExactOverJmx() throws Exception {
    String name = "metrics-source";
    MongoCollection<Document> items = client.getDatabase("shop").getCollection("items");
    List<Document> seed = new ArrayList<>();
    long seedBytes = 0;
    for (int i = 0; i < SNAPSHOT_DOCS; i++) {
      Document d =
          new Document("_id", "item-" + i).append("n", i).append("name", "item number " + i);
      seed.add(d);
      seedBytes += CollectionMetrics.bsonSize(d.toBsonDocument());
    }
    items.insertMany(seed);

    Map<String, String> config = SourceConnectCluster.sourceConfig(mongo, "shop", "items", "m");
    config.put("errors.topic", "m.errors");
    config.put("snapshot.chunk.size", "100");
    long started = System.currentTimeMillis();
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");

    // The copy first, on its own, so the stream's counts are only the changes below.
    await().atMost(CONVERGE).untilAsserted(() -> assertEquals(2L, metric(name, "state")));
    assertEquals("streaming", attribute(name, "state-name"));
    assertEquals((long) SNAPSHOT_DOCS, metric(name, "snapshot-copied-total"));
    assertEquals((long) SNAPSHOT_DOCS, metric(name, "snapshot-documents-copied"));
    assertEquals((long) SNAPSHOT_DOCS, metric(name, "snapshot-documents-expected"));
    assertEquals(100.0, (Double) attribute(name, "snapshot-percent"), 1e-9);
    assertEquals(0L, metric(name, "snapshot-eta-seconds"));
    assertTrue((Double) attribute(name, "snapshot-rate") > 0, "a rate was measured");
    assertEquals(0L, metric(name, "change-events-total"), "a snapshot reads no change events");
    assertEquals(-1L, metric(name, "source-lag-ms"), "no change event read yet");
    assertEquals(
        seedBytes, metric(name, "bytes-read-total"), "the BSON size of every copied document");

    // K stream changes: 5 inserts + one with a Binary (left out) + one with an object _id (bad
    // document under match_ids), 3 updates, 2 replaces, 4 deletes.
    for (int i = 0; i < 5; i++) {
      items.insertOne(new Document("_id", "new-" + i).append("n", i));
    }
    items.insertOne(new Document("_id", "blob").append("data", new Binary(new byte[] {1, 2, 3})));
    items.insertOne(new Document("_id", new Document("bad", true)));
    for (int i = 0; i < 3; i++) {
      items.updateOne(
          Filters.eq("_id", "item-" + i),
          Updates.set("n", -1 - i)); // never a no-op: that emits no event
    }
    for (int i = 3; i < 5; i++) {
      items.replaceOne(Filters.eq("_id", "item-" + i), new Document("replaced", true));
    }
    for (int i = 5; i < 9; i++) {
      items.deleteOne(Filters.eq("_id", "item-" + i));
    }
    int streamRecords = 5 + 1 + 3 + 2 + 4;
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertEquals(
                  SNAPSHOT_DOCS + streamRecords,
                  topics.read("m.items").size(),
                  () -> diagnose(name));
              assertEquals(1, topics.read("m.errors").size());
            });

    await()
        .atMost(CONVERGE)
        .untilAsserted(() -> assertEquals(16L, metric(name, "change-events-total")));
    assertEquals(7L, metric(name, "insert-events-total"));
    assertEquals(3L, metric(name, "update-events-total"));
    assertEquals(2L, metric(name, "replace-events-total"));
    assertEquals(4L, metric(name, "delete-events-total"));
    assertEquals((long) SNAPSHOT_DOCS + streamRecords, metric(name, "records-total"));
    assertEquals(1L, metric(name, "bad-documents-total"));
    assertEquals(1L, metric(name, "error-records-total"));
    assertEquals(1L, metric(name, "omitted-values-total"), "the Binary value");
    assertEquals(0L, metric(name, "id-changes-total"));
    assertEquals(0L, metric(name, "resnapshots-total"));
    assertEquals(
        (long) SNAPSHOT_DOCS,
        metric(name, "snapshot-copied-total"),
        "the stream does not count as copied");
    assertTrue(metric(name, "bytes-read-total") > seedBytes, "change events add their size");
    long now = System.currentTimeMillis();
    long clusterTime = metric(name, "last-cluster-time-ms");
    assertTrue(
        clusterTime >= started - 1000 && clusterTime <= now,
        "cluster time " + clusterTime + " of this run");
    long sourceTime = metric(name, "last-source-time-ms");
    assertTrue(sourceTime >= clusterTime && sourceTime <= now, "source time " + sourceTime);
    long lag = metric(name, "source-lag-ms");
    assertTrue(lag >= 0 && lag <= now - sourceTime + 1000, "lag " + lag);
    long readLag = metric(name, "read-lag-ms");
    assertTrue(readLag >= 0 && readLag < CONVERGE.toMillis(), "read lag " + readLag);
    assertEquals(0L, taskMetric(name, "buffered-records"), "everything was handed to Kafka");

    connect.deleteConnector(name);
    connect.assertions().assertConnectorDoesNotExist(name, "deleted");
    await()
        .atMost(CONVERGE)
        .untilAsserted(() -> assertTrue(names(name).isEmpty(), "MBeans removed: " + names(name)));
  }

  private static String diagnose(String name) {
    StringBuilder sb = new StringBuilder();
    topics.read("m.items").stream()
        .skip(SNAPSHOT_DOCS)
        .forEach(r -> sb.append(r.key()).append(' ').append(r.value()).append('\n'));
    sb.append("errors: ").append(topics.read("m.errors").size());
    for (String m :
        List.of(
            "change-events-total",
            "insert-events-total",
            "update-events-total",
            "replace-events-total",
            "delete-events-total",
            "records-total",
            "bad-documents-total")) {
      try {
        sb.append(' ').append(m).append('=').append(metric(name, m));
      } catch (Exception e) {
        sb.append(e);
      }
    }
    return sb.toString();
  }

  private static Set<ObjectName> names(String connector) throws Exception {
    return ManagementFactory.getPlatformMBeanServer()
        .queryNames(
            new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",*"), null);
  }

  /** {@code kafka.connect:type=plugins,connector=<name>,task=0,collection=items}, as documented. */
  private static Object attribute(String connector, String attribute) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    return server.getAttribute(
        new ObjectName(
            "kafka.connect:type=plugins,connector=" + connector + ",task=0,collection=items"),
        attribute);
  }

  private static long metric(String connector, String attribute) throws Exception {
    return ((Number) attribute(connector, attribute)).longValue();
  }

  private static long taskMetric(String connector, String attribute) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    return ((Number)
            server.getAttribute(
                new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0"),
                attribute))
        .longValue();
  }
}
