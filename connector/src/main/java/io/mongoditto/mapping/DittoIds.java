package io.mongoditto.mapping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Derives the Ditto {@code _id} of a MongoDB document according to the collection's {@link IdMode}.
 * Id values convert like any other value (ObjectId to hex, UUID to its string, numbers stay
 * numbers); a value that would be left out of the document cannot be an id.
 */
public final class DittoIds {

  static final String MONGO_ID = "_id";

  private static final JsonWriterSettings RELAXED =
      JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

  private final CollectionMapping mapping;
  private final ValueConverter converter;

  public DittoIds(CollectionMapping mapping) {
    this.mapping = mapping;
    // Id conversion never omits (an omitted id is an error), so its stats are never touched.
    this.converter = ValueConverter.of(mapping.mode(), new ConversionStats());
  }

  /** The top-level fields the Ditto id is made of (just {@code _id} for MATCH_IDS). */
  public List<String> idFields() {
    return mapping.idMode() == IdMode.MATCH_IDS ? List.of(MONGO_ID) : mapping.idFields();
  }

  /** Whether {@code doc} holds every field the id is made of (a documentKey may hold only _id). */
  public boolean hasIdFields(BsonDocument doc) {
    for (String field : idFields()) {
      if (!doc.containsKey(field)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The Ditto id of {@code doc}: a String, a Long, a Double, a Boolean, or for MULTIPLE_FIELDS a
   * {@link LinkedHashMap} of the fields in configured order.
   *
   * @throws MappingException naming the field when it is missing, null, an array, not convertible
   *     or (MATCH_IDS) an embedded document
   */
  Object idOf(BsonDocument doc) {
    switch (mapping.idMode()) {
      case MATCH_IDS:
        {
          BsonValue id = doc.get(MONGO_ID);
          if (id != null && id.isDocument()) {
            throw new MappingException(
                MONGO_ID,
                "match_ids needs a scalar _id, but it is an embedded document; use single_field or"
                    + " multiple_fields");
          }
          return idValue(MONGO_ID, id, "match_ids");
        }
      case SINGLE_FIELD:
        {
          String field = mapping.idFields().get(0);
          return idValue(field, doc.get(field), "single_field");
        }
      case MULTIPLE_FIELDS:
        {
          Map<String, Object> id = new LinkedHashMap<>();
          for (String field : mapping.idFields()) {
            id.put(field, idValue(field, doc.get(field), "multiple_fields"));
          }
          return id;
        }
      default:
        throw new IllegalStateException("unknown id mode " + mapping.idMode());
    }
  }

  private Object idValue(String field, BsonValue value, String mode) {
    if (value == null) {
      throw new MappingException(
          field, "id field is missing (" + mode + " needs it in every document)");
    }
    if (value.isNull()) {
      throw new MappingException(field, "id field is null (Ditto rejects a null _id)");
    }
    if (value.isArray()) {
      throw new MappingException(field, "id field is an array, which cannot be a Ditto _id");
    }
    if (converter.omits(value)) {
      throw new MappingException(
          field,
          "id field has BSON type "
              + value.getBsonType()
              + ", which Ditto's JSON mode does not carry");
    }
    return converter.value(value, field);
  }

  /**
   * The Mongo {@code _id} as relaxed Extended JSON text (for errors, logs and the change's
   * sourceId).
   */
  public static String sourceId(BsonValue mongoId) {
    if (mongoId == null) {
      return null;
    }
    String fast = ShortJson.value(mongoId);
    if (fast != null) {
      return fast;
    }
    // Relaxed mode writes 32- and 64-bit integers as plain numbers.
    if (mongoId.isInt32()) {
      return Integer.toString(mongoId.asInt32().getValue());
    }
    if (mongoId.isInt64()) {
      return Long.toString(mongoId.asInt64().getValue());
    }
    String json = new BsonDocument(MONGO_ID, mongoId).toJson(RELAXED);
    // {"_id": <value>} -> <value>
    return json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
  }
}
