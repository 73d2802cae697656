package io.mongoditto.mapping;

import io.mongoditto.mapping.FieldTransforms.Conversion;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * A Ditto document back to the MongoDB document whose forward mapping gives it: renamed fields get
 * their MongoDB names back, converted fields their MongoDB type (a {@code toISOString} text back to
 * the Date it was), excluded fields and values Ditto cannot hold keep MongoDB's value, and every
 * other value goes through the mode's {@link DittoToBson} with the MongoDB value at the same path
 * as its type hint. Pure.
 */
final class ReverseDocument {

  private final FieldTransforms transforms;
  private final DittoToBson values;
  private final ValueConverter forward;

  ReverseDocument(FieldTransforms transforms, ValueMode mode) {
    this.transforms = transforms;
    this.values = DittoToBson.of(mode);
    this.forward = ValueConverter.of(mode, new ConversionStats());
  }

  /**
   * @param ditto the Ditto document's fields (without {@code _id} and metadata)
   * @param original the MongoDB document now, or null for a new one
   * @return the MongoDB document's fields (without {@code _id})
   * @throws MappingException naming the field when a value has no BSON form
   */
  BsonDocument toBson(Map<String, Object> ditto, BsonDocument original) {
    Object mongoShaped = transforms.renames().isEmpty() ? ditto : unrename(ditto, List.of());
    BsonValue out = walk(mongoShaped, List.of(), original, "");
    BsonDocument doc = out.isDocument() ? out.asDocument() : new BsonDocument();
    if (original != null) {
      for (List<String> x : transforms.excluded()) {
        restore(original, doc, x, 0);
      }
    }
    return doc;
  }

