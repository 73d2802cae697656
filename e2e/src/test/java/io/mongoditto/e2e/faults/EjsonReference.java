package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The ejson-mode value table of docs/mapping.md ("Value modes"), taken from MongoDB itself: a
 * value's expected Ditto form is its canonical Extended JSON as the BSON library's own {@code
 * JsonWriter} prints it, read back as a JSON tree. That is MongoDB's specification, not the
 * connector's code (which is free to produce the same tree any way it likes), so a connector that
 * loses a type, a digit or a key shows up as a difference.
 */
final class EjsonReference {

  private static final JsonWriterSettings CANONICAL =
      JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private EjsonReference() {}

  /** The canonical Extended JSON of {@code value}: Strings, Booleans and Null stay as they are. */
  static JsonNode value(BsonValue value) {
    String text = new BsonDocument("v", value).toJson(CANONICAL);
    try {
      return JSON.readTree(text).get("v");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("MongoDB's canonical writer printed no JSON: " + text, e);
    }
  }
}
