package io.mongoditto.sink;

import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.metrics.Counter;
import io.mongoditto.metrics.MetricGroup;
import io.mongoditto.metrics.PerCollectionMetrics;
import io.mongoditto.metrics.SyncLag;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * The sink task's metrics per Ditto collection, exported through Connect's plugin metrics as {@code
 * kafka.connect:type=plugins,connector=<name>,task=<n>,collection=<c>} (see docs/metrics.md).
 */
final class SinkMetrics implements AutoCloseable {

  /** One collection's counters and lag. */
  static final class Collection {
    final Counter records;
    final Counter upserts;
    final Counter deletes;
    final Counter unsetStatements;
    final Counter unsetPaths;
    final Counter batches;
    final Counter requests;
    final Counter bytesSent;
    final Counter retries;
    final Counter errors;
    final Counter deadLettered;
    final Counter swept;
    final SyncLag lag;

    /** Counts each HTTP attempt of this collection's statements. */
    final DittoHttpClient.RequestObserver observer;

    Collection(MetricGroup g, LongSupplier nowMillis) {
      records = g.counter("records-total", "Kafka records received for the collection");
      upserts =
          g.counter(
              "documents-upserted-total",
              "Documents written to Ditto (INSERT ... ON ID CONFLICT DO UPDATE)");
      deletes =
          g.counter(
              "documents-deleted-total", "Documents deleted in Ditto (deletes and tombstones)");
      unsetStatements =
          g.counter("unset-statements-total", "UPDATE ... UNSET statements removing fields");
      unsetPaths =
          g.counter(
              "unset-paths-total",
              "Field paths removed, summed over the documents they were removed from");
      batches = g.counter("batches-total", "Batches applied (each a handful of statements)");
      requests = g.counter("requests-total", "HTTP requests sent to Ditto, retries included");
      bytesSent =
          g.counter("bytes-sent-total", "Request body bytes sent to Ditto, retries included");
      retries =
          g.counter(
              "retries-total", "Requests retried after 408, 429, 5xx, timeouts or I/O errors");
      errors =
          g.counter(
              "errors-total",
              "Statements that failed for good: rejected (400/413, counted per split"
                  + " while isolating a bad record), refused key, exhausted retries");
      deadLettered =
          g.counter(
              "dead-lettered-total",
              "Records sent to the dead-letter queue (errant record reporter)");
      swept =
          g.counter(
              "documents-swept-total",
              "Documents a sweep deleted after a copy did not touch them"
                  + " (snapshot.sweep; also counted in documents-deleted-total)");
      lag = new SyncLag(nowMillis).register(g);
      observer =
          new DittoHttpClient.RequestObserver() {
            @Override
            public void sending(int bytes) {
              requests.increment();
              bytesSent.add(bytes);
            }

            @Override
            public void retrying() {
              retries.increment();
            }
          };
    }
  }

  private final PerCollectionMetrics<Collection> perCollection;

  /**
   * @param plugin the task's plugin metrics, or null to keep the values without exporting them
   */
  SinkMetrics(PluginMetrics plugin, LongSupplier nowMillis) {
    perCollection =
        new PerCollectionMetrics<>(
            new MetricGroup(plugin, Map.of()), g -> new Collection(g, nowMillis));
  }

  SinkMetrics(PluginMetrics plugin) {
    this(plugin, System::currentTimeMillis);
  }

  Collection collection(String name) {
    return perCollection.get(name);
  }

  Map<String, Collection> all() {
    return perCollection.all();
  }

  @Override
  public void close() {
    perCollection.close();
  }
}
