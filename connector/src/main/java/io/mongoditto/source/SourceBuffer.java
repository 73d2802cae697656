package io.mongoditto.source;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The bounded hand-over between the change stream readers (one thread each) and {@code poll()}: a
 * full buffer blocks the readers, so reading MongoDB and producing to Kafka overlap without
 * unbounded memory. A reader that hits a fatal condition records it here; {@code poll()} first
 * hands out what was read before, then throws it.
 */
final class SourceBuffer {

  private static final long SLICE_MS = 100;

  private final BlockingQueue<SourceRecord> queue;
  private final AtomicReference<ConnectException> failure = new AtomicReference<>();
  private volatile boolean closed;

  SourceBuffer(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Blocks while the buffer is full; false when the buffer was closed meanwhile. */
  boolean put(SourceRecord record) throws InterruptedException {
    while (!closed) {
      if (queue.offer(record, SLICE_MS, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Up to {@code max} records, waiting up to {@code awaitMs} for the first; null when none.
   *
   * @throws ConnectException a reader's failure, once everything read before it was handed out
   */
  List<SourceRecord> poll(int max, long awaitMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(awaitMs);
    SourceRecord first = queue.poll();
    while (first == null) {
      ConnectException failed = failure.get();
      if (failed != null) {
        throw failed;
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
    return out;
  }

  /** Keeps the first failure: it is the cause, later ones are consequences. */
  void fail(ConnectException e) {
    failure.compareAndSet(null, e);
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

  int size() {
    return queue.size();
  }
}
