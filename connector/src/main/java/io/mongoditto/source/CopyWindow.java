package io.mongoditto.source;

import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The stretch of a collection's change stream that a copy overlapped: from the position taken
 * before the copy began (where the stream resumes) up to the position taken when it ended. A change
 * the Ditto -> MongoDB direction made in this stretch may be older in Ditto than the copy's record
 * of its document, which holds MongoDB's state from before it and reaches Ditto after the device's
 * write: such changes are written to Ditto as what they changed rather than skipped as echoes
 * (docs/mapping.md, "Echoes"). They follow the copy's records in the topic, so Ditto ends with
 * MongoDB's current state.
 *
 * <p>The window closes for good at the first event past its end, or when a read comes up empty at a
 * position not before the end. Positions are compared by their {@code _data} text, which orders
 * resume tokens (hex of an order-preserving key); where a position has none, the first empty read
 * closes the window (the stream had read everything up to then). The end travels in the stream's
 * offsets while the window is open ({@link SourceOffsets#COPY_END_TOKEN}), so a restart in the
 * middle of the catch-up reopens it ({@link #resumed}).
 */
final class CopyWindow {

  private BsonDocument end;

  private CopyWindow(BsonDocument end) {
    this.end = end;
  }

  /**
   * The window a stored stream offset was catching up over, if any: a restart continues it.
   *
   * @param stored the offset the reader starts from, or null
   */
  static CopyWindow resumed(SourceOffset stored) {
    return stored instanceof SourceOffset.Stream s && s.copyEnd() != null
        ? new CopyWindow(s.copyEnd())
        : none();
  }

  /** No copy ran, or its window is over. */
  static CopyWindow none() {
    return new CopyWindow(null);
  }

  /**
   * @param end the stream position taken once the copy ended; null (the server gave none) opens a
   *     window that only catching up closes
   */
  static CopyWindow endingAt(BsonDocument end) {
    return new CopyWindow(end == null ? new BsonDocument() : end);
  }

  /**
   * Whether the event at {@code position} happened before the copy ended. The first event past the
   * end closes the window.
   */
  boolean covers(BsonDocument position) {
    if (end == null) {
      return false;
    }
    String endData = data(end);
    String at = data(position);
    if (endData != null && at != null && at.compareToIgnoreCase(endData) > 0) {
      end = null;
      return false;
    }
    return true;
  }

  /**
   * A read came up empty with the stream at {@code position} (its postBatchResumeToken, or the last
   * event's token; null when unknown): the window closes unless that is known to be before the end.
   */
  void idleAt(BsonDocument position) {
    if (end == null) {
      return;
    }
    String endData = data(end);
    String at = data(position);
    if (endData == null || at == null || at.compareToIgnoreCase(endData) >= 0) {
      end = null;
    }
  }

  boolean open() {
    return end != null;
  }

  /** A stream offset at {@code position} that keeps this window while it is open. */
  SourceOffset.Stream offset(BsonDocument position) {
    return SourceOffset.stream(position, end);
  }

  private static String data(BsonDocument token) {
    BsonValue data = token == null ? null : token.get("_data");
    return data != null && data.isString() ? data.asString().getValue() : null;
  }
}
