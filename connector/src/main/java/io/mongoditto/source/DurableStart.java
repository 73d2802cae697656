package io.mongoditto.source;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a stream position durable before anything read after it is handed on: the position a first
 * copy streams from (taken before the copy), and the "now" a collection under startup mode latest
 * streams from. Without this, a task killed before the runtime stored any offset starts over with a
 * position taken later: a copied document deleted (or whose mapped id changed) in between keeps its
 * stale copy in Ditto, and under latest the changes in between are never read.
 *
 * <p>How: one record (on the heartbeat topic) carries the position as its offset; reading goes on
 * only once that offset can be read back from the runtime's offset storage. Reading it back is what
 * proves it durable, in Connect (the reader reads the offsets topic to its end) and in Debezium's
 * embedded engine (its file store is updated by the flush), without relying on when either calls
 * {@code SourceTask.commit()}. The record is handed on again now and then while waiting, because an
 * engine that commits offsets only after a processed batch (Debezium's) would otherwise never flush
 * it.
 */
final class DurableStart {

  private static final Logger log = LoggerFactory.getLogger(DurableStart.class);
  // The reader waits for these: short, because reading a stored offset back is cheap (one read to
  // the end of the offsets topic, or the engine's in-memory store) and an embedded engine flushes
  // only after a batch, so a record resent late delays the copy by that much (1.5 s of 6 s in the
  // embedded initial sync benchmark with 1 s checks). Growing gently bounds the load while a
  // Connect worker's offset flush (every offset.flush.interval.ms, default 60 s) is awaited.
  private static final long FIRST_CHECK_MS = 25;
  private static final long MAX_CHECK_MS = 250;
  private static final long FIRST_RESEND_MS = 200;
  private static final long MAX_RESEND_MS = 2_000;

  private final OffsetStorageReader offsets;
  private final Map<String, String> partition;
  private final String namespace;

  /**
   * @param offsets the runtime's offset storage, or null to not wait (nothing stores offsets)
   */
  DurableStart(OffsetStorageReader offsets, Map<String, String> partition, String namespace) {
    this.offsets = offsets;
    this.partition = partition;
    this.namespace = namespace;
  }

  /**
   * Hands on {@code position} through {@code publisher} and returns once the runtime stored it;
   * false when {@code running} turned false first.
   *
   * @param before what waits for it, for the log ("copying", "streaming")
   */
  boolean store(
      SourceOffset position, CollectionPublisher publisher, BooleanSupplier running, String before)
      throws InterruptedException {
    if (offsets == null) {
      return true;
    }
    long began = System.nanoTime();
    log.info(
        "{}: storing the stream position before {} (waits for the next offset flush)",
        namespace,
        before);
    long check = FIRST_CHECK_MS;
    long resend = FIRST_RESEND_MS;
    long nextSend = 0;
    while (running.getAsBoolean()) {
      long now = System.nanoTime();
      if (now - nextSend >= 0) {
        if (!publisher.position(position)) {
          return false;
        }
        nextSend = now + TimeUnit.MILLISECONDS.toNanos(resend);
        resend = Math.min(resend * 3 / 2, MAX_RESEND_MS);
      }
      Thread.sleep(check);
      check = Math.min(check * 3 / 2, MAX_CHECK_MS);
      if (stored(position)) {
        log.info(
            "{}: stream position stored after {} ms; {}",
            namespace,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
            before);
        return true;
      }
    }
    return false;
  }

  private boolean stored(SourceOffset position) {
    try {
      SourceOffset stored = SourceOffset.parse(offsets.offset(partition));
      return stored != null
          && stored.getClass() == position.getClass()
          && position.streamPosition().equals(stored.streamPosition());
    } catch (RuntimeException e) {
      // A reader closed by a stopping task, or a passing read failure: look again (the caller
      // stops waiting once the task stops).
      log.debug("Reading the stored offset of {} failed: {}", namespace, e.toString());
      return false;
    }
  }
}
