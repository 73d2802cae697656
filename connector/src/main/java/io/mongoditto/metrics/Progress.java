package io.mongoditto.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress of a copy with a known (estimated) size: how many items are done, the percentage, the
 * rate of this run and the time left. A resumed copy starts with the items done by earlier runs
 * ({@code alreadyDone}): they count for the percentage but not for the rate, which only this run
 * measures. Thread-safe; the arithmetic is in static methods so it can be checked on its own.
 */
public final class Progress {

  /** ETA when it cannot be estimated yet (nothing copied in this run). */
  public static final long UNKNOWN = -1;

  private final LongSupplier nanoTime;
  private final AtomicLong done = new AtomicLong();
  private volatile long expected;
  private volatile long alreadyDone;
  private volatile long startedNanos;
  private volatile long finishedNanos = -1;
  private volatile boolean started;

  public Progress(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  public Progress() {
    this(System::nanoTime);
  }

  /**
   * Starts (or restarts) a copy of about {@code expected} items, {@code alreadyDone} of them by
   * earlier runs.
   */
  public void start(long expected, long alreadyDone) {
    this.expected = Math.max(0, expected);
    this.alreadyDone = Math.max(0, alreadyDone);
    done.set(this.alreadyDone);
    finishedNanos = -1;
    startedNanos = nanoTime.getAsLong();
    started = true;
  }

  public void add(long n) {
    done.addAndGet(n);
  }

  /** The copy is complete: 100 %, ETA 0, the rate frozen at its final value. */
  public void finish() {
    finishedNanos = nanoTime.getAsLong();
  }

  public boolean started() {
    return started;
  }

  public boolean finished() {
    return finishedNanos >= 0;
  }

  /** Items done, earlier runs included. */
  public long done() {
    return done.get();
  }

  public long expected() {
    return expected;
  }

  public double percent() {
    return percent(done(), expected, finished());
  }

  /** Items per second in this run. */
  public double rate() {
    if (!started) {
      return 0;
    }
    long end = finished() ? finishedNanos : nanoTime.getAsLong();
    return rate(done() - alreadyDone, end - startedNanos);
  }

  /** Seconds left, 0 when finished, {@link #UNKNOWN} before this run copied anything. */
  public long etaSeconds() {
    if (finished()) {
      return 0;
    }
    if (!started) {
      return UNKNOWN;
    }
    return etaSeconds(expected - done(), rate());
  }

  /**
   * Done out of expected in percent, capped at 100 (the expected size is an estimate); 100 once
   * finished.
   */
  public static double percent(long done, long expected, boolean finished) {
    if (finished) {
      return 100.0;
    }
    if (expected <= 0) {
      return 0.0;
    }
    return Math.min(100.0, 100.0 * done / expected);
  }

  /** Items per second; 0 when no time has passed. */
  public static double rate(long items, long elapsedNanos) {
    if (elapsedNanos <= 0 || items <= 0) {
      return 0.0;
    }
    return items * 1e9 / elapsedNanos;
  }

  /**
   * Whole seconds to copy {@code remaining} items at {@code rate} items/s, rounded up; 0 when
   * nothing remains (an estimate that was too low); {@link #UNKNOWN} without a rate.
   */
  public static long etaSeconds(long remaining, double rate) {
    if (remaining <= 0) {
      return 0;
    }
    if (!(rate > 0)) {
      return UNKNOWN;
    }
    return (long) Math.ceil(remaining / rate);
  }
}
