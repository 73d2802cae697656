package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import java.util.HexFormat;

/**
 * A resume token: {@code {_data: "<hex>"}} like a real server's (drivers treat it as opaque). It
 * names the server run, a position in the {@link ChangeEventLog} and that event's cluster time, so
 * a token is checked exactly instead of being replayed from somewhere.
 *
 * @param position the log sequence number of the event (or of the last entry a batch scanned)
 * @param kind what the token stands for: an event, the invalidate after one, or a
 *     postBatchResumeToken marking how far a stream scanned without an event there
 */
record ResumeToken(int runId, long position, long clusterTime, Kind kind) {

  enum Kind {
    EVENT,
    INVALIDATE,
    HIGH_WATER_MARK
  }

  private static final String VERSION = "82";
  private static final int LENGTH = 2 + 8 + 16 + 16 + 2;

  static ResumeToken of(ChangeEventLog log, long position, BsonTimestamp time, Kind kind) {
    return new ResumeToken(log.runId(), position, time == null ? 0 : time.getValue(), kind);
  }

  boolean invalidate() {
    return kind == Kind.INVALIDATE;
  }

  Document toDocument() {
    HexFormat hex = HexFormat.of().withUpperCase();
    String data =
        VERSION
            + hex.toHexDigits(runId)
            + hex.toHexDigits(clusterTime)
            + hex.toHexDigits(position)
            + hex.toHexDigits((byte) kind.ordinal());
    return new Document("_data", data);
  }

  /** Parses a token; null when it is not one of ours (the caller reports InvalidResumeToken). */
  static ResumeToken parse(Object token) {
    if (!(token instanceof Document doc)
        || !(doc.get("_data") instanceof String data)
        || doc.size() != 1
        || data.length() != LENGTH
        || !data.startsWith(VERSION)) {
      return null;
    }
    try {
      HexFormat hex = HexFormat.of();
      int run = hex.fromHexDigits(data, 2, 10);
      long time = hex.fromHexDigitsToLong(data, 10, 26);
      long position = hex.fromHexDigitsToLong(data, 26, 42);
      int kind = hex.fromHexDigits(data, 42, 44);
      if (position < 0 || kind >= Kind.values().length) {
        return null;
      }
      return new ResumeToken(run, position, time, Kind.values()[kind]);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
