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
    register(name, description, (Gauge<Long>) (config, now) -> value.getAsLong());
  }

  /** A gauge with a fractional value (percentages, rates). */
  public synchronized void doubleGauge(
      String name, String description, java.util.function.DoubleSupplier value) {
    register(name, description, (Gauge<Double>) (config, now) -> value.getAsDouble());
  }

  /** A gauge with a text value (a state name); JMX shows it, Prometheus exporters skip it. */
  public synchronized void textGauge(
      String name, String description, java.util.function.Supplier<String> value) {
    register(name, description, (Gauge<String>) (config, now) -> value.get());
  }

  private void register(String name, String description, Gauge<?> gauge) {
    if (plugin == null) {
      return;
    }
    MetricName metricName = plugin.metricName(name, description, tags);
    try {
      plugin.addMetric(metricName, gauge);
      registered.add(metricName);
    } catch (IllegalArgumentException exported) {
      // An earlier instance of this task still exports the name: Connect started this one while
      // that one had not stopped yet (a stop that outlasts task.shutdown.graceful.timeout.ms, as in
      // a rebalance under load). Failing the task for a metric would stop the data; the metric
      // goes without this instance's values until the task restarts.
      LOG.warn(
          "metric {} {} not exported: an earlier instance of this task still exports it",
          name,
          tags);
    }
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
