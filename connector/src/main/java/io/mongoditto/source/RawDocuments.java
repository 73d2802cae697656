package io.mongoditto.source;

import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * The readers take documents and change events from the driver as raw BSON, so their size (the
 * bytes-read metric) comes with them: measuring a decoded document meant encoding it again, which
 * cost about a fifth of a reader thread's time in a profile.
 */
final class RawDocuments {

  private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

  private RawDocuments() {}

  static BsonDocument decode(RawBsonDocument raw) {
    return raw.decode(CODEC);
  }

  static int size(RawBsonDocument raw) {
    return raw.getByteBuffer().remaining();
  }
}
