package io.mongoditto.mapping;

import java.util.Base64;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Extended JSON text of the small values written for every record ({@code _id}s, resume tokens),
 * without a {@link org.bson.json.JsonWriter}: building one per call cost a quarter of the snapshot
 * reader's time in a profile. Covers the common shapes whose text is the same in relaxed and
 * canonical mode (ObjectId, Binary, a String of printable ASCII) and returns null for anything
 * else, so the caller falls back to {@link BsonDocument#toJson}; the text is identical to what that
 * gives.
 */
public final class ShortJson {

  private static final String[] HEX = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"
  };

  private ShortJson() {}

  /**
   * The value as {@code BsonDocument.toJson} writes it inside a document, or null when not covered.
   */
  public static String value(BsonValue v) {
    if (v == null) {
      return null;
    }
    return switch (v.getBsonType()) {
      case OBJECT_ID -> "{\"$oid\": \"" + v.asObjectId().getValue().toHexString() + "\"}";
      case BINARY ->
          "{\"$binary\": {\"base64\": \""
              + Base64.getEncoder().encodeToString(v.asBinary().getData())
              + "\", \"subType\": \""
              + HEX[(v.asBinary().getType() >> 4) & 0xf]
              + HEX[v.asBinary().getType() & 0xf]
              + "\"}}";
      case STRING -> plainString(v.asString().getValue());
      default -> null;
    };
  }

  /**
   * {@code {"<name>": <value>}} as {@code BsonDocument.toJson} writes it, or null when not covered.
   */
  public static String field(String name, BsonValue v) {
    String value = value(v);
    String key = plainString(name);
    return value == null || key == null ? null : "{" + key + ": " + value + "}";
  }

  /** A one-field document as {@code toJson} writes it, or null when not covered. */
  public static String document(BsonDocument doc) {
    if (doc.size() != 1) {
      return null;
    }
    String name = doc.getFirstKey();
    return field(name, doc.get(name));
  }

  /** The quoted string when it needs no escaping (printable ASCII without quote and backslash). */
  private static String plainString(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return null;
      }
    }
    return "\"" + s + "\"";
  }
}
