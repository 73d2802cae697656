package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only, bounded history of change events every change stream reads from (the local
 * stand-in for the oplog). Each event gets a sequence number and a strictly increasing cluster
 * time; when more than {@code capacity} events exist the oldest are forgotten, and resuming before
 * them fails with ChangeStreamHistoryLost, as on a real server whose oplog rolled over.
 *
 * <p>Thread-safe: writers append under one lock (so the log order is the commit order), readers
 * copy slices under it and may wait on a condition for new events instead of polling.
 */
final class ChangeEventLog {

  private final int capacity;
  private final Clock clock;

  /** Identifies this server run inside resume tokens: tokens of an earlier run are history lost. */
  private final int runId = ThreadLocalRandom.current().nextInt() & 0x7fffffff;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();

  private ChangeEvent[] ring = new ChangeEvent[1024];
  private int head;
  private int size;
  private long lastSeq;
  private BsonTimestamp lastEvictedTime;
  private int lastSeconds;
  private int increment;

  ChangeEventLog(int capacity, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("history size must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.clock = clock;
  }

  int runId() {
    return runId;
  }

  int capacity() {
    return capacity;
  }

  ChangeEvent append(ChangeEvent.Draft d) {
    lock.lock();
    try {
      Instant now = clock.instant();
      ChangeEvent event = toEvent(d, nextClusterTime(now), now, null, null);
      store(event);
      appended.signalAll();
      return event;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends the events of a committed multi-document transaction, in write order, all at one
   * cluster time (the commit's, as on a real server) and with the transaction's session and number;
   * each still gets its own position, so a stream can resume between them.
   */
  void appendTransaction(List<ChangeEvent.Draft> drafts, Document lsid, long txnNumber) {
    if (drafts.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      Instant now = clock.instant();
      BsonTimestamp time = nextClusterTime(now);
      for (ChangeEvent.Draft d : drafts) {
        store(toEvent(d, time, now, lsid, txnNumber));
      }
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private ChangeEvent toEvent(
      ChangeEvent.Draft d, BsonTimestamp time, Instant now, Document lsid, Long txnNumber) {
    return new ChangeEvent(
        ++lastSeq,
        time,
        now,
        d.operationType(),
        d.db(),
        d.coll(),
        d.documentId(),
        d.fullDocument(),
        d.preImage(),
        d.imagesEnabled(),
        d.updateDescription(),
        d.toDb(),
        d.toColl(),
        d.collectionUuid(),
        d.operationDescription(),
        d.expandedOnly(),
        lsid,
        txnNumber);
  }

  /** The cluster time a new event would get now, without taking it (for operationTime). */
  BsonTimestamp currentTime() {
    lock.lock();
    try {
      int seconds = Math.max((int) clock.instant().getEpochSecond(), lastSeconds);
      return new BsonTimestamp(((long) seconds << 32) | (increment & 0xffffffffL));
    } finally {
      lock.unlock();
    }
  }

  private BsonTimestamp nextClusterTime(Instant now) {
    int seconds = (int) now.getEpochSecond();
    if (seconds > lastSeconds) {
      lastSeconds = seconds;
      increment = 1;
    } else {
      increment++;
    }
    return new BsonTimestamp(((long) lastSeconds << 32) | (increment & 0xffffffffL));
  }

  private void store(ChangeEvent event) {
    if (size == capacity) {
      lastEvictedTime = ring[head].clusterTime();
      ring[head] = null;
      head = (head + 1) % ring.length;
      size--;
    }
    if (size == ring.length) {
      ChangeEvent[] bigger = new ChangeEvent[(int) Math.min((long) ring.length * 2, capacity)];
      for (int i = 0; i < size; i++) {
        bigger[i] = ring[(head + i) % ring.length];
      }
      ring = bigger;
      head = 0;
    }
    ring[(head + size) % ring.length] = event;
    size++;
  }

  long lastSeq() {
    lock.lock();
    try {
      return lastSeq;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The oldest position a stream may resume from. Like a real server, which needs the resume
   * token's own oplog entry, this is the oldest retained event once any event was forgotten.
   */
  long oldestResumablePosition() {
    lock.lock();
    try {
      return lastEvictedTime == null ? 0 : lastSeq - size + 1;
    } finally {
      lock.unlock();
    }
  }

  /** The retained event with this sequence number, or null. */
  ChangeEvent get(long seq) {
    lock.lock();
    try {
      long first = lastSeq - size + 1;
      if (seq < first || seq > lastSeq) {
        return null;
      }
      return ring[(int) ((head + (seq - first)) % ring.length)];
    } finally {
      lock.unlock();
    }
  }

  /**
   * Up to {@code max} events after position {@code after}.
   *
   * @throws HistoryLostException when events after {@code after} were already forgotten
   */
  List<ChangeEvent> readAfter(long after, int max) {
    lock.lock();
    try {
      long first = lastSeq - size + 1;
      if (after < first - 1) {
        throw new HistoryLostException();
      }
      int n = (int) Math.min(max, lastSeq - after);
      List<ChangeEvent> out = new ArrayList<>(Math.max(n, 0));
      for (long s = after + 1; s <= after + n; s++) {
        out.add(ring[(int) ((head + (s - first)) % ring.length)]);
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until an event after {@code after} exists or the time is up; true if one exists. */
  boolean awaitAfter(long after, long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = timeoutNanos;
      while (lastSeq <= after) {
        if (left <= 0) {
          return false;
        }
        left = appended.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The position just before the first event at or after {@code time} (startAtOperationTime is
   * inclusive).
   *
   * @throws HistoryLostException when events at or after {@code time} were already forgotten
   */
  long positionBefore(BsonTimestamp time) {
    lock.lock();
    try {
      if (lastEvictedTime != null && time.compareTo(lastEvictedTime) <= 0) {
        throw new HistoryLostException();
      }
      long first = lastSeq - size + 1;
      int lo = 0;
      int hi = size;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (ring[(head + mid) % ring.length].clusterTime().compareTo(time) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return first + lo - 1;
    } finally {
      lock.unlock();
    }
  }

  /** The resume point is older than the retained history. */
  static final class HistoryLostException extends RuntimeException {
    HistoryLostException() {
      super(null, null, false, false);
    }
  }

  static long toNanos(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
