package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import java.util.HexFormat;

/**
 * A resume token: {@code {_data: "<hex>"}} like a real server's (drivers treat it as opaque). It
 * names the server run, a position in the {@link ChangeEventLog} and that event's cluster time, so
 * a token is checked exactly instead of being replayed from somewhere.
 *
 * @param position the log sequence number of the event (or of the last event a batch scanned)
 * @param invalidate true for the token of a synthetic invalidate event
 */
record ResumeToken(int runId, long position, long clusterTime, boolean invalidate) {

  private static final String VERSION = "82";
  private static final int LENGTH = 2 + 8 + 16 + 16 + 2;

  static ResumeToken of(ChangeEventLog log, long position, BsonTimestamp time, boolean invalidate) {
    return new ResumeToken(log.runId(), position, time == null ? 0 : time.getValue(), invalidate);
  }

  Document toDocument() {
    HexFormat hex = HexFormat.of().withUpperCase();
    String data = VERSION + hex.toHexDigits(runId) + hex.toHexDigits(clusterTime)
        + hex.toHexDigits(position) + (invalidate ? "01" : "00");
    return new Document("_data", data);
  }

  /** Parses a token; null when it is not one of ours (the caller reports InvalidResumeToken). */
  static ResumeToken parse(Object token) {
    if (!(token instanceof Document doc) || !(doc.get("_data") instanceof String data)
        || doc.size() != 1 || data.length() != LENGTH || !data.startsWith(VERSION)) {
      return null;
    }
    try {
      HexFormat hex = HexFormat.of();
      int run = hex.fromHexDigits(data, 2, 10);
      long time = hex.fromHexDigitsToLong(data, 10, 26);
      long position = hex.fromHexDigitsToLong(data, 26, 42);
      String flag = data.substring(42);
      if (position < 0 || !(flag.equals("00") || flag.equals("01"))) {
        return null;
      }
      return new ResumeToken(run, position, time, flag.equals("01"));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
