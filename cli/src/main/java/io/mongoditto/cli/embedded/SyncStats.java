package io.mongoditto.cli.embedded;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the embedded runner has applied to Ditto, per Ditto collection, and how far behind it is. */
public final class SyncStats {

  private final Map<String, AtomicLong> applied = new ConcurrentHashMap<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong lastBatchNanos = new AtomicLong(System.nanoTime());
  private volatile long lastLagMillis = -1;
  private volatile long maxRecentLagMillis = -1;

  void recordApplied(String collection, long records) {
    applied.computeIfAbsent(collection, k -> new AtomicLong()).addAndGet(records);
  }

  /** A batch was applied; {@code newestSourceTimeMillis} is when its newest change happened in MongoDB. */
  void batchApplied(long newestSourceTimeMillis, long oldestSourceTimeMillis) {
    batches.incrementAndGet();
    lastBatchNanos.set(System.nanoTime());
    long now = System.currentTimeMillis();
    if (newestSourceTimeMillis > 0) {
      lastLagMillis = Math.max(0, now - newestSourceTimeMillis);
    }
    if (oldestSourceTimeMillis > 0) {
      maxRecentLagMillis = Math.max(0, now - oldestSourceTimeMillis);
    }
  }

  /** Changes applied (upserts and deletes) per Ditto collection. */
  public Map<String, Long> applied() {
    Map<String, Long> out = new TreeMap<>();
    applied.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public long applied(String collection) {
    AtomicLong n = applied.get(collection);
    return n == null ? 0 : n.get();
  }

  public long batches() {
    return batches.get();
  }

  /** Milliseconds since the last applied batch. */
  public long idleMillis() {
    return (System.nanoTime() - lastBatchNanos.get()) / 1_000_000;
  }

  /**
   * MongoDB commit to Ditto acknowledgement of the newest change of the last batch, in
   * milliseconds; -1 before any change with a known source time.
   */
  public long lastLagMillis() {
    return lastLagMillis;
  }

  /** The same for the oldest change of the last batch (the worst wait in it). */
  public long lastBatchMaxLagMillis() {
    return maxRecentLagMillis;
  }
}
