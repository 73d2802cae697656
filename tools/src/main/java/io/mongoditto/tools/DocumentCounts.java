package io.mongoditto.tools;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Document counts per collection for progress lines, asked again at most once per interval: a
 * progress line redraws several times a second, and a count is a query.
 */
final class DocumentCounts {

  private record Count(long value, long atNanos) {}

  private final ToLongFunction<String> query;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final Map<String, Count> counts = new HashMap<>();

  DocumentCounts(ToLongFunction<String> query, Duration interval) {
    this(query, interval, System::nanoTime);
  }

  DocumentCounts(ToLongFunction<String> query, Duration interval, LongSupplier clock) {
    this.query = query;
    this.intervalNanos = interval.toNanos();
    this.clock = clock;
  }

  synchronized long get(String collection) {
    long now = clock.getAsLong();
    Count c = counts.get(collection);
    if (c == null || now - c.atNanos() >= intervalNanos) {
      c = new Count(query.applyAsLong(collection), now);
      counts.put(collection, c);
    }
    return c.value();
  }
}
