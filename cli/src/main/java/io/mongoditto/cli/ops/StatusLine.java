package io.mongoditto.cli.ops;

import io.mongoditto.cli.embedded.DittoToMongoSync;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.mongosink.MongoSinkMetrics;
import java.util.Locale;
import java.util.Map;

/**
 * The runner's periodic status line, one part per direction: {@code MongoDB -> Ditto: applied
 * inventory=3 orders=5, lag 0.1 s | Ditto -> MongoDB: applied 12, echoes 40, conflicts 0, lag 0.3
 * s}, then the dead-letter file when something went there.
 */
public final class StatusLine {

  private StatusLine() {}

  public static String of(EmbeddedSync sync) {
    StringBuilder sb = new StringBuilder("MongoDB -> Ditto: applied");
    Map<String, Long> applied = sync.stats().applied();
    if (applied.isEmpty()) {
      sb.append(" nothing yet");
    }
    applied.forEach((c, n) -> sb.append(' ').append(c).append('=').append(n));
    appendLag(sb, sync.stats().lastLagMillis());
    sync.dittoToMongo().ifPresent(reverse -> sb.append(" | ").append(dittoToMongo(reverse)));
    if (sync.deadLetters() > 0) {
      sb.append(", dead letters ")
          .append(sync.deadLetters())
          .append(" (")
          .append(sync.deadLetterFile())
          .append(')');
    }
    return sb.toString();
  }

  /** {@code Ditto -> MongoDB: applied 12, echoes 40, conflicts 0, lag 0.3 s}. */
  public static String dittoToMongo(DittoToMongoSync reverse) {
    MongoSinkMetrics m = reverse.metrics();
    StringBuilder sb =
        new StringBuilder("Ditto -> MongoDB: applied ")
            .append(m.written.count())
            .append(", echoes ")
            .append(m.echoes.count())
            .append(", conflicts ")
            .append(m.conflicts.count());
    if (m.deadLettered.count() > 0) {
      sb.append(", dead-lettered ").append(m.deadLettered.count());
    }
    if (m.retries.count() > 0) {
      sb.append(", retried ").append(m.retries.count());
    }
    appendLag(sb, reverse.lastLagMillis());
    if (!reverse.isRunning()) {
      sb.append(", STOPPED");
    }
    return sb.toString();
  }

  private static void appendLag(StringBuilder sb, long lagMillis) {
    if (lagMillis >= 0) {
      sb.append(String.format(Locale.ROOT, ", lag %.1f s", lagMillis / 1000.0));
    }
  }
}
