package io.mongoditto.source;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The bounded hand-over between the change stream readers (one thread each) and {@code poll()}: a
 * full buffer blocks the readers, so reading MongoDB and producing to Kafka overlap without
 * unbounded memory. A reader that hits a fatal condition records it here, in line with the records:
 * {@code poll()} hands out what was put before it, then throws it, without waiting for what other
 * readers put after it (a long copy of another collection would otherwise hide it for hours).
 */
final class SourceBuffer {

  private static final long SLICE_MS = 100;

  /** Where the failure stands among the records; never handed out. */
  private static final SourceRecord FAILURE = new SourceRecord(null, null, "", null, null);

  private final BlockingQueue<SourceRecord> queue = new LinkedBlockingQueue<>();

  /** Free places for records; the failure's place needs none, so it is never held up. */
  private final Semaphore free;

  private final AtomicReference<ConnectException> failure = new AtomicReference<>();
  private volatile boolean failureReached;
  private volatile boolean closed;

  SourceBuffer(int capacity) {
    this.free = new Semaphore(capacity);
  }

  /** Blocks while the buffer is full; false when the buffer was closed meanwhile. */
  boolean put(SourceRecord record) throws InterruptedException {
    while (!closed) {
      if (free.tryAcquire(SLICE_MS, TimeUnit.MILLISECONDS)) {
        queue.add(record);
        return true;
      }
    }
    return false;
  }

  /**
   * Up to {@code max} records, waiting up to {@code awaitMs} for the first; null when none.
   *
   * @throws ConnectException a reader's failure, once everything put before it was handed out
   */
  List<SourceRecord> poll(int max, long awaitMs) throws InterruptedException {
    ConnectException failed = failure.get();
    if (failed != null && failureReached) {
      throw failed;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(awaitMs);
    SourceRecord first = queue.poll();
    while (first == null) {
      failed = failure.get();
      if (failed != null) {
        throw failed; // nothing before it is left
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (closed || left <= 0) {
        return null;
      }
      first = queue.poll(Math.min(left, SLICE_MS), TimeUnit.MILLISECONDS);
    }
    List<SourceRecord> out = new ArrayList<>(Math.min(max, queue.size() + 1));
    out.add(first);
    queue.drainTo(out, max - 1);
    int at = out.indexOf(FAILURE);
    if (at < 0) {
      free.release(out.size());
      return out;
    }
    // What came after the failure is not handed out: the task fails, and as its offsets are not
    // committed, a restart reads it again.
    failureReached = true;
    free.release(out.size() - 1);
    out.subList(at, out.size()).clear();
    if (out.isEmpty()) {
      throw failure.get();
    }
    return out;
  }

  /**
   * Keeps the first failure (it is the cause, later ones are consequences), placed after the
   * records put so far.
   */
  void fail(ConnectException e) {
    if (failure.compareAndSet(null, e)) {
      queue.add(FAILURE);
    }
  }

  boolean failed() {
    return failure.get() != null;
  }

  void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  /** Records waiting for {@code poll()}. */
  int size() {
    int n = queue.size();
    return failure.get() != null && !failureReached ? Math.max(0, n - 1) : n;
  }
}
