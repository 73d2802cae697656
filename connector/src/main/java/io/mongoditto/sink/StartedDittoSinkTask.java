package io.mongoditto.sink;

import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoChangeCodec;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.connect.SinkContexts;
import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DittoProbe;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running state of one sink task, owned in one place: the Ditto client, the writer, the
 * metrics, the offsets Ditto acknowledged and the open sweeps. Built completely or not at all (a
 * failed start closes what it opened).
 *
 * <p>Work per {@code put()} is bounded: a failing statement is retried for {@code
 * ditto.retry.max.duration.ms} in all, then the records go back to Connect ({@link
 * RetriableException} with {@code context.timeout}), which delivers them again while the consumer
 * keeps polling; a sweep's deletes stop at the same deadline and continue in the next put.
 */
final class StartedDittoSinkTask implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StartedDittoSinkTask.class);

  private final DittoSinkConfig config;
  private final String label;
  private final DittoHttpClient client;
  private final CollectionWriter writer;
  private final SinkMetrics metrics;
  private final SinkSummaryLog summary;
  private final SinkTaskContext context;
  private final ErrantRecordReporter reporter;
  private final LongSupplier clock;
  private final Map<TopicPartition, Long> acknowledged = new HashMap<>();
  private final OpenSweeps sweeps = new OpenSweeps();
  private final Map<OpenSweeps.Sweep, Integer> sweptSoFar = new HashMap<>();

  /** When the first put() that Ditto kept failing started, or -1 while Ditto answers. */
  private long failingSinceMillis = -1;

  private int redeliveries;

  /** A record read into a change for a collection. */
  private record Entry(SinkRecord record, String collection, DittoChange change) {}

  private StartedDittoSinkTask(
      DittoSinkConfig config,
      String label,
      DittoHttpClient client,
      SinkMetrics metrics,
      SinkTaskContext context,
      ErrantRecordReporter reporter,
      LongSupplier clock) {
    this.config = config;
    this.label = label;
    this.client = client;
    this.metrics = metrics;
    this.context = context;
    this.reporter = reporter;
    this.clock = clock;
    this.writer =
        new CollectionWriter(
            client,
            metrics,
            WriterSettings.defaults()
                .withRegistersOnly(config.registersOnly())
                .withMaxRequestBytes(config.maxRequestBytes()));
    this.summary = new SinkSummaryLog(config.logSummaryIntervalMs(), metrics, clock);
  }

  /**
   * Connects to Ditto and checks that it takes the key: a task whose key Ditto refuses, or whose
   * endpoint is no Ditto app, fails here (its status shows why) instead of at its first write.
   * Ditto being unreachable only warns: the task retries its writes.
   *
   * @param pluginMetrics the worker's metrics for this task, or null
   */
  static StartedDittoSinkTask start(
      Map<String, String> props,
      SinkTaskContext context,
      PluginMetrics pluginMetrics,
      LongSupplier clock) {
    DittoSinkConfig config = new DittoSinkConfig(props);
    String label = "connector " + props.getOrDefault("name", "?") + ", task " + config.taskId();
    String problem = DittoSinkConfig.pollIntervalProblem(props, config.connection());
    if (problem != null) {
      LOG.warn("{}: {}", label, problem);
    }
    for (DittoProbe.Finding f : DittoAccessCheck.run(config, props)) {
      switch (f.problem()) {
        case UNREACHABLE, REJECTED ->
            LOG.warn("{}: {}; writes will be retried", label, f.message());
        default ->
            throw new ConnectException(
                "The Ditto sink cannot work with this configuration ("
                    + DittoAccessCheck.keyFor(f)
                    + "): "
                    + f.message());
      }
    }
    DittoHttpClient client = new DittoHttpClient(config.connection(), label);
    SinkMetrics metrics = null;
    try {
      metrics = new SinkMetrics(pluginMetrics, clock);
      return new StartedDittoSinkTask(
          config, label, client, metrics, context, SinkContexts.reporter(context), clock);
    } catch (RuntimeException e) {
      client.close();
      if (metrics != null) {
        metrics.close();
      }
      throw e;
    }
  }

  DittoHttpClient client() {
    return client;
  }

  SinkMetrics metrics() {
    return metrics;
  }

  /**
   * Applies the records, then runs the sweeps that are due. Returns normally only when every record
   * is applied or dead-lettered; then their offsets may be committed (see {@link #preCommit}).
   */
  void put(Collection<SinkRecord> records) {
    summary.maybeLog();
    long startedMillis = clock.getAsLong();
    long deadline = client.deadlineAfter(config.retryWindow());
    if (!records.isEmpty()) {
      List<Future<Void>> reports = new ArrayList<>();
      try {
        apply(records, deadline, reports);
      } catch (DittoException.RetriesExhausted e) {
        throw handBack(records.size(), startedMillis, e);
      }
      for (Future<Void> f : reports) {
        SinkContexts.awaitReport(f);
      }
      // Everything in this call is now applied or reported: only now may its offsets be committed.
      for (SinkRecord r : records) {
        acknowledged.merge(partitionOf(r), r.kafkaOffset() + 1, Math::max);
      }
      failingSinceMillis = -1;
      redeliveries = 0;
    }
    runDueSweeps(records, deadline);
  }

  private void apply(Collection<SinkRecord> records, long deadline, List<Future<Void>> reports) {
    List<Entry> pending = new ArrayList<>();
    for (SinkRecord record : records) {
      try {
        if (SweepMarker.isMarker(record.value())) {
          marker(record, SweepMarker.fromValue((Map<?, ?>) record.value()));
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
    applyAll(pending, deadline, reports);
  }

  private static TopicPartition partitionOf(SinkRecord r) {
    return new TopicPartition(r.topic(), r.kafkaPartition());
  }

  /** Applies the entries per collection, in batches, keeping Kafka order within each collection. */
  private void applyAll(List<Entry> entries, long deadline, List<Future<Void>> reports) {
    Map<String, List<Entry>> byCollection = new LinkedHashMap<>();
    for (Entry e : entries) {
      byCollection.computeIfAbsent(e.collection(), k -> new ArrayList<>()).add(e);
    }
    int batchSize = config.batchSize();
    for (Map.Entry<String, List<Entry>> e : byCollection.entrySet()) {
      List<Entry> all = e.getValue();
      for (int from = 0; from < all.size(); from += batchSize) {
        metrics.collection(e.getKey()).batches.increment();
        applyIsolatingBadRecords(
            e.getKey(),
            all.subList(from, Math.min(all.size(), from + batchSize)),
            deadline,
            reports);
      }
    }
  }

  /**
   * A start marker opens a sweep; an end marker closes its copy, and its deletes wait (see {@link
   * OpenSweeps}). A marker that names no source opens nothing: without provenance a sweep could
   * delete documents that apps or other sources wrote.
   */
  private void marker(SinkRecord record, SweepMarker marker) {
    TopicPartition tp = partitionOf(record);
    String mapped = config.collectionFor(record.topic());
    String collection = mapped != null ? mapped : marker.collection();
    if (marker.origin() == null) {
      LOG.warn(
          "Sweep {} marker at {}@{} (copy {}) names no source (an older source version wrote it):"
              + " ignored, nothing of Ditto collection {} is swept for it",
          marker.phase().name().toLowerCase(java.util.Locale.ROOT),
          tp,
          record.kafkaOffset(),
          marker.epoch(),
          collection);
      return;
    }
    if (marker.phase() == SweepMarker.Phase.START) {
      if (sweeps.start(tp, collection, marker, record.kafkaOffset())) {
        LOG.info(
            "Sweep of Ditto collection {} opened at {}@{} (copy {}, source {}): documents of that"
                + " source on partition {} of {} that no record touches from here on will be deleted"
                + " after the copy's end marker, once the task has caught up and {} ms passed",
            collection,
            tp,
            record.kafkaOffset(),
            marker.epoch(),
            marker.origin(),
            marker.partition(),
            marker.partitions(),
            config.sweepGraceMs());
      }
    } else {
      OpenSweeps.Sweep ended = sweeps.end(tp, collection, marker, clock.getAsLong());
      if (ended == null) {
        LOG.info(
            "Sweep end marker at {}@{} (copy {}) has no open copy in this task (already ended, swept"
                + " or replaced by a newer copy): nothing to do",
            tp,
            record.kafkaOffset(),
            marker.epoch());
      } else {
        LOG.info(
            "Sweep of Ditto collection {} (copy {}): the copy is complete at {}@{} ({} documents"
                + " touched); its deletes wait for {} ms and for the task to catch up",
            collection,
            marker.epoch(),
            tp,
            record.kafkaOffset(),
            ended.touchedCount(),
            config.sweepGraceMs());
      }
    }
    refreshSweepGauges();
  }

  /**
   * Runs the deletes of the ended sweeps whose grace has passed, when this put shows the task is
   * caught up (no records, or the newest one younger than the grace). A Ditto failure leaves the
   * sweep for a later put: the records are applied already.
   */
  private void runDueSweeps(Collection<SinkRecord> records, long deadline) {
    if (sweeps.waiting() == 0) {
      return;
    }
    long now = clock.getAsLong();
    long grace = config.sweepGraceMs();
    boolean caughtUp = records.isEmpty() || newestTimestamp(records) >= now - grace;
    runSweeps(sweeps.due(now, caughtUp, grace), deadline);
    long wait = sweeps.untilNextGraceEnds(clock.getAsLong(), grace);
    if (wait >= 0) {
      // an idle consumer polls for up to the offset flush interval: come back when a grace ends
      context.timeout(Math.max(100, wait));
    }
  }

  /**
   * Runs the deletes of every sweep whose copy is complete now, without waiting for its grace: for
   * a runner about to stop that cannot keep its offsets at the sweep's start (the embedded runner).
   */
  void runWaitingSweepsNow() {
    while (sweeps.waiting() > 0) {
      List<OpenSweeps.Sweep> due = sweeps.due(clock.getAsLong(), true, Long.MIN_VALUE);
      if (!runSweeps(due, client.deadlineAfter(config.retryWindow()))) {
        return; // Ditto unavailable: the next start copies again and sweeps then
      }
    }
  }

  /** Runs sweep steps until the deadline; false when Ditto was unavailable. */
  private boolean runSweeps(List<OpenSweeps.Sweep> due, long deadline) {
    boolean ran = false;
    for (OpenSweeps.Sweep s : due) {
      if (ran && client.passed(deadline)) {
        break;
      }
      ran = true;
      try {
        CollectionWriter.SweepStep step = writer.sweep(s, deadline);
        int deleted = sweptSoFar.merge(s, step.deleted(), Integer::sum);
        if (step.done()) {
          sweeps.finish(s);
          sweptSoFar.remove(s);
          LOG.info(
              "Sweep of Ditto collection {} (copy {}, source {}, partition {} of {}): {} documents"
                  + " kept, {} not touched since the start marker deleted{}",
              s.collection,
              s.start.epoch(),
              s.start.origin(),
              s.start.partition(),
              s.start.partitions(),
              step.kept(),
              deleted,
              step.undecided() == 0
                  ? ""
                  : ", "
                      + step.undecided()
                      + " left alone (integer _id beyond 2^53: its partition cannot be told)");
        } else {
          LOG.info(
              "Sweep of Ditto collection {} (copy {}): {} deleted so far, continuing in the next put",
              s.collection,
              s.start.epoch(),
              deleted);
        }
      } catch (DittoException.RetriesExhausted e) {
        LOG.warn(
            "Sweep of Ditto collection {} (copy {}) waits: {}; it runs at a later put",
            s.collection,
            s.start.epoch(),
            e.getMessage());
        refreshSweepGauges();
        return false;
      } catch (DittoException e) {
        throw new ConnectException(
            "The sweep of Ditto collection "
                + s.collection
                + " after copy "
                + s.start.epoch()
                + " failed; the records from its start marker on are delivered again after the"
                + " task restarts: "
                + e.getMessage(),
            e);
      }
    }
    refreshSweepGauges();
    return true;
  }

  /** The newest record time (Kafka timestamp, else the change's source time), or 0. */
  private static long newestTimestamp(Collection<SinkRecord> records) {
    long newest = 0;
    for (SinkRecord r : records) {
      Long ts = r.timestamp();
      if (ts != null && ts > 0) {
        newest = Math.max(newest, ts);
      } else if (r.value() instanceof Map<?, ?> v
          && v.get(DittoChangeCodec.SOURCE_TIME) instanceof Number n) {
        newest = Math.max(newest, n.longValue());
      }
    }
    return newest;
  }

  private void refreshSweepGauges() {
    Map<String, Integer> counts = sweeps.countByCollection();
    counts.keySet().forEach(metrics::collection);
    metrics.all().forEach((c, m) -> m.sweepsOpen.set(counts.getOrDefault(c, 0)));
  }

  /**
   * Ditto stayed unavailable for this put's retry window: the records go back to Connect, which
   * delivers them again after a backoff (the consumer keeps polling meanwhile), unless Ditto has
   * been unavailable for longer than {@code ditto.outage.max.duration.ms}.
   */
  private RuntimeException handBack(
      int count, long putStartedMillis, DittoException.RetriesExhausted e) {
    if (failingSinceMillis < 0) {
      failingSinceMillis = putStartedMillis;
    }
    long down = clock.getAsLong() - failingSinceMillis;
    long limit = config.outageLimit().toMillis();
    if (limit > 0 && down >= limit) {
      return new ConnectException(
          "Ditto stayed unavailable for "
              + down
              + " ms, longer than "
              + DittoSinkConfig.OUTAGE_MAX_DURATION_MS
              + " ("
              + limit
              + "); the records from the last committed offset on are delivered again after the task"
              + " restarts: "
              + e.getMessage(),
          e);
    }
    long backoff = Math.max(1, client.settings().retry().backoff(redeliveries, null).toMillis());
    redeliveries++;
    metrics.redeliveries.increment();
    context.timeout(backoff);
    LOG.warn(
        "{}: {}; the {} records of this put go back to Connect and are delivered again in {} ms"
            + " (redelivery {}, Ditto unavailable for {} ms)",
        label,
        e.getMessage(),
        count,
        backoff,
        redeliveries,
        down);
    return new RetriableException(e.getMessage(), e);
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
    return mapped != null ? mapped : DittoSinkTask.lastSegment(topic);
  }

  /** Applies the batch; on a 400 splits it in halves (in order) until the bad records are alone. */
  private void applyIsolatingBadRecords(
      String collection, List<Entry> batch, long deadline, List<Future<Void>> reports) {
    List<DittoChange> changes = new ArrayList<>(batch.size());
    for (Entry e : batch) {
      changes.add(e.change());
    }
    try {
      writer.apply(collection, BatchCollapser.collapse(changes), deadline);
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
      applyIsolatingBadRecords(collection, batch.subList(0, half), deadline, reports);
      applyIsolatingBadRecords(collection, batch.subList(half, batch.size()), deadline, reports);
    } catch (DittoException.AuthFailure auth) {
      throw new ConnectException(auth.getMessage(), auth);
    } catch (DittoException.RetriesExhausted gone) {
      throw gone;
    } catch (DittoException other) {
      throw new ConnectException(other.getMessage(), other);
    }
  }

  private void report(
      SinkRecord record, String collection, RuntimeException error, List<Future<Void>> reports) {
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

  /**
   * Only offsets of records Ditto acknowledged (put() returned normally for them), and never past
   * an open sweep's start marker.
   */
  Map<TopicPartition, OffsetAndMetadata> preCommit(
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

  /** The next offset after the last record of {@code tp} Ditto acknowledged, or -1. */
  long acknowledged(TopicPartition tp) {
    return acknowledged.getOrDefault(tp, -1L);
  }

  /** Sweeps whose copy is complete and whose deletes have not run yet. */
  int sweepsWaiting() {
    return sweeps.waiting();
  }

  void closePartitions(Collection<TopicPartition> partitions) {
    partitions.forEach(acknowledged::remove);
    sweeps.close(partitions);
    refreshSweepGauges();
  }

  @Override
  public void close() {
    client.close();
    metrics.close();
  }
}
