package io.mongoditto.mongosink;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cdc.CdcEvent;
import io.mongoditto.cdc.CdcEvents;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.connect.SinkContexts;
import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.mapping.ReverseMapper;
import io.mongoditto.mapping.ReversePlan;
import io.mongoditto.mongo.ConnectorSessions;
import io.mongoditto.mongo.MongoClientFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
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
 * A started Ditto -> MongoDB sink task: owns the MongoDB client, the Ditto client (write-backs,
 * reconciliation), the applier and the metrics. {@link #put} returns normally only when every
 * record is applied, found to need nothing, or dead-lettered; while MongoDB or Ditto cannot be
 * reached it hands the records back to Connect ({@link RetriableException}), which delivers them
 * again after a backoff. Connect commits offsets only after put() returned, so nothing is lost.
 */
final class StartedMongoSinkTask implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StartedMongoSinkTask.class);
  static final String APP_NAME = "mongo-ditto-cdc-sink";
  private static final int UNAUTHORIZED = 13;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final MongoSinkConfig config;
  private final String label;
  private final MongoClient mongo;
  private final DittoHttpClient ditto;
  private final CdcApplier<SinkRecord> applier;
  private final DittoWriteBack writeBack;
  private final RequeryReconciler reconciler;
  private final MongoSinkMetrics metrics;
  private final SinkTaskContext context;
  private final ErrantRecordReporter reporter;
  private final LongSupplier clock;
  private int failuresInARow;
  private long lastSummaryMillis;

  /**
   * Values still to give back to Ditto from batches whose MongoDB writes are committed: Connect
   * delivers such a batch again after a failure, but its events are then duplicates, never planned
   * again, so what Ditto was owed would be lost.
   */
  private final List<CdcApplier.Normalize> owedToDitto = new ArrayList<>();

  private StartedMongoSinkTask(
      MongoSinkConfig config,
      String label,
      MongoClient mongo,
      DittoHttpClient ditto,
      MongoSinkMetrics metrics,
      SinkTaskContext context,
      LongSupplier clock) {
    this.config = config;
    this.label = label;
    this.mongo = mongo;
    this.ditto = ditto;
    this.metrics = metrics;
    this.context = context;
    this.reporter = SinkContexts.reporter(context);
    this.clock = clock;
    this.lastSummaryMillis = clock.getAsLong();
    MongoDatabase database = mongo.getDatabase(config.database());
    Map<String, ReverseMapper> mappers = new LinkedHashMap<>();
    for (CollectionConfig c : config.writtenCollections()) {
      mappers.put(c.mapping().dittoCollection(), new ReverseMapper(c.mapping(), c.rules()));
    }
    this.applier =
        new CdcApplier<>(
            mongo,
            database,
            mappers,
            new ConnectorSessions(database),
            config.connectorName(),
            config.taskId(),
            new DittoDocuments(ditto));
    this.writeBack = new DittoWriteBack(ditto, !config.ditto().apiVersion().strictMode());
    this.reconciler = new RequeryReconciler(ditto, List.copyOf(mappers.keySet()));
  }

  static StartedMongoSinkTask start(
      Map<String, String> props,
      SinkTaskContext context,
      PluginMetrics pluginMetrics,
      LongSupplier clock) {
    MongoSinkConfig config = MongoSinkConfig.of(props);
    String label = "connector " + config.connectorName() + ", task " + config.taskId();
    MongoClient mongo =
        MongoClientFactory.create(
            config.mongo(), APP_NAME, config.mongo().serverSelectionTimeoutMs(), 0);
    DittoHttpClient ditto = null;
    MongoSinkMetrics metrics = null;
    try {
      ditto = new DittoHttpClient(config.ditto(), label);
      metrics = new MongoSinkMetrics(pluginMetrics, clock);
      return new StartedMongoSinkTask(config, label, mongo, ditto, metrics, context, clock);
    } catch (RuntimeException e) {
      mongo.close();
      if (ditto != null) {
        ditto.close();
      }
      if (metrics != null) {
        metrics.close();
      }
      throw e;
    }
  }

  /** The task was given partitions (at its start, or in a rebalance). */
  void partitionsAssigned(Collection<?> partitions) {
    LOG.info("{}: given {}: what it knew of documents' histories is forgotten", label, partitions);
    applier.forgetHistory();
  }

  MongoSinkMetrics metrics() {
    return metrics;
  }

  void put(Collection<SinkRecord> records) {
    maybeLogSummary();
    if (records.isEmpty() && owedToDitto.isEmpty()) {
      return;
    }
    List<Future<Void>> reports = new ArrayList<>();
    List<DocumentChanges.Item<SinkRecord>> items = new ArrayList<>();
    List<CdcEvent> requeries = new ArrayList<>();
    long newest = 0;
    for (SinkRecord record : records) {
      metrics.events.increment();
      if (record.timestamp() != null) {
        newest = Math.max(newest, record.timestamp());
      }
      CdcEvent event;
      try {
        event = CdcEvents.parse(record.value());
      } catch (CdcEvents.InvalidCdcEventException bad) {
        report(
            record, "not a Ditto CDC event (" + where(record) + "): " + bad.getMessage(), reports);
        continue;
      }
      if (event == null) {
        metrics.otherCollections.increment();
      } else if (event.isRequery()) {
        requeries.add(event);
      } else {
        items.add(new DocumentChanges.Item<>(event, record));
      }
    }
    try {
      writeOwed();
      CdcApplier.Result<SinkRecord> result = applier.apply(items);
      count(result);
      for (CdcApplier.Failure<SinkRecord> f : result.failures()) {
        report(f.item().source(), f.reason(), reports);
      }
      owedToDitto.addAll(result.normalize());
      writeOwed();
      for (CdcEvent requery : requeries) {
        requery(requery);
      }
    } catch (MongoSecurityException e) {
      throw new ConnectException(label + ": MongoDB refused the credentials: " + e.getMessage(), e);
    } catch (MongoCommandException e) {
      if (e.getErrorCode() == UNAUTHORIZED) {
        throw new ConnectException(
            label
                + ": the MongoDB user may not write (error 13); grant readWrite on "
                + config.database(),
            e);
      }
      throw handBack(e);
    } catch (MongoException | DittoException.RetriesExhausted e) {
      throw handBack(e);
    } catch (DittoException.AuthFailure e) {
      throw new ConnectException(label + ": Ditto refused the API key: " + e.getMessage(), e);
    }
    for (Future<Void> f : reports) {
      SinkContexts.awaitReport(f);
    }
    failuresInARow = 0;
    metrics.lag.applied(newest);
  }

  /**
   * Writes what Ditto is owed, oldest first; Ditto unavailable leaves the rest for the next put.
   */
  private void writeOwed() {
    if (owedToDitto.isEmpty()) {
      return;
    }
    DittoWriteBack.Outcome outcome = writeBack.writeAll(List.copyOf(owedToDitto));
    metrics.normalizations.add(outcome.written());
    owedToDitto.clear();
    owedToDitto.addAll(outcome.owed());
    if (outcome.unavailable() != null) {
      throw outcome.unavailable();
    }
  }

  private void count(CdcApplier.Result<SinkRecord> r) {
    metrics.written.add(r.written());
    metrics.echoes.add(r.echoes());
    metrics.duplicates.add(r.duplicates());
    metrics.otherCollections.add(r.unknownCollection());
    for (ReversePlan p : r.plans()) {
      metrics.conflicts.add(p.conflicts().size());
      metrics.refusedPaths.add(p.refused().size());
      if (!p.conflicts().isEmpty() && LOG.isDebugEnabled()) {
        LOG.debug("{}: conflict on {} (MongoDB holds a newer edit)", label, p.conflicts());
      }
    }
  }

  private void requery(CdcEvent requery) {
    metrics.requeries.increment();
    if (!config.reconcileOnRequery()) {
      LOG.warn(
          "{}: requeryRequired (txnId {}): Ditto's CDC lost track of changes; {} is false, so"
              + " MongoDB is not reconciled",
          label,
          requery.txnId(),
          MongoSinkConfig.REQUERY_RECONCILE);
      return;
    }
    LOG.warn(
        "{}: requeryRequired (txnId {}): Ditto's CDC lost track of changes; reconciling MongoDB"
            + " with every synced Ditto collection",
        label,
        requery.txnId());
    RequeryReconciler.Outcome o = reconciler.reconcile(applier, requery.txnId());
    metrics.written.add(o.written());
    metrics.conflicts.add(o.conflicts());
    LOG.warn(
        "{}: reconciled after requeryRequired: {} Ditto documents read, {} MongoDB documents"
            + " written, {} conflicting values left as MongoDB holds them, {} not applicable{}",
        label,
        o.documents(),
        o.written(),
        o.conflicts(),
        o.failures().size(),
        o.failures().isEmpty() ? "" : " (first: " + o.failures().get(0) + ")");
  }

  private RetriableException handBack(RuntimeException cause) {
    failuresInARow++;
    metrics.retries.increment();
    long backoff = Math.min(MAX_BACKOFF_MS, 500L << Math.min(failuresInARow, 6));
    if (context != null) {
      context.timeout(backoff);
    }
    LOG.warn(
        "{}: {} ({}); Connect delivers the batch again in {} ms (attempt {})",
        label,
        cause instanceof MongoException ? "MongoDB unavailable" : "Ditto unavailable",
        cause.getMessage(),
        backoff,
        failuresInARow);
    return new RetriableException(cause.getMessage(), cause);
  }

  private static String where(SinkRecord r) {
    return r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset();
  }

  private void report(SinkRecord record, String reason, List<Future<Void>> reports) {
    LOG.warn("{}: record {} dead-lettered: {}", label, where(record), reason);
    if (reporter == null) {
      throw new ConnectException(
          "record "
              + where(record)
              + " cannot be applied and no dead-letter queue is configured (errors.tolerance=all,"
              + " errors.deadletterqueue.topic.name): "
              + reason);
    }
    reports.add(reporter.report(record, new DataException(reason)));
    metrics.deadLettered.increment();
  }

  private void maybeLogSummary() {
    long interval = config.logSummaryIntervalMs();
    long now = clock.getAsLong();
    if (interval > 0 && now - lastSummaryMillis >= interval) {
      lastSummaryMillis = now;
      LOG.info(
          "{}: Ditto -> MongoDB {} lag={}ms", label, metrics.totals(), metrics.lag.lagMillis());
    }
  }

  @Override
  public void close() {
    LOG.info("{}: Ditto -> MongoDB task stopped: {}", label, metrics.totals());
    applier.close();
    writeBack.close();
    ditto.close();
    mongo.close();
    metrics.close();
  }
}
