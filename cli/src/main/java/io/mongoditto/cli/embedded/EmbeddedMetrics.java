package io.mongoditto.cli.embedded;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;

/**
 * The embedded runner's stand-in for a Connect worker's metrics registry. The connectors publish
 * their metrics through {@link PluginMetrics} (KIP-877); a worker backs those with its Kafka {@link
 * Metrics} registry and tags them {@code connector} and {@code task}. Debezium's engine and our own
 * sink context have no worker, so this class owns a registry and hands out the same kind of plugin
 * metrics (Kafka's own {@link PluginMetricsImpl}); the HTTP endpoint reads them back.
 *
 * <p>The source task is created by Debezium by reflection, so it finds its registry through an id
 * in its config ({@link #CONFIG_ID}) looked up in a process-wide table.
 */
public final class EmbeddedMetrics implements AutoCloseable {

  /** Config key carrying the registry id to the source connector and its tasks. */
  static final String CONFIG_ID = "mongoditto.embedded.metrics.id";

  private static final Map<String, EmbeddedMetrics> BY_ID = new ConcurrentHashMap<>();

  private final String id = UUID.randomUUID().toString();
  private final Metrics registry = new Metrics();
  private final List<PluginMetricsImpl> plugins = new CopyOnWriteArrayList<>();

  EmbeddedMetrics() {
    BY_ID.put(id, this);
  }

  String id() {
    return id;
  }

  static EmbeddedMetrics byId(String id) {
    return id == null ? null : BY_ID.get(id);
  }

  /** Plugin metrics tagged {@code connector=<connector>,task=<task>}, in Connect's tag order. */
  PluginMetrics pluginMetrics(String connector, int task) {
    LinkedHashMap<String, String> tags = new LinkedHashMap<>();
    tags.put("connector", connector);
    tags.put("task", Integer.toString(task));
    PluginMetricsImpl plugin = new PluginMetricsImpl(registry, tags);
    plugins.add(plugin);
    return plugin;
  }

  /** The registry every plugin metric of this runner lives in. */
  public Metrics registry() {
    return registry;
  }

  @Override
  public void close() {
    BY_ID.remove(id);
    for (PluginMetricsImpl p : plugins) {
      try {
        p.close();
      } catch (IOException | RuntimeException e) {
        // already closed
      }
    }
    registry.close();
  }
}
