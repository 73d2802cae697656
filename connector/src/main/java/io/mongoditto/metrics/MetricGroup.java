package io.mongoditto.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics sharing extra tags (e.g. {@code collection}), registered through Connect's plugin metrics
 * (KIP-877), which add the {@code connector} and {@code task} tags and export them over JMX as
 * {@code kafka.connect:type=plugins,connector=..,task=..,<tags>}. Without plugin metrics (null: a
 * test context or an embedded runner) the values are kept but not exported.
 *
 * <p>Values are gauges over plain counters rather than Kafka sensors: sensor names are global to
 * the worker's metrics registry, so per-task sensors would need invented unique names, and
 * Prometheus derives rates from totals anyway.
 */
public final class MetricGroup implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MetricGroup.class);

  private final PluginMetrics plugin;
  private final LinkedHashMap<String, String> tags;
  private final List<MetricName> registered = new ArrayList<>();

  /**
   * @param tags extra tags; must not use {@code connector} or {@code task} (Connect sets those)
   */
  public MetricGroup(PluginMetrics plugin, Map<String, String> tags) {
    this.plugin = plugin;
    this.tags = new LinkedHashMap<>(tags);
  }

  /** A group with one more tag, on the same plugin metrics. */
  public MetricGroup with(String tag, String value) {
    LinkedHashMap<String, String> t = new LinkedHashMap<>(tags);
    t.put(tag, value);
    return new MetricGroup(plugin, t);
  }

  public Map<String, String> tags() {
    return Map.copyOf(tags);
  }

  /** A counter exported as {@code name} (by convention ending in {@code -total}). */
  public Counter counter(String name, String description) {
    Counter c = new Counter();
    gauge(name, description, c::count);
    return c;
  }

  public synchronized void gauge(String name, String description, LongSupplier value) {
    if (plugin == null) {
      return;
    }
    MetricName metricName = plugin.metricName(name, description, tags);
    plugin.addMetric(metricName, (Gauge<Long>) (config, now) -> value.getAsLong());
    registered.add(metricName);
  }

  /** A gauge with a fractional value (percentages, rates). */
  public synchronized void doubleGauge(
      String name, String description, java.util.function.DoubleSupplier value) {
    if (plugin == null) {
      return;
    }
    MetricName metricName = plugin.metricName(name, description, tags);
    plugin.addMetric(metricName, (Gauge<Double>) (config, now) -> value.getAsDouble());
    registered.add(metricName);
  }

  /** A gauge with a text value (a state name); JMX shows it, Prometheus exporters skip it. */
  public synchronized void textGauge(
      String name, String description, java.util.function.Supplier<String> value) {
    if (plugin == null) {
      return;
    }
    MetricName metricName = plugin.metricName(name, description, tags);
    plugin.addMetric(metricName, (Gauge<String>) (config, now) -> value.get());
    registered.add(metricName);
  }

  /**
   * Removes what this group registered (Connect also drops a task's plugin metrics when it stops).
   */
  @Override
  public synchronized void close() {
    for (MetricName name : registered) {
      try {
        plugin.removeMetric(name);
      } catch (RuntimeException e) {
        LOG.debug("metric {} already removed: {}", name, e.getMessage());
      }
    }
    registered.clear();
  }
}
