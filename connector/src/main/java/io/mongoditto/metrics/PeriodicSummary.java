package io.mongoditto.metrics;

import java.util.function.LongSupplier;

/**
 * Runs a summary at most once per interval (0 or less: never), counted from construction. The tasks
 * call {@link #maybeRun()} from {@code poll()}/{@code put()}, which Connect calls often enough, so
 * no thread of its own is needed. Not thread-safe: one task thread calls it.
 */
public final class PeriodicSummary {

  private final long intervalMs;
  private final LongSupplier nowMillis;
  private final Runnable summary;
  private long lastRun;

  public PeriodicSummary(long intervalMs, LongSupplier nowMillis, Runnable summary) {
    this.intervalMs = intervalMs;
    this.nowMillis = nowMillis;
    this.summary = summary;
    this.lastRun = nowMillis.getAsLong();
  }

  /** Runs the summary when the interval has passed since the last run; true when it did. */
  public boolean maybeRun() {
    if (intervalMs <= 0) {
      return false;
    }
    long now = nowMillis.getAsLong();
    if (now - lastRun < intervalMs) {
      return false;
    }
    lastRun = now;
    summary.run();
    return true;
  }
}
