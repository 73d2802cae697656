package io.mongoditto.mapping;

import de.bwaldvogel.mongo.backend.DefaultQueryMatcher;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonJavaScript;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.LegacyUUID;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A {@link QueryFilter.QueryMatcher} backed by mongo-java-server's query matcher ({@code
 * DefaultQueryMatcher}, a maintained implementation of MongoDB's query semantics: comparison across
 * numeric types, array element matching, dotted paths through arrays, {@code $elemMatch}, {@code
 * $type} aliases, regex options, ...). Only the matcher is used: no server, no network.
 *
 * <p>Documents are converted value by value to the types mongo-java-server's own BSON decoder
 * produces (Instant for dates, UUID for binary subtype 4, LegacyUUID for subtype 3, BinData for
 * other binaries, ...), so the matcher sees exactly what it sees inside its server. Thread-safe: a
 * matcher is created per evaluation because {@code DefaultQueryMatcher} keeps per-call state.
 */
public final class MongoJavaServerMatcher implements QueryFilter.QueryMatcher {

  public static final MongoJavaServerMatcher INSTANCE = new MongoJavaServerMatcher();

  @Override
  public boolean matches(BsonDocument document, BsonDocument query) {
    return new DefaultQueryMatcher().matches(toDocument(document), toDocument(query));
  }

  /**
   * A filter for one query, evaluated as {@link #matches} does, without its per-document copies:
   * the query is converted once (the matcher clones what it takes apart, so it never changes it),
   * and of each document only the top-level fields the query names ({@code fields}, see {@link
   * QueryFilter#topLevelFields}) are converted, as the matcher looks at nothing else.
   */
  static DocumentFilter filter(BsonDocument query, java.util.Set<String> fields) {
    Document converted = toDocument(query);
    return doc -> new DefaultQueryMatcher().matches(toDocument(doc, fields), converted);
  }

  private static Document toDocument(BsonDocument doc, java.util.Set<String> fields) {
    Document out = new Document();
    for (String field : fields) {
      BsonValue v = doc.get(field);
      if (v != null) {
        out.put(field, toValue(v));
      }
    }
    return out;
  }

  static Document toDocument(BsonDocument doc) {
    Document out = new Document();
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      out.put(e.getKey(), toValue(e.getValue()));
    }
    return out;
  }

  private static Object toValue(BsonValue v) {
    return switch (v.getBsonType()) {
      case DOCUMENT -> toDocument(v.asDocument());
      case ARRAY -> {
        List<Object> list = new ArrayList<>(v.asArray().size());
        v.asArray().forEach(element -> list.add(toValue(element)));
        yield list;
      }
      case DOUBLE -> v.asDouble().getValue();
      case STRING -> v.asString().getValue();
      case SYMBOL -> v.asSymbol().getSymbol();
      case INT32 -> v.asInt32().getValue();
      case INT64 -> v.asInt64().getValue();
      case DECIMAL128 -> {
        org.bson.types.Decimal128 d = v.asDecimal128().getValue();
        yield new Decimal128(d.getLow(), d.getHigh());
      }
      case BOOLEAN -> v.asBoolean().getValue();
      case DATE_TIME -> Instant.ofEpochMilli(v.asDateTime().getValue());
      case TIMESTAMP -> new BsonTimestamp(v.asTimestamp().getValue());
      case OBJECT_ID -> new ObjectId(v.asObjectId().getValue().toByteArray());
      case BINARY -> binary(v.asBinary());
      case REGULAR_EXPRESSION ->
          new BsonRegularExpression(
              v.asRegularExpression().getPattern(), v.asRegularExpression().getOptions());
      case JAVASCRIPT -> new BsonJavaScript(v.asJavaScript().getCode());
      case JAVASCRIPT_WITH_SCOPE -> new BsonJavaScript(v.asJavaScriptWithScope().getCode());
      case DB_POINTER ->
          new Document("$ref", v.asDBPointer().getNamespace())
              .append("$id", new ObjectId(v.asDBPointer().getId().toByteArray()));
      case MIN_KEY -> MinKey.getInstance();
      case MAX_KEY -> MaxKey.getInstance();
      // undefined (deprecated) compares like null in MongoDB's equality to null
      case NULL, UNDEFINED, END_OF_DOCUMENT -> null;
    };
  }

  /**
   * As mongo-java-server decodes binaries; other subtypes (its decoder rejects them) become
   * BinData.
   */
  private static Object binary(BsonBinary b) {
    byte[] data = b.getData();
    if (data.length == 16 && b.getType() == BsonBinarySubType.UUID_STANDARD.getValue()) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      return new UUID(buf.getLong(), buf.getLong());
    }
    if (data.length == 16 && b.getType() == BsonBinarySubType.UUID_LEGACY.getValue()) {
      ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      return new LegacyUUID(buf.getLong(), buf.getLong());
    }
    return new BinData(data);
  }
}
