package io.mongoditto.sink;

import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.metrics.Counter;
import io.mongoditto.metrics.MetricGroup;
import io.mongoditto.metrics.PerCollectionMetrics;
import io.mongoditto.metrics.SyncLag;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * What a sink task did, per Ditto collection and for the task, exported through Connect's plugin
 * metrics as {@code kafka.connect:type=plugins,connector=<name>,task=<n>[,collection=<c>]} (see
 * docs/metrics.md). {@link #totals()} sums the collections for tests and logs.
 */
public final class SinkMetrics implements AutoCloseable {

  /** One collection's counters and lag. */
  static final class Collection {
    final Counter records;
    final Counter upserts;
    final Counter deletes;
    final Counter unsetStatements;
    final Counter unsetPaths;
    final Counter batches;
    final Counter statements;
    final Counter requests;
    final Counter bytesSent;
    final Counter retries;
    final Counter errors;
    final Counter deadLettered;
    final Counter swept;
    final Counter sweepUndecided;
    final AtomicInteger sweepsOpen = new AtomicInteger();
    final SyncLag lag;

    /** Counts each HTTP attempt of this collection's statements. */
    final DittoHttpClient.RequestObserver observer;

    Collection(String name, MetricGroup g, LongSupplier nowMillis) {
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
      statements =
          g.counter(
              "statements-total",
              "DQL statements Ditto executed (a retried statement counts once)");
      requests = g.counter("requests-total", "HTTP requests sent to Ditto, retries included");
      bytesSent =
          g.counter("bytes-sent-total", "Request body bytes sent to Ditto, retries included");
      retries =
          g.counter(
              "retries-total",
              "Requests retried after 408, 429, 5xx, timeouts, I/O errors or a 404 for a"
                  + " transaction not reached yet");
      errors =
          g.counter(
              "errors-total",
              "Statements that failed for good: rejected (400/413, counted per split"
                  + " while isolating a bad record), refused key, retry window exhausted");
      deadLettered =
          g.counter(
              "dead-lettered-total",
              "Records sent to the dead-letter queue (errant record reporter)");
      swept =
          g.counter(
              "documents-swept-total",
              "Documents a sweep deleted: written by this connector's source, untouched by every"
                  + " record since the copy's start marker (snapshot.sweep; also counted in"
                  + " documents-deleted-total)");
      sweepUndecided =
          g.counter(
              "sweep-undecided-total",
              "Documents a sweep left alone because Ditto's _id for them is an integer beyond"
                  + " 2^53 whose topic partition cannot be told");
      g.gauge(
          "sweeps-open",
          "Sweeps whose start marker was read and whose deletes have not run yet (copying, or"
              + " waiting for sweep.grace.ms); offsets are not committed past their start",
          sweepsOpen::get);
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

            @Override
            public String subject() {
              return "collection " + name;
            }
          };
    }
  }

  /** Sums over every collection the task has seen. */
  public final class Totals {
    private Totals() {}

    private long sum(ToLongFunction<Collection> f) {
      return perCollection.all().values().stream().mapToLong(f).sum();
    }

    public long records() {
      return sum(c -> c.records.count());
    }

    public long documentsUpserted() {
      return sum(c -> c.upserts.count());
    }

    /** Documents deleted, by delete records and by sweeps. */
    public long documentsDeleted() {
      return sum(c -> c.deletes.count());
    }

    public long documentsSwept() {
      return sum(c -> c.swept.count());
    }

    public long unsetStatements() {
      return sum(c -> c.unsetStatements.count());
    }

    public long statements() {
      return sum(c -> c.statements.count());
    }

    public long batches() {
      return sum(c -> c.batches.count());
    }

    public long deadLettered() {
      return sum(c -> c.deadLettered.count());
    }

    /** Puts handed back to Connect because Ditto stayed unavailable. */
    public long redeliveries() {
      return redeliveries.count();
    }
  }

  private final MetricGroup taskGroup;
  private final PerCollectionMetrics<Collection> perCollection;
  final Counter redeliveries;
  private final Totals totals = new Totals();

  /**
   * @param plugin the task's plugin metrics, or null to keep the values without exporting them
   */
  SinkMetrics(PluginMetrics plugin, LongSupplier nowMillis) {
    taskGroup = new MetricGroup(plugin, Map.of());
    perCollection =
        new PerCollectionMetrics<>(
            taskGroup, g -> new Collection(g.tags().get(PerCollectionMetrics.TAG), g, nowMillis));
    redeliveries =
        taskGroup.counter(
            "redeliveries-total",
            "put() calls handed back to Connect (RetriableException) because Ditto stayed"
                + " unavailable for ditto.retry.max.duration.ms; Connect delivers the records again");
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

  public Totals totals() {
    return totals;
  }

  @Override
  public void close() {
    perCollection.close();
    taskGroup.close();
  }
}
