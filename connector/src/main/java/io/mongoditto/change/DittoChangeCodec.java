package io.mongoditto.change;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts a {@link DittoChange} to and from the schemaless Connect value that travels on Kafka (a
 * Map of Strings, Longs, Doubles, Booleans, Lists and Maps), which the JSON converter with {@code
 * schemas.enable=false} and other schemaless pipelines carry unchanged. The record key is the Ditto
 * {@code _id} itself.
 */
public final class DittoChangeCodec {

  public static final String COLLECTION = "collection";
  public static final String OPERATION = "op";
  public static final String ID = "id";
  public static final String DOCUMENT = "doc";
  public static final String UNSET = "unset";
  public static final String REPLACE = "replace";
  public static final String SOURCE_TIME = "ts";
  public static final String SOURCE_ID = "sourceId";
  public static final String CHANGED = "set";
  public static final String ORIGIN = "origin";

  private DittoChangeCodec() {}

  public static Map<String, Object> toValue(DittoChange change) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put(COLLECTION, change.collection());
    value.put(OPERATION, change.operation().name().toLowerCase(Locale.ROOT));
    value.put(ID, change.id());
    if (change.document() != null) {
      value.put(DOCUMENT, change.document());
    }
    if (!change.unsetPaths().isEmpty()) {
      value.put(UNSET, change.unsetPaths());
    }
    if (change.replace()) {
      value.put(REPLACE, true);
    }
    value.put(SOURCE_TIME, change.sourceTimeMillis());
    if (change.sourceId() != null) {
      value.put(SOURCE_ID, change.sourceId());
    }
    if (change.changedPaths() != null) {
      value.put(CHANGED, change.changedPaths());
    }
    if (change.origin() != null) {
      value.put(ORIGIN, change.origin());
    }
    return value;
  }

  /**
   * Reads a value written by {@link #toValue}, after any number of converter round trips.
   *
   * @throws InvalidChangeException naming the missing or malformed field
   */
  @SuppressWarnings("unchecked")
  public static DittoChange fromValue(Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new InvalidChangeException(
          "expected a map value (schemaless JSON), got "
              + (value == null ? "null" : value.getClass().getSimpleName()));
    }
    String collection = requireString(map, COLLECTION);
    String op = requireString(map, OPERATION);
    Object id = map.get(ID);
    if (id == null) {
      throw new InvalidChangeException("field '" + ID + "' is missing or null");
    }
    DittoChange.Operation operation;
    try {
      operation = DittoChange.Operation.valueOf(op.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidChangeException(
          "field '" + OPERATION + "' is '" + op + "', expected upsert, delete or touch");
    }
    long ts = map.get(SOURCE_TIME) instanceof Number n ? n.longValue() : 0L;
    Object sourceIdValue = map.get(SOURCE_ID);
    String sourceId = sourceIdValue == null ? null : sourceIdValue.toString();
    String origin = map.get(ORIGIN) instanceof String o && !o.isEmpty() ? o : null;
    if (operation == DittoChange.Operation.DELETE) {
      return DittoChange.delete(collection, id, ts, sourceId).withOrigin(origin);
    }
    if (operation == DittoChange.Operation.TOUCH) {
      return DittoChange.touch(collection, id, ts, sourceId).withOrigin(origin);
    }
    Object doc = map.get(DOCUMENT);
    if (!(doc instanceof Map<?, ?>)) {
      throw new InvalidChangeException("an upsert needs field '" + DOCUMENT + "' as an object");
    }
    List<String> unset = paths(map, UNSET);
    boolean replace = Boolean.TRUE.equals(map.get(REPLACE));
    List<String> changed = map.get(CHANGED) == null ? null : paths(map, CHANGED);
    if (changed != null && replace) {
      throw new InvalidChangeException(
          "a record with '" + REPLACE + "' carries no '" + CHANGED + "' paths");
    }
    DittoChange change =
        changed == null
            ? DittoChange.upsert(
                collection, id, (Map<String, Object>) doc, unset, replace, ts, sourceId)
            : DittoChange.delta(
                collection, id, (Map<String, Object>) doc, changed, unset, ts, sourceId);
    return change.withOrigin(origin);
  }

  private static List<String> paths(Map<?, ?> map, String field) {
    List<String> paths = new ArrayList<>();
    Object value = map.get(field);
    if (value instanceof List<?> list) {
      for (Object path : list) {
        paths.add(String.valueOf(path));
      }
    } else if (value != null) {
      throw new InvalidChangeException("field '" + field + "' must be a list of paths");
    }
    return paths;
  }

  private static String requireString(Map<?, ?> map, String field) {
    Object v = map.get(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new InvalidChangeException(
          "field '" + field + "' is missing or not a non-empty string");
    }
    return s;
  }

  /** A value that is not a change this codec wrote. */
  public static final class InvalidChangeException extends RuntimeException {
    public InvalidChangeException(String message) {
      super(message);
    }
  }
}
