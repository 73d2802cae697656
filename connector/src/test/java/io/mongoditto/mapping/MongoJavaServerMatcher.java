package io.mongoditto.mapping;

import de.bwaldvogel.mongo.backend.DefaultQueryMatcher;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * A {@link QueryFilter.QueryMatcher} backed by mongo-java-server's query matcher (an implementation
 * of MongoDB's query semantics), fed through its own BSON decoder so every BSON type arrives as it
 * expects. It lives in the tests because mongo-java-server-core is only on the test classpath; to
 * use it in production, add that artifact (pinned with mongo-java-server) to the connector's
 * dependencies and move this class to main.
 */
final class MongoJavaServerMatcher implements QueryFilter.QueryMatcher {

  @Override
  public boolean matches(BsonDocument document, BsonDocument query) {
    // A matcher per call: DefaultQueryMatcher keeps per-evaluation state (matchPosition).
    return new DefaultQueryMatcher().matches(decode(document), decode(query));
  }

  private static Document decode(BsonDocument doc) {
    RawBsonDocument raw = new RawBsonDocument(doc, new BsonDocumentCodec());
    ByteBuf buf = Unpooled.wrappedBuffer(raw.getByteBuffer().asNIO());
    try {
      return BsonDecoder.decodeBson(buf);
    } finally {
      buf.release();
    }
  }
}
