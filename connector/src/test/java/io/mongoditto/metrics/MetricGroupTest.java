package io.mongoditto.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

/**
 * Registration through Kafka's own plugin metrics implementation (what a Connect worker hands a
 * task).
 */
class MetricGroupTest {

  private static Object value(Metrics metrics, String name, Map<String, String> tags) {
    return metrics.metrics().get(new MetricName(name, "plugins", "", tags)).metricValue();
  }

  @Test
  void perCollectionCountersAndGaugesCarryTheCollectionTagAndAreRemovedOnClose() throws Exception {
    try (Metrics metrics = new Metrics();
        PluginMetricsImpl plugin =
            new PluginMetricsImpl(metrics, Map.of("connector", "c1", "task", "0"))) {
      record Holder(Counter writes, SyncLag lag) {}
      AtomicLong now = new AtomicLong(10_000);
      PerCollectionMetrics<Holder> per =
          new PerCollectionMetrics<>(
              new MetricGroup(plugin, Map.of()),
              g ->
                  new Holder(
                      g.counter("writes-total", "writes"), new SyncLag(now::get).register(g)));
      per.get("orders").writes().add(3);
      per.get("orders").writes().increment();
      per.get("stores").writes().increment();
      per.get("orders").lag().applied(7_000);
      per.get("orders").lag().applied(6_000); // a replayed older change does not move it back
      now.set(12_000);

      Map<String, String> orders = Map.of("connector", "c1", "task", "0", "collection", "orders");
      assertEquals(4L, value(metrics, "writes-total", orders));
      assertEquals(
          1L,
          value(
              metrics,
              "writes-total",
              Map.of("connector", "c1", "task", "0", "collection", "stores")));
      assertEquals(7_000L, value(metrics, "last-source-time-ms", orders));
      assertEquals(5_000L, value(metrics, "sync-lag-ms", orders));
      assertEquals(3_000L, value(metrics, "apply-lag-ms", orders));
      assertEquals(
          -1L,
          value(
              metrics,
              "sync-lag-ms",
              Map.of("connector", "c1", "task", "0", "collection", "stores")),
          "no change with a source time applied yet");

      per.close();
      assertFalse(
          metrics.metrics().keySet().stream().anyMatch(n -> n.group().equals("plugins")),
          "close removes the group's metrics: " + metrics.metrics().keySet());
    }
  }

  @Test
  void aTaskStartedWhileItsEarlierInstanceStillStopsRunsWithoutFailingOnTheMetricName()
      throws Exception {
    Map<String, String> task = Map.of("connector", "c1", "task", "0");
    try (Metrics metrics = new Metrics();
        PluginMetricsImpl stopping = new PluginMetricsImpl(metrics, task);
        PluginMetricsImpl started = new PluginMetricsImpl(metrics, task)) {
      MetricGroup earlier = new MetricGroup(stopping, Map.of());
      earlier.counter("events-total", "events").add(3);
      MetricGroup later = new MetricGroup(started, Map.of());

      Counter c = later.counter("events-total", "events");
      c.add(5);

      assertEquals(5, c.count(), "the new instance counts");
      assertEquals(3L, value(metrics, "events-total", task), "still the earlier one's export");
      later.close(); // removes nothing of the earlier instance's
      assertEquals(3L, value(metrics, "events-total", task));
      earlier.close();
      assertFalse(metrics.metrics().keySet().stream().anyMatch(n -> n.group().equals("plugins")));
    }
  }

  @Test
  void withoutPluginMetricsValuesAreKeptButNotExported() {
    MetricGroup group = new MetricGroup(null, Map.of());
    Counter c = group.with("collection", "x").counter("writes-total", "writes");
    c.add(2);
    assertEquals(2, c.count());
    group.close();
  }

  @Test
  void syncLagIgnoresUnknownSourceTimes() {
    AtomicLong now = new AtomicLong(1_000);
    SyncLag lag = new SyncLag(now::get);
    lag.applied(0);
    assertEquals(SyncLag.UNKNOWN, lag.lagMillis());
    assertEquals(SyncLag.UNKNOWN, lag.lastAppliedAtMillis());
    lag.applied(900);
    now.set(2_000);
    assertEquals(1_100, lag.lagMillis());
    assertEquals(100, lag.applyLagMillis());
    assertEquals(1_000, lag.lastAppliedAtMillis());
    assertTrue(lag.lagMillis() >= 0);
  }

  /**
   * The tags in the order Connect's worker passes them (Map.of's order changes from run to run).
   */
  private static Map<String, String> connectorThenTask(String connector) {
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    tags.put("connector", connector);
    tags.put("task", "0");
    return tags;
  }

  /**
   * The MBean names docs/metrics.md gives (and the Prometheus rules match), from Kafka's own JMX
   * reporter.
   */
  @Test
  void jmxNamesAsDocumented() throws Exception {
    org.apache.kafka.common.metrics.JmxReporter jmx =
        new org.apache.kafka.common.metrics.JmxReporter();
    try (Metrics metrics =
            new Metrics(
                new org.apache.kafka.common.metrics.MetricConfig(),
                java.util.List.of(jmx),
                org.apache.kafka.common.utils.Time.SYSTEM,
                new org.apache.kafka.common.metrics.KafkaMetricsContext("kafka.connect"));
        PluginMetricsImpl plugin = new PluginMetricsImpl(metrics, connectorThenTask("doc-sink"))) {
      PerCollectionMetrics<Counter> per =
          new PerCollectionMetrics<>(
              new MetricGroup(plugin, Map.of()),
              g -> g.counter("documents-upserted-total", "upserts"));
      per.get("orders").add(5);
      per.get("a,b").add(1);
      javax.management.MBeanServer server =
          java.lang.management.ManagementFactory.getPlatformMBeanServer();
      javax.management.ObjectName plain =
          new javax.management.ObjectName(
              "kafka.connect:type=plugins,connector=doc-sink,task=0,collection=orders");
      assertEquals(5L, server.getAttribute(plain, "documents-upserted-total"));
      assertEquals(
          "type=plugins,connector=doc-sink,task=0,collection=orders",
          server.queryNames(plain, null).iterator().next().getKeyPropertyListString(),
          "key order the exporter sees");
      javax.management.ObjectName quoted =
          new javax.management.ObjectName(
              "kafka.connect:type=plugins,connector=doc-sink,task=0,collection=\"a,b\"");
      assertEquals(1L, server.getAttribute(quoted, "documents-upserted-total"));
      per.close();
      assertFalse(server.isRegistered(plain), "removed with the group");
    }
  }
}
