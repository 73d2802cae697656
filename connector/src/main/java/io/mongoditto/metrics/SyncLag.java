package io.mongoditto.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How far a target is behind its source, from the source commit times of the changes applied.
 * {@link #lagMillis()} is "now minus the source time of the last change applied", so it also grows
 * while nothing happens in the source; {@link #applyLagMillis()} is how old the last change was
 * when it was applied, which stays put while idle. Unknown (no change with a source time yet) = -1.
 */
public final class SyncLag {

  public static final long UNKNOWN = -1;

  private final LongSupplier nowMillis;
  private final AtomicLong lastSourceTime = new AtomicLong(UNKNOWN);
  private final AtomicLong lastAppliedAt = new AtomicLong(UNKNOWN);
  private final AtomicLong applyLag = new AtomicLong(UNKNOWN);

  public SyncLag(LongSupplier nowMillis) {
    this.nowMillis = nowMillis;
  }

  public SyncLag() {
    this(System::currentTimeMillis);
  }

  /**
   * Changes with source time {@code sourceTimeMillis} are now applied; 0 or less (unknown) is
   * ignored. Keeps the latest source time, so a replayed older change does not move it back.
   */
  public void applied(long sourceTimeMillis) {
    if (sourceTimeMillis <= 0) {
      return;
    }
    long now = nowMillis.getAsLong();
    if (lastSourceTime.accumulateAndGet(sourceTimeMillis, Math::max) == sourceTimeMillis) {
      applyLag.set(Math.max(0, now - sourceTimeMillis));
    }
    lastAppliedAt.set(now);
  }

  public long lastSourceTimeMillis() {
    return lastSourceTime.get();
  }

  /** Wall time of the last {@link #applied} call with a known source time, or -1. */
  public long lastAppliedAtMillis() {
    return lastAppliedAt.get();
  }

  /** Now minus the source time of the last change applied (never negative), or -1. */
  public long lagMillis() {
    long source = lastSourceTime.get();
    return source == UNKNOWN ? UNKNOWN : Math.max(0, nowMillis.getAsLong() - source);
  }

  /** Age of the newest applied change at the moment it was applied, or -1. */
  public long applyLagMillis() {
    return applyLag.get();
  }

  /**
   * Registers {@code last-source-time-ms}, {@code sync-lag-ms}, {@code apply-lag-ms} in {@code
   * group}.
   */
  public SyncLag register(MetricGroup group) {
    group.gauge(
        "last-source-time-ms",
        "Source commit time (epoch ms) of the newest change applied to the target;"
            + " -1 before the first",
        this::lastSourceTimeMillis);
    group.gauge(
        "sync-lag-ms",
        "Now minus the source commit time of the newest change applied to the target"
            + " (grows while the source is idle); -1 before the first",
        this::lagMillis);
    group.gauge(
        "apply-lag-ms",
        "How old the newest applied change was when it was applied; -1 before the first",
        this::applyLagMillis);
    return this;
  }
}
