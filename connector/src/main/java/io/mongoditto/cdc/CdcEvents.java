package io.mongoditto.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a CDC message however it reached the consumer: JSON text (StringConverter), bytes
 * (ByteArrayConverter) or the map the schemaless JsonConverter makes. Accepts each spelling Ditto's
 * documentation has shown: {@code txnId} or {@code txnID}; {@code upsert} or {@code update}; a
 * removed document under {@code value} or {@code oldValue}.
 */
public final class CdcEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CdcEvents() {}

  /**
   * @return the event, or null for a message of another type (counted and skipped by callers)
   * @throws InvalidCdcEventException naming what is missing or malformed
   */
  public static CdcEvent parse(Object message) {
    Map<?, ?> map = asMap(message);
    Object typeValue = map.get("type");
    if (!(typeValue instanceof String type)) {
      throw new InvalidCdcEventException("field 'type' is missing or not a string");
    }
    long txnId = txnId(map);
    switch (type) {
      case "requeryRequired", "RequeryRequired" -> {
        return CdcEvent.requery(txnId);
      }
      case "documentChanged" -> {
        return documentChanged(map, txnId);
      }
      default -> {
        return null;
      }
    }
  }

  private static CdcEvent documentChanged(Map<?, ?> map, long txnId) {
    if (!(map.get("collection") instanceof String collection) || collection.isEmpty()) {
      throw new InvalidCdcEventException("field 'collection' is missing or empty");
    }
    if (!(map.get("change") instanceof Map<?, ?> change)) {
      throw new InvalidCdcEventException("field 'change' is missing or not an object");
    }
    if (!(change.get("method") instanceof String method)) {
      throw new InvalidCdcEventException("field 'change.method' is missing");
    }
    switch (method.toLowerCase(Locale.ROOT)) {
      case "upsert", "update", "insert" -> {
        Map<String, Object> after = document(change, "newValue", true);
        Map<String, Object> before = document(change, "oldValue", false);
        return new CdcEvent(txnId, CdcEvent.Type.DOCUMENT_CHANGED, collection, before, after);
      }
      case "remove", "delete" -> {
        Map<String, Object> removed =
            change.containsKey("value")
                ? document(change, "value", true)
                : document(change, "oldValue", true);
        return new CdcEvent(txnId, CdcEvent.Type.DOCUMENT_CHANGED, collection, removed, null);
      }
      default ->
          throw new InvalidCdcEventException(
              "field 'change.method' is '" + method + "', expected upsert or remove");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> document(Map<?, ?> change, String field, boolean required) {
    Object v = change.get(field);
    if (v == null) {
      if (required) {
        throw new InvalidCdcEventException("field 'change." + field + "' is missing");
      }
      return null;
    }
    if (!(v instanceof Map<?, ?> doc)) {
      throw new InvalidCdcEventException("field 'change." + field + "' is not an object");
    }
    if (doc.get("_id") == null) {
      throw new InvalidCdcEventException("the document in 'change." + field + "' has no _id");
    }
    return (Map<String, Object>) doc;
  }

  private static long txnId(Map<?, ?> map) {
    Object v = map.containsKey("txnId") ? map.get("txnId") : map.get("txnID");
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw new InvalidCdcEventException("field 'txnId' is missing or not a number");
  }

  private static Map<?, ?> asMap(Object message) {
    if (message instanceof Map<?, ?> map) {
      return map;
    }
    String text;
    if (message instanceof String s) {
      text = s;
    } else if (message instanceof byte[] bytes) {
      text = new String(bytes, StandardCharsets.UTF_8);
    } else {
      throw new InvalidCdcEventException(
          "expected JSON text, bytes or a map, got "
              + (message == null ? "null" : message.getClass().getSimpleName()));
    }
    try {
      Object parsed = JSON.readValue(text, Object.class);
      if (parsed instanceof Map<?, ?> map) {
        return map;
      }
      throw new InvalidCdcEventException("the message is JSON but not an object");
    } catch (JsonProcessingException e) {
      throw new InvalidCdcEventException("the message is not JSON: " + e.getOriginalMessage());
    }
  }

  /** A message that is not a CDC event of Ditto's format. */
  public static final class InvalidCdcEventException extends RuntimeException {
    public InvalidCdcEventException(String message) {
      super(message);
    }
  }
}
