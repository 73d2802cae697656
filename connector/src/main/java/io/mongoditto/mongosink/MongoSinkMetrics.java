package io.mongoditto.mongosink;

import io.mongoditto.metrics.Counter;
import io.mongoditto.metrics.MetricGroup;
import io.mongoditto.metrics.SyncLag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * What a Ditto -> MongoDB sink task did, exported through Connect's plugin metrics as {@code
 * kafka.connect:type=plugins,connector=<name>,task=<n>,direction=ditto_to_mongo} (see
 * docs/metrics.md) and read by the embedded runner's status line, {@code /metrics} and {@code
 * /health}.
 */
public final class MongoSinkMetrics implements AutoCloseable {

  public final Counter events;
  public final Counter written;
  public final Counter echoes;
  public final Counter duplicates;
  public final Counter otherCollections;
  public final Counter conflicts;
  public final Counter refusedPaths;
  public final Counter normalizations;
  public final Counter deadLettered;
  public final Counter requeries;
  public final Counter retries;
  public final SyncLag lag;
  private final MetricGroup group;

  public MongoSinkMetrics(PluginMetrics plugin, LongSupplier nowMillis) {
    group = new MetricGroup(plugin, Map.of("direction", "ditto_to_mongo"));
    events = group.counter("cdc-events-total", "Ditto CDC events received (all types)");
    written =
        group.counter(
            "documents-written-total",
            "MongoDB documents written (inserted, updated, replaced or deleted)");
    echoes =
        group.counter(
            "echoes-skipped-total",
            "Changes that needed no write: MongoDB already held their values (the echo of a"
                + " forward write, or a replay)");
    duplicates =
        group.counter(
            "duplicates-total",
            "Events dropped as duplicates or older than what was already applied (txnId)");
    otherCollections =
        group.counter(
            "other-collection-events-total",
            "Events of Ditto collections this connector does not write (skipped)");
    conflicts =
        group.counter(
            "conflicts-total",
            "Paths a Ditto change did not apply because MongoDB holds an edit Ditto has not seen"
                + " yet (decided in Ditto when it arrives)");
    refusedPaths =
        group.counter(
            "refused-paths-total",
            "Paths a device may not change (id fields, excluded or hidden fields), not applied");
    normalizations =
        group.counter(
            "normalizations-total",
            "Values written back to Ditto in MongoDB's canonical form (e.g. a date text as the"
                + " Date MongoDB keeps)");
    deadLettered =
        group.counter(
            "dead-lettered-total",
            "Events sent to the dead-letter queue (not a CDC event, unmappable id, refused write)");
    requeries =
        group.counter(
            "requery-total", "requeryRequired events (the CDC feed lost track; reconciled)");
    retries =
        group.counter(
            "redeliveries-total",
            "Batches handed back to Connect because MongoDB or Ditto could not be reached");
    lag = new SyncLag(nowMillis).register(group);
  }

  /** The totals by metric name, for logs, tests and the embedded runner. */
  public Map<String, Long> totals() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("events", events.count());
    m.put("written", written.count());
    m.put("echoes", echoes.count());
    m.put("duplicates", duplicates.count());
    m.put("conflicts", conflicts.count());
    m.put("refused", refusedPaths.count());
    m.put("normalized", normalizations.count());
    m.put("deadLettered", deadLettered.count());
    m.put("requeries", requeries.count());
    return m;
  }

  @Override
  public void close() {
    group.close();
  }
}
