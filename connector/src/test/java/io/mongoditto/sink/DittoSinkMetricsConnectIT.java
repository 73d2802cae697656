package io.mongoditto.sink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink's per-collection metrics as an operator sees them: read over JMX from a real in-JVM
 * Connect worker (Connect's plugin metrics, MBeans {@code kafka.connect:type=plugins,...}) after a
 * known workload against the local (real) Ditto.
 */
class DittoSinkMetricsConnectIT {

  private static final String CONNECTOR = "metrics-sink";
  private static final String ITEMS = "mx.shop.items";
  private static final String CARTS = "mx.shop.carts";

  private static LocalDitto ditto;
  private static ConnectHarness harness;

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    harness = new ConnectHarness("ditto-sink-metrics");
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    ditto.close();
  }

  /** The MBeans of the connector's plugin metrics for {@code collection} (one per task). */
  private static Set<ObjectName> mbeans(String collection) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    return server.queryNames(
        new ObjectName(
            "kafka.connect:type=plugins,connector="
                + CONNECTOR
                + ",task=*,collection="
                + collection),
        null);
  }

  /** The attribute summed over the connector's tasks. */
  private static long metric(String collection, String name) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long sum = 0;
    for (ObjectName mbean : mbeans(collection)) {
      sum += ((Number) server.getAttribute(mbean, name)).longValue();
    }
    return sum;
  }

  private static void awaitMetric(String collection, String name, LongPredicate ok) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ok.test(metric(collection, name)));
  }

  private static Map<String, Object> doc(String id, Object... kv) {
    Map<String, Object> d = new HashMap<>();
    d.put("_id", id);
    for (int i = 0; i < kv.length; i += 2) {
      d.put((String) kv[i], kv[i + 1]);
    }
    return d;
  }

  @Test
  void countsPerCollectionOverJmxAfterAKnownWorkload() throws Exception {
    harness.connect.kafka().createTopic(ITEMS, 1);
    harness.connect.kafka().createTopic(CARTS, 1);
    Map<String, String> props =
        ConnectHarness.sinkProps(ITEMS + "," + CARTS, ditto.endpoint(), ditto.apiKey());
    props.put("errors.tolerance", "all");
    props.put("errors.deadletterqueue.topic.name", "mx.errors");
    props.put("errors.deadletterqueue.topic.replication.factor", "1");
    harness.connect.configureConnector(CONNECTOR, props);
    long t0 = System.currentTimeMillis() - 5_000;

    // 1: ten new items, four carts
    for (int i = 0; i < 10; i++) {
      harness.send(
          ITEMS,
          DittoChange.upsert(
              "items", "i" + i, doc("i" + i, "n", i, "gone", true), List.of(), false, t0, null));
    }
    for (int i = 0; i < 4; i++) {
      harness.send(
          CARTS,
          DittoChange.upsert("carts", "c" + i, doc("c" + i, "n", i), List.of(), false, t0, null));
    }
    awaitMetric("items", "documents-upserted-total", v -> v == 10);
    awaitMetric("carts", "documents-upserted-total", v -> v == 4);

    // 2: a removed field, two deletes and a tombstone
    harness.send(
        ITEMS,
        DittoChange.upsert(
            "items", "i0", doc("i0", "n", 100), List.of("gone"), false, t0 + 1000, null));
    harness.send(ITEMS, DittoChange.delete("items", "i1", t0 + 1000, null));
    harness.send(ITEMS, DittoChange.delete("items", "i2", t0 + 1000, null));
    harness.tombstone(ITEMS, "i3");
    awaitMetric("items", "records-total", v -> v == 14);
    awaitMetric("items", "documents-deleted-total", v -> v == 3);

    // 3: a float _id Ditto refuses and a record that is no change, both dead-lettered; one good
    // item
    harness.send(
        ITEMS,
        DittoChange.upsert(
            "items", 2.5, Map.of("_id", 2.5, "n", 1L), List.of(), false, t0 + 2000, null));
    harness.send(ITEMS, "not-a-change", "just a string");
    harness.send(
        ITEMS,
        DittoChange.upsert("items", "i10", doc("i10", "n", 10), List.of(), false, t0 + 2000, null));
    awaitMetric("items", "records-total", v -> v == 17);
    awaitMetric("items", "documents-upserted-total", v -> v == 12);
    awaitMetric("items", "dead-lettered-total", v -> v == 2);

    assertEquals(1, mbeans("items").size(), "one task: " + mbeans("items"));
    assertEquals(12, metric("items", "documents-upserted-total"));
    assertEquals(3, metric("items", "documents-deleted-total"));
    assertEquals(1, metric("items", "unset-statements-total"));
    assertEquals(1, metric("items", "unset-paths-total"));
    assertEquals(2, metric("items", "dead-lettered-total"));
    assertEquals(17, metric("items", "records-total"));
    assertTrue(metric("items", "errors-total") >= 1, "the refused float _id is an error");
    assertEquals(0, metric("items", "retries-total"));
    long requests = metric("items", "requests-total");
    assertTrue(
        requests >= 6,
        "upserts, select, unset, delete, the refused and the split statements: " + requests);
    assertTrue(
        metric("items", "bytes-sent-total") > requests * 50,
        "bytes: " + metric("items", "bytes-sent-total"));
    assertTrue(metric("items", "batches-total") >= 3);
    assertEquals(t0 + 2000, metric("items", "last-source-time-ms"));
    long lag = metric("items", "sync-lag-ms");
    assertTrue(
        lag >= System.currentTimeMillis() - (t0 + 2000) - 1_000 && lag < 120_000, "lag " + lag);
    assertTrue(
        metric("items", "apply-lag-ms") >= 3_000, "applied at least 3 s after its source time");

    assertEquals(4, metric("carts", "documents-upserted-total"));
    assertEquals(0, metric("carts", "documents-deleted-total"));
    assertEquals(0, metric("carts", "dead-lettered-total"));
    assertEquals(4, metric("carts", "records-total"));
    assertEquals(t0, metric("carts", "last-source-time-ms"));

    // what the metrics say is what Ditto holds
    assertEquals(
        Set.of("i0", "i4", "i5", "i6", "i7", "i8", "i9", "i10"),
        new LocalDittoClient(ditto).selectById("items").keySet());

    // a deleted connector leaves no MBeans behind
    harness.connect.deleteConnector(CONNECTOR);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> mbeans("items").isEmpty() && mbeans("carts").isEmpty());
  }
}
