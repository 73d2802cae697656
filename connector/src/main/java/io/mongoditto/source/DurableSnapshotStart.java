package io.mongoditto.source;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the stream position of a first copy durable before any of the copy's records is handed on.
 * Without this, a task killed after its first snapshot records reached Kafka but before the runtime
 * stored an offset starts over with a position taken later: a document the first attempt copied and
 * that was deleted (or whose mapped id changed) in between has its change before that new position
 * and stays in Ditto.
 *
 * <p>How: one record (on the heartbeat topic) carries the offset {start position, nothing copied};
 * the copy begins only once that offset can be read back from the runtime's offset storage. Reading
 * it back is what proves it durable, in Connect (the reader reads the offsets topic to its end) and
 * in Debezium's embedded engine (its file store is updated by the flush), without relying on when
 * either calls {@code SourceTask.commit()}. The record is handed on again now and then while
 * waiting, because an engine that commits offsets only after a processed batch (Debezium's) would
 * otherwise never flush it.
 */
final class DurableSnapshotStart {

  private static final Logger log = LoggerFactory.getLogger(DurableSnapshotStart.class);
  // The copy waits for these: short, because reading a stored offset back is cheap (one read to
  // the end of the offsets topic, or the engine's in-memory store) and an embedded engine flushes
  // only after a batch, so a marker resent late delays the copy by that much (1.5 s of 6 s in the
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
  DurableSnapshotStart(
      OffsetStorageReader offsets, Map<String, String> partition, String namespace) {
    this.offsets = offsets;
    this.partition = partition;
    this.namespace = namespace;
  }

  /**
   * Hands on {@code marker} (a record whose offset holds {@code startToken} and nothing copied) and
   * returns once the runtime stored that offset; false when {@code running} turned false first.
   *
   * @param handOn puts a record into the task's buffer; false when the task is stopping
   */
  boolean store(
      BsonDocument startToken,
      Supplier<SourceRecord> marker,
      RecordSink handOn,
      BooleanSupplier running)
      throws InterruptedException {
    if (offsets == null) {
      return true;
    }
    long began = System.nanoTime();
    log.info(
        "Snapshot of {}: storing the stream position before copying (waits for the next offset flush)",
        namespace);
    long check = FIRST_CHECK_MS;
    long resend = FIRST_RESEND_MS;
    long nextSend = 0;
    while (running.getAsBoolean()) {
      long now = System.nanoTime();
      if (now - nextSend >= 0) {
        if (!handOn.put(marker.get())) {
          return false;
        }
        nextSend = now + TimeUnit.MILLISECONDS.toNanos(resend);
        resend = Math.min(resend * 3 / 2, MAX_RESEND_MS);
      }
      Thread.sleep(check);
      check = Math.min(check * 3 / 2, MAX_CHECK_MS);
      if (stored(startToken)) {
        log.info(
            "Snapshot of {}: stream position stored after {} ms; copying",
            namespace,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        return true;
      }
    }
    return false;
  }

  private boolean stored(BsonDocument startToken) {
    try {
      Map<String, Object> offset = offsets.offset(partition);
      return startToken.equals(SourceOffsets.snapshotStartToken(offset));
    } catch (RuntimeException e) {
      // A reader closed by a stopping task, or a passing read failure: look again (the caller
      // stops waiting once the task stops).
      log.debug("Reading the stored offset of {} failed: {}", namespace, e.toString());
      return false;
    }
  }

  /** Where the marker goes: the task's buffer. */
  @FunctionalInterface
  interface RecordSink {
    boolean put(SourceRecord record) throws InterruptedException;
  }
}
