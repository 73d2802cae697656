package io.mongoditto.localmongo;

import com.mongodb.client.MongoCursor;
import org.bson.BsonDocument;

/** Test helpers for reading change streams. */
final class Streams {

  /** A guard against hanging forever, not a measured expectation. */
  private static final long GUARD_MILLIS = 15_000;

  private Streams() {}

  /** The next event, polling with tryNext (each getMore waits server-side up to maxAwaitTime). */
  static BsonDocument next(MongoCursor<BsonDocument> cursor) {
    long deadline = System.currentTimeMillis() + GUARD_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      BsonDocument event = cursor.tryNext();
      if (event != null) {
        return event;
      }
    }
    throw new AssertionError("no change event arrived within " + GUARD_MILLIS + " ms");
  }
}
