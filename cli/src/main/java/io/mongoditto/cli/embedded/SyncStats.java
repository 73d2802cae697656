package io.mongoditto.cli.embedded;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the embedded runner has applied to Ditto, per Ditto collection, and how far behind it is.
 */
public final class SyncStats {

  private final Map<String, AtomicLong> applied = new ConcurrentHashMap<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong lastBatchNanos = new AtomicLong(System.nanoTime());
  private volatile long lastLagMillis = -1;
  private volatile long maxRecentLagMillis = -1;

  /** Per collection: source time of the oldest change in the batch Ditto is writing now. */
  private final Map<String, Long> inFlightOldest = new ConcurrentHashMap<>();

  /** Per collection: the lag of its last acknowledged batch, and when it was acknowledged. */
  private final Map<String, long[]> lastAcknowledged = new ConcurrentHashMap<>();

  void recordApplied(String collection, long records) {
    applied.computeIfAbsent(collection, k -> new AtomicLong()).addAndGet(records);
  }

  /**
   * A batch was applied; {@code newestSourceTimeMillis} is when its newest change happened in
   * MongoDB.
   */
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

  /**
   * A batch holding changes of these collections (oldest source time each, 0 = unknown) goes to
   * Ditto.
   */
  void writing(Map<String, Long> oldestSourceTimeByCollection) {
    oldestSourceTimeByCollection.forEach(
        (c, t) -> {
          if (t > 0) {
            inFlightOldest.put(c, t);
          }
        });
  }

  /** Ditto acknowledged the batch announced with {@link #writing}. */
  void acknowledged(Map<String, Long> oldestSourceTimeByCollection, long nowMillis) {
    oldestSourceTimeByCollection.forEach(
        (c, t) -> {
          inFlightOldest.remove(c);
          if (t > 0) {
            lastAcknowledged.put(c, new long[] {Math.max(0, nowMillis - t), nowMillis});
          }
        });
  }

  /**
   * How far Ditto is behind MongoDB for one Ditto collection, in milliseconds, as the runner sees
   * it: while a batch with changes of the collection is being written (Ditto slow, down, retried),
   * the age of its oldest change, growing; otherwise the lag of the collection's last acknowledged
   * batch (how old its oldest change was when Ditto acknowledged it: a backlog read late from
   * MongoDB shows here) as long as that acknowledgement is at most {@code recentMillis} old; after
   * that, with nothing being written, the collection is caught up: 0. -1 before any change with a
   * source time. Unlike the sink's {@code sync-lag-ms} it does not grow while MongoDB is idle.
   */
  public long lagMillis(String collection, long nowMillis, long recentMillis) {
    Long writing = inFlightOldest.get(collection);
    long[] last = lastAcknowledged.get(collection);
    if (writing != null) {
      return Math.max(0, nowMillis - writing);
    }
    if (last == null) {
      return -1;
    }
    return nowMillis - last[1] <= recentMillis ? last[0] : 0;
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
