package io.mongoditto.source;

import io.mongoditto.metrics.MetricGroup;
import io.mongoditto.metrics.PerCollectionMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * Counters of one task, per collection ({@link CollectionMetrics}), exported through Connect's
 * plugin metrics when the task has them. Thread-safe (the readers write, anyone reads).
 */
public final class SourceTaskStats implements AutoCloseable {

  private final MetricGroup taskGroup;
  private final PerCollectionMetrics<CollectionMetrics> perCollection;

  /** Counters that are kept but not exported. */
  public SourceTaskStats() {
    this(null, System::currentTimeMillis, System::nanoTime);
  }

  /**
   * @param plugin the task's plugin metrics, or null to keep the values without exporting them
   */
  SourceTaskStats(PluginMetrics plugin, LongSupplier nowMillis, LongSupplier nanoTime) {
    taskGroup = new MetricGroup(plugin, Map.of());
    perCollection =
        new PerCollectionMetrics<>(taskGroup, g -> new CollectionMetrics(g, nowMillis, nanoTime));
  }

  /** The collection's metrics, registered on first use. */
  CollectionMetrics collection(String name) {
    return perCollection.get(name);
  }

  Map<String, CollectionMetrics> collections() {
    return perCollection.all();
  }

  /** Task-level metrics (no collection tag). */
  MetricGroup taskGroup() {
    return taskGroup;
  }

  void snapshotCopied(String collection, int n) {
    collection(collection).snapshotCopied.add(n);
  }

  void resnapshot(String collection) {
    collection(collection).resnapshots.increment();
  }

  public Map<String, Long> snapshotCopied() {
    return copy(m -> m.snapshotCopied.count());
  }

  public Map<String, Long> resnapshots() {
    return copy(m -> m.resnapshots.count());
  }

  void event(String collection) {
    collection(collection).events.increment();
  }

  void records(String collection, int n) {
    collection(collection).records.add(n);
  }

  void badDocument(String collection) {
    collection(collection).badDocuments.increment();
  }

  void idChange(String collection) {
    collection(collection).idChanges.increment();
  }

  public Map<String, Long> events() {
    return copy(m -> m.events.count());
  }

  public Map<String, Long> records() {
    return copy(m -> m.records.count());
  }

  public Map<String, Long> badDocuments() {
    return copy(m -> m.badDocuments.count());
  }

  public Map<String, Long> idChanges() {
    return copy(m -> m.idChanges.count());
  }

  /** Values left out of documents, summed over the collections, by BSON type. */
  public Map<String, Long> omittedValues() {
    Map<String, Long> out = new TreeMap<>();
    perCollection
        .all()
        .values()
        .forEach(m -> m.conversions.snapshot().forEach((k, v) -> out.merge(k, v, Long::sum)));
    return out;
  }

  /**
   * Collections that have a counter yet (every assigned one once its reader exists), with a
   * non-zero value.
   */
  private Map<String, Long> copy(ToLongFunction<CollectionMetrics> value) {
    Map<String, Long> out = new TreeMap<>();
    perCollection
        .all()
        .forEach(
            (c, m) -> {
              long v = value.applyAsLong(m);
              if (v != 0) {
                out.put(c, v);
              }
            });
    return out;
  }

  /** Removes the exported metrics; the values stay readable. */
  @Override
  public void close() {
    perCollection.close();
    taskGroup.close();
  }

  @Override
  public String toString() {
    return "events="
        + events()
        + " records="
        + records()
        + " badDocuments="
        + badDocuments()
        + " idChanges="
        + idChanges()
        + " snapshotCopied="
        + snapshotCopied()
        + " resnapshots="
        + resnapshots()
        + " omittedValues="
        + omittedValues();
  }
}
