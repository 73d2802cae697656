package io.mongoditto.source;

import io.mongoditto.metrics.PeriodicSummary;
import io.mongoditto.metrics.Progress;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per collection every {@code log.summary.interval.ms} (0: never): counts, lag and,
 * during a snapshot, copied/expected, rate and ETA. Driven from {@code poll()}, which Connect calls
 * at least every {@code poll.await.time.ms}, so it needs no thread of its own.
 */
final class SourceSummaryLog {

  private static final Logger log = LoggerFactory.getLogger(SourceSummaryLog.class);

  private final PeriodicSummary periodic;

  SourceSummaryLog(long intervalMs, SourceTaskStats stats, LongSupplier nowMillis) {
    this.periodic =
        new PeriodicSummary(
            intervalMs,
            nowMillis,
            () -> stats.collections().forEach((c, m) -> log.info(line(c, m))));
  }

  /** Logs the summaries when the interval has passed since the last ones; true when it did. */
  boolean maybeLog() {
    return periodic.maybeRun();
  }

  static String line(String collection, CollectionMetrics m) {
    StringBuilder sb =
        new StringBuilder("Source summary ")
            .append(collection)
            .append(": ")
            .append(m.state().label())
            .append(", events ")
            .append(m.events.count())
            .append(" (insert ")
            .append(m.inserts.count())
            .append(", update ")
            .append(m.updates.count())
            .append(", replace ")
            .append(m.replaces.count())
            .append(", delete ")
            .append(m.deletes.count())
            .append("), records ")
            .append(m.records.count())
            .append(", bytes read ")
            .append(m.bytesRead.count())
            .append(", bad documents ")
            .append(m.badDocuments.count())
            .append(", id changes ")
            .append(m.idChanges.count())
            .append(", omitted values ")
            .append(m.conversions.omittedTotal())
            .append(", lag ")
            .append(millis(m.lag.lagMillis()));
    Progress p = m.snapshot;
    if (p.started()) {
      sb.append(", snapshot ")
          .append(p.finished() ? "complete " : "")
          .append(p.done())
          .append('/')
          .append(p.expected())
          .append(String.format(Locale.ROOT, " (%.1f%%), %.0f docs/s", p.percent(), p.rate()));
      if (!p.finished()) {
        long eta = p.etaSeconds();
        sb.append(", ETA ").append(eta == Progress.UNKNOWN ? "unknown" : eta + " s");
      }
    }
    if (m.resnapshots.count() > 0) {
      sb.append(", resnapshots ").append(m.resnapshots.count());
    }
    return sb.toString();
  }

  private static String millis(long ms) {
    return ms < 0 ? "unknown" : ms + " ms";
  }
}
