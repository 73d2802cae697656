package io.mongoditto.sink;

import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoChangeCodec;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link DittoChange} records to Ditto. Records are grouped per collection (keeping Kafka
 * order), collapsed per {@code _id} in batches, and applied with few statements. A record Ditto
 * rejects (400) is isolated by splitting its batch and reported to the errant record reporter
 * (dead-letter queue); auth failures and exhausted retries fail the task. Offsets are committed
 * only for records Ditto acknowledged (or that were reported), see {@link #preCommit}.
 */
public final class DittoSinkTask extends SinkTask {

  private static final Logger LOG = LoggerFactory.getLogger(DittoSinkTask.class);

  private DittoSinkConfig config;
  private DittoHttpClient client;
  private CollectionWriter writer;
  private ErrantRecordReporter reporter;
  private final SinkCounters counters = new SinkCounters();
  private SinkMetrics metrics;
  private SinkSummaryLog summary;
  private final Map<TopicPartition, Long> acknowledged = new HashMap<>();
  private final OpenSweeps sweeps = new OpenSweeps();

  /** A record read into a change for a collection. */
  private record Entry(SinkRecord record, String collection, DittoChange change) {}

  @Override
  public String version() {
    return io.mongoditto.PluginVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    // Connect's MDC context ([name|task-n]) says which task this is.
    LOG.info(
        "Ditto sink task of {} starting with config {}",
        props.getOrDefault("name", "?"),
        io.mongoditto.metrics.EffectiveConfig.format(DittoSinkConfig.CONFIG_DEF, props));
    config = new DittoSinkConfig(props);
    client = new DittoHttpClient(config.clientSettings());
    metrics = new SinkMetrics(pluginMetrics());
    summary = new SinkSummaryLog(config.logSummaryIntervalMs(), metrics, System::currentTimeMillis);
    writer =
        new CollectionWriter(
            client,
            counters,
            config.clientSettings().apiVersion() == ApiVersion.V4,
            config.maxRequestBytes(),
            CollectionWriter.IDS_PER_STATEMENT,
            metrics);
    try {
      reporter = context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      reporter = null; // a worker older than Kafka 2.6
    }
    LOG.info("Ditto sink task started: {}", client.executeUri());
  }

  /**
   * The worker's plugin metrics for this task (KIP-877, Kafka 4.1+), or null where there are none.
   */
  private PluginMetrics pluginMetrics() {
    try {
      return context.pluginMetrics();
    } catch (NoSuchMethodError | NoClassDefFoundError | UnsupportedOperationException e) {
      LOG.info(
          "this worker has no plugin metrics (Kafka before 4.1): sink metrics are not exported");
      return null;
    }
  }

  public SinkCounters counters() {
    return counters;
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (summary != null) {
      summary.maybeLog();
    }
    if (records.isEmpty()) {
      return;
    }
    List<Future<Void>> reports = new ArrayList<>();
    List<Entry> pending = new ArrayList<>();
    for (SinkRecord record : records) {
      counters.records.incrementAndGet();
      try {
        if (SweepMarker.isMarker(record.value())) {
          // Everything before a marker is in Ditto before the sweep reads Ditto's ids.
          applyAll(pending, reports);
          pending.clear();
          sweep(record, SweepMarker.fromValue((Map<?, ?>) record.value()));
          continue;
        }
        Entry e = read(record);
        metrics.collection(e.collection()).records.increment();
        if (LOG.isDebugEnabled()) {
          LOG.debug(
              "{}-{}@{}: {} {} in {}",
              record.topic(),
              record.kafkaPartition(),
              record.kafkaOffset(),
              e.change().operation(),
              e.change().id(),
              e.collection());
        }
        sweeps.touched(partitionOf(record), e.collection(), e.change().id());
        pending.add(e);
      } catch (DittoChangeCodec.InvalidChangeException | DataException e) {
        String collection = topicCollection(record.topic());
        metrics.collection(collection).records.increment();
        report(
            record,
            collection,
            new DataException("not a Ditto change record: " + e.getMessage(), e),
            reports);
      }
    }
    applyAll(pending, reports);
    for (Future<Void> f : reports) {
      awaitReport(f);
    }
    // Everything in this call is now applied or reported: only now may its offsets be committed.
    for (SinkRecord r : records) {
      acknowledged.merge(partitionOf(r), r.kafkaOffset() + 1, Math::max);
    }
  }

  private static TopicPartition partitionOf(SinkRecord r) {
    return new TopicPartition(r.topic(), r.kafkaPartition());
  }

  /** Applies the entries per collection, in batches, keeping Kafka order within each collection. */
  private void applyAll(List<Entry> entries, List<Future<Void>> reports) {
    Map<String, List<Entry>> byCollection = new LinkedHashMap<>();
    for (Entry e : entries) {
      byCollection.computeIfAbsent(e.collection(), k -> new ArrayList<>()).add(e);
    }
    int batchSize = config.batchSize();
    for (Map.Entry<String, List<Entry>> e : byCollection.entrySet()) {
      List<Entry> all = e.getValue();
      for (int from = 0; from < all.size(); from += batchSize) {
        counters.batches.incrementAndGet();
        metrics.collection(e.getKey()).batches.increment();
        applyIsolatingBadRecords(
            e.getKey(), all.subList(from, Math.min(all.size(), from + batchSize)), reports);
      }
    }
  }

  /**
   * A start marker opens a sweep; an end marker deletes what the copy did not touch (see {@link
   * OpenSweeps}).
   */
  private void sweep(SinkRecord record, SweepMarker marker) {
    TopicPartition tp = partitionOf(record);
    String mapped = config.collectionFor(record.topic());
    String collection = mapped != null ? mapped : marker.collection();
    if (marker.phase() == SweepMarker.Phase.START) {
      if (sweeps.start(tp, collection, marker, record.kafkaOffset())) {
        LOG.info(
            "Sweep of Ditto collection {} opened at {}@{} (copy {}): documents of partition {} of {} that"
                + " no record touches until its end marker will be deleted",
            collection,
            tp,
            record.kafkaOffset(),
            marker.epoch(),
            marker.partition(),
            marker.partitions());
      }
      return;
    }
    OpenSweeps.Sweep open = sweeps.end(tp, collection, marker);
    if (open == null) {
      LOG.info(
          "Sweep end marker at {}@{} (copy {}) has no open start in this task (already swept): nothing to do",
          tp,
          record.kafkaOffset(),
          marker.epoch());
      return;
    }
    try {
      int deleted = writer.deleteWhere(collection, open::stale);
      counters.documentsSwept.addAndGet(deleted);
      metrics.collection(collection).swept.add(deleted);
      LOG.info(
          "Sweep of Ditto collection {} (copy {}, partition {} of {}): {} documents kept by the copy, {} not"
              + " in it deleted",
          collection,
          marker.epoch(),
          marker.partition(),
          marker.partitions(),
          open.touchedCount(),
          deleted);
    } catch (DittoException e) {
      throw new ConnectException(
          "The sweep of Ditto collection "
              + collection
              + " after copy "
              + marker.epoch()
              + " failed; the records from its start marker on are redelivered after the task restarts: "
              + e.getMessage(),
          e);
    }
  }

  private Entry read(SinkRecord record) {
    String mapped = config.collectionFor(record.topic());
    if (record.value() == null) {
      if (record.key() == null) {
        throw new DataException("a tombstone without a key names no document");
      }
      String collection = topicCollection(record.topic());
      return new Entry(record, collection, DittoChange.delete(collection, record.key(), 0L, null));
    }
    DittoChange change = DittoChangeCodec.fromValue(record.value());
    return new Entry(record, mapped != null ? mapped : change.collection(), change);
  }

  /**
   * The collection a topic maps to, else the topic's last segment (for tombstones and unreadable
   * records).
   */
  private String topicCollection(String topic) {
    String mapped = config.collectionFor(topic);
    return mapped != null ? mapped : lastSegment(topic);
  }

  static String lastSegment(String topic) {
    int dot = topic.lastIndexOf('.');
    return dot >= 0 && dot < topic.length() - 1 ? topic.substring(dot + 1) : topic;
  }

  /** Applies the batch; on a 400 splits it in halves (in order) until the bad records are alone. */
  private void applyIsolatingBadRecords(
      String collection, List<Entry> batch, List<Future<Void>> reports) {
    List<DittoChange> changes = new ArrayList<>(batch.size());
    for (Entry e : batch) {
      changes.add(e.change());
    }
    try {
      writer.apply(collection, BatchCollapser.collapse(changes));
      long newest = 0;
      for (DittoChange c : changes) {
        newest = Math.max(newest, c.sourceTimeMillis());
      }
      metrics.collection(collection).lag.applied(newest);
    } catch (DittoException.BadRequest bad) {
      if (batch.size() == 1) {
        Entry only = batch.get(0);
        LOG.warn(
            "Ditto rejected record {}-{}@{} (collection {}, _id {}): {}",
            only.record().topic(),
            only.record().kafkaPartition(),
            only.record().kafkaOffset(),
            collection,
            only.change().id(),
            bad.dittoError());
        report(
            only.record(),
            collection,
            new DataException(
                "Ditto rejected the document (collection "
                    + collection
                    + ", _id "
                    + only.change().id()
                    + "): "
                    + bad.dittoError(),
                bad),
            reports);
        return;
      }
      int half = batch.size() / 2;
      applyIsolatingBadRecords(collection, batch.subList(0, half), reports);
      applyIsolatingBadRecords(collection, batch.subList(half, batch.size()), reports);
    } catch (DittoException.AuthFailure auth) {
      throw new ConnectException(auth.getMessage(), auth);
    } catch (DittoException.RetriesExhausted gone) {
      throw new ConnectException(
          "Ditto stayed unavailable; the records of this batch are not committed and will"
              + " be redelivered after the task restarts: "
              + gone.getMessage(),
          gone);
    } catch (DittoException other) {
      throw new ConnectException(other.getMessage(), other);
    }
  }

  private void report(
      SinkRecord record, String collection, RuntimeException error, List<Future<Void>> reports) {
    counters.badRecords.incrementAndGet();
    if (reporter == null) {
      throw new ConnectException(
          "record "
              + record.topic()
              + "-"
              + record.kafkaPartition()
              + "@"
              + record.kafkaOffset()
              + " cannot be written and no dead-letter queue is configured (errors.tolerance=all,"
              + " errors.deadletterqueue.topic.name): "
              + error.getMessage(),
          error);
    }
    reports.add(reporter.report(record, error));
    metrics.collection(collection).deadLettered.increment();
  }

  private static void awaitReport(Future<Void> f) {
    try {
      f.get();
    } catch (ExecutionException e) {
      throw new ConnectException(
          "reporting a bad record failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while reporting a bad record", e);
    }
  }

  /**
   * Only offsets of records Ditto acknowledged (put() returned normally for them), and never past
   * an open sweep's start marker.
   */
  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    currentOffsets.forEach(
        (tp, current) -> {
          Long acked = acknowledged.get(tp);
          if (acked != null) {
            long upTo = Math.min(acked, current.offset());
            Long limit = sweeps.commitLimit(tp);
            commit.put(tp, new OffsetAndMetadata(limit == null ? upTo : Math.min(upTo, limit)));
          }
        });
    return commit;
  }

  /**
   * The next offset after the last record of {@code tp} Ditto acknowledged, or -1 (for the embedded
   * runner).
   */
  public long acknowledged(TopicPartition tp) {
    return acknowledged.getOrDefault(tp, -1L);
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    partitions.forEach(acknowledged::remove);
    sweeps.close(partitions);
  }

  @Override
  public void stop() {
    if (client != null) {
      client.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    LOG.info("Ditto sink task stopped");
  }
}
