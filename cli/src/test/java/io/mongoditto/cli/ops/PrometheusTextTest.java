package io.mongoditto.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.metrics.Counter;
import io.mongoditto.metrics.MetricGroup;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

/**
 * The exposition format: names and labels as the JMX exporter rules make them, types, escaping,
 * what is left out.
 */
class PrometheusTextTest {

  @Test
  void rendersPluginMetricsUnderTheExportersNames() throws Exception {
    LinkedHashMap<String, String> tags = new LinkedHashMap<>();
    tags.put("connector", "zava \"sink\"");
    tags.put("task", "1");
    try (Metrics metrics = new Metrics();
        PluginMetricsImpl plugin = new PluginMetricsImpl(metrics, tags)) {
      MetricGroup orders = new MetricGroup(plugin, Map.of("collection", "orders"));
      Counter upserted = orders.counter("documents-upserted-total", "Documents written");
      upserted.add(42);
      orders.gauge("sync-lag-ms", "Lag", () -> -1);
      orders.doubleGauge("snapshot-percent", "Percent", () -> 12.5);
      orders.textGauge("state-name", "State", () -> "streaming");
      metrics.addMetric(metrics.metricName("other", "not-plugins"), (Gauge<Long>) (c, now) -> 7L);

      String text = PrometheusText.render(metrics);
      String labels = "{connector=\"zava \\\"sink\\\"\",task=\"1\",collection=\"orders\"}";
      assertTrue(text.contains("# TYPE mongoditto_documents_upserted_total counter\n"), text);
      assertTrue(text.contains("mongoditto_documents_upserted_total" + labels + " 42\n"), text);
      assertTrue(text.contains("# TYPE mongoditto_sync_lag_ms gauge\n"), text);
      assertTrue(text.contains("mongoditto_sync_lag_ms" + labels + " -1\n"), text);
      assertTrue(text.contains("mongoditto_snapshot_percent" + labels + " 12.5\n"), text);
      assertFalse(text.contains("state_name"), text);
      assertFalse(text.contains("other"), text);
      assertTrue(
          text.contains("# HELP mongoditto_documents_upserted_total Documents written\n"), text);
    }
  }

  @Test
  void numbersAsPrometheusWritesThem() {
    assertEquals("3", PrometheusText.format(3.0));
    assertEquals("0.25", PrometheusText.format(0.25));
    assertEquals("NaN", PrometheusText.format(Double.NaN));
    assertEquals("+Inf", PrometheusText.format(Double.POSITIVE_INFINITY));
  }
}
