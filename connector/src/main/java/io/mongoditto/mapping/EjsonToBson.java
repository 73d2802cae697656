package io.mongoditto.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonParseException;

/**
 * Ditto values back to BSON in the collection's "ejson" mode: an Extended JSON object ({@code
 * {"$numberLong": "7"}}, {@code {"$date": ...}}, any object whose keys all start with {@code $}) is
 * read exactly by the driver's own parser, so every type comes back as it was. A plain value a
 * device wrote without a wrapper (a bare number, an ISO date string) follows the json mode's rules
 * ({@link JsonToBson}), which keep the MongoDB field's type when the value fits it.
 */
public final class EjsonToBson implements DittoToBson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BsonToEjson forward = new BsonToEjson();
  private final JsonToBson plain = new JsonToBson();

  @Override
  public BsonValue value(Object v, BsonValue hint, String path) {
    if (hint != null && mapsTo(hint, v, path)) {
      return hint;
    }
    if (v instanceof Map<?, ?> m) {
      return isWrapper(m)
          ? parse(m, path)
          : Documents.fromDitto(m, hint, path, this, nothing -> false);
    }
    if (v instanceof List<?> l) {
      return Documents.arrayFromDitto(l, hint, path, this);
    }
    return plain.value(v, hint, path);
  }

  /** Whether a map is one Extended JSON value ({@code {"$oid": ...}}) rather than a document. */
  static boolean isWrapper(Map<?, ?> m) {
    if (m.isEmpty()) {
      return false;
    }
    for (Object key : m.keySet()) {
      if (!(key instanceof String s) || !s.startsWith("$")) {
        return false;
      }
    }
    return true;
  }

  private boolean mapsTo(BsonValue hint, Object v, String path) {
    try {
      return DittoValues.same(forward.value(hint, path), v);
    } catch (MappingException notMappable) {
      return false;
    }
  }

  private static BsonValue parse(Map<?, ?> wrapper, String path) {
    try {
      String json = JSON.writeValueAsString(Map.of("v", wrapper));
      return BsonDocument.parse(json).get("v");
    } catch (JsonProcessingException | JsonParseException | IllegalArgumentException e) {
      throw new MappingException(
          path, "is not valid Extended JSON (" + wrapper + "): " + e.getMessage());
    }
  }
}