  /**
   * Ditto names back to MongoDB names; a Ditto field the forward mapping cannot make is dropped.
   */
  private Object unrename(Object node, List<String> at) {
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object element : list) {
        out.add(unrename(element, at));
      }
      return out;
    }
    if (!(node instanceof Map<?, ?> map)) {
      return node;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String dittoName = String.valueOf(e.getKey());
      String mongoName = mongoName(at, dittoName);
      if (mongoName != null) {
        List<String> child = append(at, mongoName);
        out.put(mongoName, unrename(e.getValue(), child));
      }
    }
    return out;
  }

  /** The MongoDB name of Ditto field {@code dittoName} under MongoDB path {@code at}, or null. */
  private String mongoName(List<String> at, String dittoName) {
    String plain = dittoName;
    for (Map.Entry<List<String>, String> r : transforms.renames().entrySet()) {
      List<String> from = r.getKey();
      if (from.size() == at.size() + 1 && from.subList(0, at.size()).equals(at)) {
        if (r.getValue().equals(dittoName)) {
          return from.get(from.size() - 1);
        }
        if (from.get(from.size() - 1).equals(dittoName)) {
          plain = null; // the forward mapping renames this name: Ditto cannot hold it as is
        }
      }
    }
    return plain;
  }

  private BsonValue walk(Object node, List<String> at, BsonValue hint, String path) {
    Conversion conversion = transforms.conversions().get(at);
    if (conversion != null) {
      return unconvert(node, conversion, hint, path);
    }
    if (!hasTransformBelow(at)) {
      return values.value(node, hint, path);
    }
    if (node instanceof Map<?, ?> map) {
      BsonDocument hints = hint != null && hint.isDocument() ? hint.asDocument() : null;
      BsonDocument out = new BsonDocument();
      if (hints != null) {
        for (Map.Entry<String, BsonValue> h : hints.entrySet()) {
          if (map.containsKey(h.getKey())) {
            out.put(h.getKey(), walkChild(map.get(h.getKey()), at, h.getKey(), h.getValue(), path));
          } else if (forward.omits(h.getValue())) {
            out.put(h.getKey(), h.getValue());
          }
        }
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (!out.containsKey(key) && !(hints != null && hints.containsKey(key))) {
          out.put(key, walkChild(e.getValue(), at, key, null, path));
        }
      }
      return out;
    }
    if (node instanceof List<?> list) {
      List<BsonValue> hints =
          hint != null && hint.isArray() ? hint.asArray().getValues() : List.of();
      BsonArray out = new BsonArray();
      for (int i = 0; i < list.size(); i++) {
        // Transform paths go through arrays: every element sits at the array's own path.
        out.add(walk(list.get(i), at, i < hints.size() ? hints.get(i) : null, path + "." + i));
      }
      return out;
    }
    return values.value(node, hint, path);
  }

  private BsonValue walkChild(
      Object value, List<String> at, String key, BsonValue hint, String path) {
    return walk(value, append(at, key), hint, Documents.child(path, key));
  }

  private boolean hasTransformBelow(List<String> at) {
    for (List<String> p : transforms.conversions().keySet()) {
      if (p.size() > at.size() && p.subList(0, at.size()).equals(at)) {
        return true;
      }
    }
    for (List<String> p : transforms.renames().keySet()) {
      if (p.size() > at.size() && p.subList(0, at.size()).equals(at)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A converted value back to the MongoDB type it had ({@code hint}); the hint itself when Ditto
   * did not change the value; the Ditto value's natural type when the hint's type cannot hold it.
   */
  private BsonValue unconvert(Object node, Conversion c, BsonValue hint, String path) {
    if (hint != null && sameAfterConversion(hint, c, node, path)) {
      return hint;
    }
    if (node instanceof List<?> list && c != Conversion.TO_STRING) {
      List<BsonValue> hints =
          hint != null && hint.isArray() ? hint.asArray().getValues() : List.of();
      BsonArray out = new BsonArray();
      for (int i = 0; i < list.size(); i++) {
        out.add(unconvert(list.get(i), c, i < hints.size() ? hints.get(i) : null, path + "." + i));
      }
      return out;
    }
    BsonValue typed =
        switch (c) {
          case TO_ISO_STRING -> fromIso(node, hint);
          case TO_STRING -> fromText(node, hint, path);
          case TO_NUMBER -> fromNumber(node, hint);
        };
    return typed != null ? typed : values.value(node, null, path);
  }

  private boolean sameAfterConversion(BsonValue hint, Conversion c, Object node, String path) {
    try {
      Object converted = forward.value(FieldTransforms.convertValue(hint, c, path), path);
      return DittoValues.same(converted, node);
    } catch (MappingException notConvertible) {
      return false;
    }
  }

  private static BsonValue fromIso(Object node, BsonValue hint) {
    if (!(node instanceof String text)) {
      return null;
    }
    Instant instant;
    try {
      instant = Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      return null;
    }
    long millis = instant.toEpochMilli();
    if (hint == null) {
      return new BsonDateTime(millis);
    }
    return switch (hint.getBsonType()) {
      case STRING -> new BsonString(text);
      case TIMESTAMP -> new BsonTimestamp((int) (millis / 1000), 0);
      case INT64 -> new BsonInt64(millis);
      case DOUBLE -> new BsonDouble(millis);
      default -> new BsonDateTime(millis);
    };
  }

  private BsonValue fromText(Object node, BsonValue hint, String path) {
    if (!(node instanceof String text) || hint == null) {
      return null;
    }
    try {
      return switch (hint.getBsonType()) {
        case INT32 -> new BsonInt32(Integer.parseInt(text));
        case INT64 -> new BsonInt64(Long.parseLong(text));
        case DOUBLE -> new BsonDouble(Double.parseDouble(text));
        case DECIMAL128 -> new BsonDecimal128(Decimal128.parse(text));
        case BOOLEAN ->
            "true".equals(text) || "false".equals(text)
                ? BsonBoolean.valueOf(text.equals("true"))
                : null;
        case DOCUMENT -> BsonDocument.parse(text);
        case ARRAY -> BsonDocument.parse("{\"v\": " + text + "}").get("v");
        // ObjectId, Date, UUID, Symbol: the same rules as a plain value of that type.
        default -> values.value(text, hint, path);
      };
    } catch (RuntimeException notOfThatType) {
      return null;
    }
  }

  private static BsonValue fromNumber(Object node, BsonValue hint) {
    if (!(node instanceof Number n) || hint == null) {
      return null;
    }
    BigDecimal d = new BigDecimal(n.toString());
    try {
      return switch (hint.getBsonType()) {
        case STRING -> new BsonString(d.stripTrailingZeros().toPlainString());
        case DECIMAL128 -> new BsonDecimal128(new Decimal128(d));
        case BOOLEAN -> BsonBoolean.valueOf(d.signum() != 0);
        case DATE_TIME -> new BsonDateTime(d.longValueExact());
        case TIMESTAMP -> new BsonTimestamp((int) d.longValueExact(), 0);
        case INT32 -> new BsonInt32(d.intValueExact());
        default -> null;
      };
    } catch (ArithmeticException | NumberFormatException notOfThatType) {
      return null;
    }
  }

  /** Copies the original's value at an excluded path into {@code out} (through arrays by index). */
  private static void restore(BsonValue original, BsonValue out, List<String> path, int i) {
    if (original instanceof BsonArray a && out instanceof BsonArray b) {
      for (int k = 0; k < Math.min(a.size(), b.size()); k++) {
        restore(a.get(k), b.get(k), path, i);
      }
      return;
    }
    if (!(original instanceof BsonDocument from) || !(out instanceof BsonDocument to)) {
      return;
    }
    BsonValue child = from.get(path.get(i));
    if (child == null) {
      return;
    }
    if (i == path.size() - 1) {
      to.put(path.get(i), child);
    } else if (to.containsKey(path.get(i))) {
      restore(child, to.get(path.get(i)), path, i + 1);
    }
  }

  private static List<String> append(List<String> at, String key) {
    List<String> out = new ArrayList<>(at.size() + 1);
    out.addAll(at);
    out.add(key);
    return out;
  }
}
