package io.mongoditto.tools;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongoditto.cli.embedded.DittoToMongoSync;
import io.mongoditto.cli.embedded.EmbeddedSync;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The demo's loop check: once both sides agree, nothing may move. For {@code period} it counts
 * MongoDB's changes (the synced database, the runner's own session registry left out) and the
 * events on Ditto's CDC feed (every write to Ditto shows there) and the writes of each direction;
 * all must stay at zero, or the two directions are echoing each other.
 */
final class DemoQuiet {

  /** What moved during the period. */
  record Result(
      Duration period, long mongoChanges, long cdcEvents, long dittoWrites, long mongoWrites) {

    boolean quiet() {
      return mongoChanges == 0 && cdcEvents == 0 && dittoWrites == 0 && mongoWrites == 0;
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%s: in %.0f s, %d MongoDB changes, %d Ditto changes (CDC events), %d writes to Ditto,"
              + " %d writes to MongoDB",
          quiet() ? "Quiet" : "NOT QUIET",
          period.toMillis() / 1000.0,
          mongoChanges,
          cdcEvents,
          dittoWrites,
          mongoWrites);
    }
  }

  private DemoQuiet() {}

  /** Waits until neither direction has had anything to do for a moment, then watches. */
  static Result watch(MongoDatabase db, EmbeddedSync sync, Duration period)
      throws InterruptedException {
    DittoToMongoSync reverse = sync.dittoToMongo().orElseThrow();
    settle(sync, reverse, Duration.ofSeconds(120));
    long cdcBefore = reverse.metrics().events.count();
    long mongoWritesBefore = reverse.metrics().written.count();
    long dittoWritesBefore = applied(sync);
    long mongoChanges = 0;
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream =
        db.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS).cursor()) {
      long end = System.nanoTime() + period.toNanos();
      while (System.nanoTime() < end) {
        ChangeStreamDocument<Document> e = stream.tryNext();
        if (e != null
            && e.getNamespace() != null
            && !e.getNamespace().getCollectionName().startsWith("mongoditto")) {
          mongoChanges++;
        }
      }
    }
    // Whatever the period's changes caused is counted too: let it arrive.
    settle(sync, reverse, Duration.ofSeconds(5));
    return new Result(
        period,
        mongoChanges,
        reverse.metrics().events.count() - cdcBefore,
        applied(sync) - dittoWritesBefore,
        reverse.metrics().written.count() - mongoWritesBefore);
  }

  /** Until no CDC event arrived and the forward direction was idle for a second, at most max. */
  private static void settle(EmbeddedSync sync, DittoToMongoSync reverse, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long events = reverse.metrics().events.count();
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = reverse.metrics().events.count();
      if (now != events) {
        events = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince >= TimeUnit.SECONDS.toNanos(1)
          && sync.stats().idleMillis() >= 1000) {
        return;
      }
    }
  }

  private static long applied(EmbeddedSync sync) {
    return sync.stats().applied().values().stream().mapToLong(Long::longValue).sum();
  }
}
