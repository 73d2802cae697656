package io.mongoditto.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * Publishes a task's counters through Connect's plugin metrics (JMX and any metrics reporter the
 * worker has), tagged with the collection: records, bad documents, id changes, snapshot progress,
 * re-snapshots, plus the buffer fill.
 */
final class SourceTaskMetrics implements AutoCloseable {

  private final PluginMetrics metrics;
  private final List<MetricName> names = new ArrayList<>();

  private SourceTaskMetrics(PluginMetrics metrics) {
    this.metrics = metrics;
  }

  /** Registers the gauges; a null {@code metrics} (no runtime support) registers nothing. */
  static SourceTaskMetrics register(PluginMetrics metrics, StartedSourceTask task) {
    SourceTaskMetrics m = new SourceTaskMetrics(metrics);
    if (metrics == null) {
      return m;
    }
    SourceTaskStats stats = task.stats();
    for (String collection : task.collections()) {
      m.add("records-total", "Ditto change records produced", collection, s -> s.records().getOrDefault(collection, 0L), stats);
      m.add("change-events-total", "change stream events read", collection, s -> s.events().getOrDefault(collection, 0L), stats);
      m.add("bad-documents-total", "documents that could not be mapped (errors topic or WARN log)", collection,
          s -> s.badDocuments().getOrDefault(collection, 0L), stats);
      m.add("id-changes-total", "changes of mapped id fields (delete + upsert)", collection,
          s -> s.idChanges().getOrDefault(collection, 0L), stats);
      m.add("snapshot-copied-total", "documents copied by the initial snapshot", collection,
          s -> s.snapshotCopied().getOrDefault(collection, 0L), stats);
      m.add("resnapshots-total", "re-copies after lost history (policy resnapshot)", collection,
          s -> s.resnapshots().getOrDefault(collection, 0L), stats);
    }
    MetricName buffered = metrics.metricName("buffered-records", "records read and waiting for poll()", new LinkedHashMap<>());
    metrics.addMetric(buffered, (Gauge<Integer>) (config, now) -> task.bufferedRecords());
    m.names.add(buffered);
    return m;
  }

  private void add(String name, String description, String collection, Function<SourceTaskStats, Long> value,
      SourceTaskStats stats) {
    LinkedHashMap<String, String> tags = new LinkedHashMap<>(Map.of("collection", collection));
    MetricName metricName = metrics.metricName(name, description, tags);
    metrics.addMetric(metricName, (Gauge<Long>) (config, now) -> value.apply(stats));
    names.add(metricName);
  }

  @Override
  public void close() {
    if (metrics != null) {
      names.forEach(metrics::removeMetric);
    }
    names.clear();
  }
}
