package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * What Ditto must hold for one MongoDB document of a collection, written from docs/mapping.md
 * ("Ditto _id modes", "Value modes", "BSON to Ditto JSON (json mode)", "Filters", "Field
 * transformations") and nothing else: it shares no code with the connector's mapper, so a mapping
 * bug that snapshot and stream share shows up as a difference instead of being expected.
 *
 * <p>It covers what the fault suite's documents hold (the Zava workload and the poison and edge
 * documents); in json mode a BSON type it does not know is a test failure, not a guess. In ejson
 * mode every value, ids included, is what MongoDB's canonical writer prints ({@link
 * EjsonReference}).
 *
 * @param idField the single_field id field, or null for match_ids
 * @param filter which documents belong in Ditto (the collection's filter, written out in Java)
 * @param excluded top-level fields that never reach Ditto
 * @param ejson whether the collection runs in ejson mode ({@code collection.<name>.mode=ejson})
 */
record ReferenceMapping(
    String idField, Predicate<BsonDocument> filter, List<String> excluded, boolean ejson) {

  /** The expected Ditto document, or why the document is refused, or that it is filtered out. */
  record Expected(String dittoId, JsonNode document, String refusal) {
    static Expected refused(String why) {
      return new Expected(null, null, why);
    }

    boolean filteredOut() {
      return dittoId == null && refusal == null;
    }
  }

  /** Ditto's hard limit for one document's JSON (docs/mapping.md). */
  static final int MAX_BYTES = 5_242_880;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper SORTED =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  static ReferenceMapping matchIds() {
    return new ReferenceMapping(null, d -> true, List.of(), false);
  }

  static ReferenceMapping singleField(String field) {
    return new ReferenceMapping(field, d -> true, List.of(), false);
  }

  ReferenceMapping filtered(Predicate<BsonDocument> documentFilter, List<String> fields) {
    return new ReferenceMapping(idField, documentFilter, fields, ejson);
  }

  /** The same collection in ejson mode. */
  ReferenceMapping inEjsonMode() {
    return new ReferenceMapping(idField, filter, excluded, true);
  }

  /**
   * One text per Ditto {@code _id}, to match expected and actual documents by: a string, number or
   * boolean id as its text (as before ejson mode), an object id (ejson's {@code {"$oid": ...}},
   * multiple_fields) as JSON with its keys sorted, so key order does not matter.
   */
  static String idKey(JsonNode id) {
    if (!id.isContainerNode()) {
      return id.asText();
    }
    try {
      return SORTED.writeValueAsString(JSON.treeToValue(id, Object.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an id that is no JSON: " + id, e);
    }
  }

  Expected map(BsonDocument doc) {
    if (!filter.test(doc)) {
      return new Expected(null, null, null);
    }
    String idName = idField == null ? "_id" : idField;
    BsonValue id = doc.get(idName);
    if (id == null) {
      return Expected.refused(idName + " is missing");
    }
    if (id.isNull()) {
      return Expected.refused(idName + " is null");
    }
    if (id.isArray()) {
      return Expected.refused(idName + " is an array");
    }
    if (id.isDocument()) {
      return Expected.refused(idName + " is an embedded document");
    }
    ObjectNode body = NODES.objectNode();
    try {
      JsonNode dittoId = convert(idName, id);
      if (dittoId == null) {
        return Expected.refused(idName + " has a type Ditto does not carry");
      }
      body.set("_id", dittoId);
      for (Map.Entry<String, BsonValue> field : doc.entrySet()) {
        String name = field.getKey();
        // the Mongo _id is not copied under single_field (no keepMongoId in the Zava configs)
        if (name.equals("_id") || excluded.contains(name)) {
          continue;
        }
        JsonNode converted = convert(name, field.getValue());
        if (converted != null) {
          body.set(name, converted);
        }
      }
    } catch (IllegalArgumentException unconvertible) {
      return Expected.refused(unconvertible.getMessage());
    }
    int bytes = JSON.valueToTree(body).toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return Expected.refused("the mapped document is " + bytes + " bytes, over 5 MiB");
    }
    return new Expected(idKey(body.get("_id")), body, null);
  }

  /** A value in the collection's mode; null for a value that is left out. */
  private JsonNode convert(String path, BsonValue v) {
    return ejson ? EjsonReference.value(v) : value(path, v);
  }

  /** The json-mode table; null for a value that is left out. */
  private static JsonNode value(String path, BsonValue v) {
    switch (v.getBsonType()) {
      case DOUBLE:
        double d = v.asDouble().getValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException(path + " is " + d + ", which JSON cannot hold");
        }
        return NODES.numberNode(d);
      case INT32:
        return NODES.numberNode(v.asInt32().getValue());
      case INT64:
        return NODES.numberNode(v.asInt64().getValue());
      case DECIMAL128:
        return NODES.textNode(v.asDecimal128().getValue().toString());
      case STRING:
        return NODES.textNode(v.asString().getValue());
      case BOOLEAN:
        return NODES.booleanNode(v.asBoolean().getValue());
      case NULL:
        return NODES.nullNode();
      case OBJECT_ID:
        return NODES.textNode(v.asObjectId().getValue().toHexString());
      case DATE_TIME:
        return NODES.textNode(ISO_MILLIS.format(Instant.ofEpochMilli(v.asDateTime().getValue())));
      case BINARY:
        BsonBinary b = v.asBinary();
        if (b.getType() == BsonBinarySubType.UUID_STANDARD.getValue() && b.getData().length == 16) {
          java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(b.getData());
          return NODES.textNode(new UUID(bytes.getLong(), bytes.getLong()).toString());
        }
        return null;
      case DOCUMENT:
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<String, BsonValue> e : v.asDocument().entrySet()) {
          JsonNode c = value(path + "." + e.getKey(), e.getValue());
          if (c != null) {
            o.set(e.getKey(), c);
          }
        }
        return o;
      case ARRAY:
        ArrayNode a = NODES.arrayNode();
        int i = 0;
        for (BsonValue e : v.asArray()) {
          JsonNode c = value(path + "." + i++, e);
          if (c != null) {
            a.add(c);
          }
        }
        return a;
      default:
        throw new IllegalStateException(
            "the reference mapping does not know BSON type "
                + v.getBsonType()
                + " (at "
                + path
                + ")");
    }
  }
}
