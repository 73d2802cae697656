package io.mongoditto.sink;

import io.mongoditto.metrics.PeriodicSummary;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per Ditto collection every {@code log.summary.interval.ms} (0: never) with the sink
 * task's counts and lag. Driven from {@code put()}, which Connect calls after every consumer poll
 * (with no records too), so it needs no thread of its own.
 */
final class SinkSummaryLog {

  private static final Logger LOG = LoggerFactory.getLogger(SinkSummaryLog.class);

  private final PeriodicSummary periodic;

  SinkSummaryLog(long intervalMs, SinkMetrics metrics, LongSupplier nowMillis) {
    this.periodic =
        new PeriodicSummary(
            intervalMs, nowMillis, () -> metrics.all().forEach((c, m) -> LOG.info(line(c, m))));
  }

  /** Logs the summaries when the interval has passed since the last ones; true when it did. */
  boolean maybeLog() {
    return periodic.maybeRun();
  }

  static String line(String collection, SinkMetrics.Collection m) {
    long lag = m.lag.lagMillis();
    return "Sink summary "
        + collection
        + ": records "
        + m.records.count()
        + ", upserted "
        + m.upserts.count()
        + ", deleted "
        + m.deletes.count()
        + ", unset statements "
        + m.unsetStatements.count()
        + ", batches "
        + m.batches.count()
        + ", requests "
        + m.requests.count()
        + ", bytes sent "
        + m.bytesSent.count()
        + ", retries "
        + m.retries.count()
        + ", errors "
        + m.errors.count()
        + ", dead-lettered "
        + m.deadLettered.count()
        + ", lag "
        + (lag < 0 ? "unknown" : lag + " ms");
  }
}
