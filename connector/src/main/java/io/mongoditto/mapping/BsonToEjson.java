package io.mongoditto.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * BSON to MongoDB's canonical Extended JSON, as Ditto's connector does in its "ejson" mode: every
 * type is carried ({@code {"$numberLong": "7"}}, {@code {"$oid": "..."}}, {@code {"$date":
 * {"$numberLong": "..."}}}, ...), so the Ditto -> MongoDB direction restores the exact BSON value.
 * The text comes from the driver's own canonical writer, so it is the form {@link EjsonToBson}
 * parses back and the form a MongoDB tool would print.
 */
public final class BsonToEjson implements ValueConverter {

  private static final JsonWriterSettings CANONICAL =
      JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WRAPPER = "v";

  @Override
  public Object value(BsonValue value, String path) {
    switch (value.getBsonType()) {
      case STRING:
        return value.asString().getValue();
      case BOOLEAN:
        return value.asBoolean().getValue();
      case NULL:
        return null;
      default:
        break;
    }
    checkDepth(value, path, 0);
    String json = new BsonDocument(WRAPPER, value).toJson(CANONICAL);
    try {
      return JSON.readValue(json, Map.class).get(WRAPPER);
    } catch (JsonProcessingException e) {
      throw new MappingException(path, "cannot be written as Extended JSON: " + e.getMessage());
    }
  }

  @Override
  public boolean omits(BsonValue value) {
    return false;
  }

  @Override
  public boolean isMapInDitto(BsonValue value) {
    return switch (value.getBsonType()) {
      case STRING, BOOLEAN, NULL, ARRAY -> false;
      default -> true;
    };
  }

  private static void checkDepth(BsonValue value, String path, int depth) {
    if (depth > BsonToDitto.MAX_DEPTH) {
      throw new MappingException(
          path, "nested deeper than " + BsonToDitto.MAX_DEPTH + " levels (MongoDB allows 100)");
    }
    if (value.isDocument()) {
      for (BsonValue v : value.asDocument().values()) {
        checkDepth(v, path, depth + 1);
      }
    } else if (value.isArray()) {
      for (BsonValue v : value.asArray()) {
        checkDepth(v, path, depth + 1);
      }
    }
  }
}
