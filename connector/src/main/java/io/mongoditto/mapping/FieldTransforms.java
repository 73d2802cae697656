package io.mongoditto.mapping;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Per-collection field transformations, applied to the MongoDB document before it becomes a Ditto
 * document, identically for snapshot and stream, and to the removed paths of updates:
 *
 * <ul>
 *   <li>exclude: dotted paths left out of Ditto (through arrays: in every element);
 *   <li>convert: a path's value converted with {@link Conversion} (through arrays: every element);
 *   <li>rename: a field gets a new name in place ({@code address.zip -> postal} gives {@code
 *       address.postal}).
 * </ul>
 *
 * All paths name MongoDB fields (the source names, before any rename). The Ditto {@code _id} is
 * derived from the untransformed document, so {@code _id} itself cannot be transformed. Immutable.
 */
public final class FieldTransforms {

  /** Value conversions, named as in the connector configuration. */
  public enum Conversion {
    /**
     * Date, Timestamp, epoch-millis number or ISO-8601 string to an ISO-8601 UTC string with
     * millis.
     */
    TO_ISO_STRING("toISOString"),
    /** Any value to a string (objects and arrays to relaxed Extended JSON text). */
    TO_STRING("toString"),
    /**
     * Numeric string, Decimal128, Boolean, Date (epoch millis) or Timestamp (seconds) to a number.
     */
    TO_NUMBER("toNumber");

    private final String configName;

    Conversion(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    static Conversion byConfigName(String name) {
      for (Conversion c : values()) {
        if (c.configName.equalsIgnoreCase(name)) {
          return c;
        }
      }
      return null;
    }
  }

  public static final FieldTransforms NONE = new FieldTransforms(List.of(), Map.of(), Map.of());

  private final List<List<String>> excluded;
  private final Map<List<String>, Conversion> conversions;
  private final Map<List<String>, String> renames;

  private FieldTransforms(
      List<List<String>> excluded,
      Map<List<String>, Conversion> conversions,
      Map<List<String>, String> renames) {
    this.excluded = excluded;
    this.conversions = conversions;
    this.renames = renames;
  }

  /**
   * Reads the three configuration values (each may be null or blank).
   *
   * @param exclude comma-separated dotted paths, e.g. {@code internal_notes,audit.by}
   * @param rename comma-separated {@code path:newName}, e.g. {@code
   *     cust_id:customer_ref,address.zip:postal}
   * @param convert comma-separated {@code path:conversion}, e.g. {@code
   *     order_date:toISOString,total:toNumber}
   * @throws IllegalArgumentException with a message for the user naming the faulty entry
   */
  public static FieldTransforms parse(String exclude, String rename, String convert) {
    List<List<String>> excluded = new ArrayList<>();
    for (String entry : entries(exclude)) {
      excluded.add(path(entry, "exclude"));
    }
    Map<List<String>, String> renames = new LinkedHashMap<>();
    for (String entry : entries(rename)) {
      String[] pair = pair(entry, "rename", "path:newName");
      List<String> from = path(pair[0], "rename");
      String to = pair[1];
      if (to.contains(".") || to.startsWith("$")) {
        throw new IllegalArgumentException(
            "rename '"
                + entry
                + "': the new name '"
                + to
                + "' must be a plain field name (no dots, no leading $); a rename keeps the field where it is");
      }
      if (from.size() == 1
          && (to.equals(DittoIds.MONGO_ID) || to.equals(CollectionMapping.MONGO_ID_FIELD))) {
        throw new IllegalArgumentException(
            "rename '" + entry + "': '" + to + "' is reserved at the top level");
      }
      if (renames.put(from, to) != null) {
        throw new IllegalArgumentException("rename: '" + pair[0] + "' is renamed twice");
      }
    }
    Map<List<String>, Conversion> conversions = new LinkedHashMap<>();
    for (String entry : entries(convert)) {
      String[] pair = pair(entry, "convert", "path:conversion");
      Conversion c = Conversion.byConfigName(pair[1]);
      if (c == null) {
        throw new IllegalArgumentException(
            "convert '"
                + entry
                + "': unknown conversion '"
                + pair[1]
                + "'; use toISOString, toString or toNumber");
      }
      if (conversions.put(path(pair[0], "convert"), c) != null) {
        throw new IllegalArgumentException("convert: '" + pair[0] + "' is converted twice");
      }
    }
    for (List<String> x : excluded) {
      for (List<String> other : concat(renames.keySet(), conversions.keySet())) {
        if (startsWith(other, x)) {
          throw new IllegalArgumentException(
              "'"
                  + String.join(".", other)
                  + "' is both excluded (by '"
                  + String.join(".", x)
                  + "') and renamed or converted");
        }
      }
    }
    for (Map.Entry<List<String>, String> r : renames.entrySet()) {
      List<String> target = new ArrayList<>(r.getKey().subList(0, r.getKey().size() - 1));
      target.add(r.getValue());
      if (renames.containsKey(target)) {
        throw new IllegalArgumentException(
            "rename to '"
                + String.join(".", target)
                + "', which is itself renamed: rename chains are not supported");
      }
    }
    return new FieldTransforms(
        List.copyOf(excluded),
        Collections.unmodifiableMap(conversions),
        Collections.unmodifiableMap(renames));
  }

  public boolean isEmpty() {
    return excluded.isEmpty() && conversions.isEmpty() && renames.isEmpty();
  }

  /** The excluded paths (MongoDB names), for {@link ReverseDocument}. */
  List<List<String>> excluded() {
    return excluded;
  }

  /** The converted paths (MongoDB names), for {@link ReverseDocument}. */
  Map<List<String>, Conversion> conversions() {
    return conversions;
  }

  /** The renamed paths (MongoDB names) and their Ditto names, for {@link ReverseDocument}. */
  Map<List<String>, String> renames() {
    return renames;
  }

  /**
   * The transformed copy of {@code doc} ({@code doc} itself when there is nothing to do).
   *
   * @throws MappingException naming the field when a conversion or rename cannot be applied
   */
  BsonDocument apply(BsonDocument doc) {
    if (isEmpty()) {
      return doc;
    }
    BsonDocument copy = doc.clone();
    for (List<String> x : excluded) {
      exclude(copy, x, 0);
    }
    for (Map.Entry<List<String>, Conversion> c : conversions.entrySet()) {
      convert(copy, c.getKey(), 0, c.getValue(), "");
    }
    for (Map.Entry<List<String>, String> r : renames.entrySet()) {
      rename(copy, r.getKey(), 0, r.getValue(), "");
    }
    return copy;
  }

  /**
   * A removed path of the source document as the sink must see it: null when it is excluded,
   * renamed where a renamed field lies on it. Removed paths never go through arrays.
   */
  String transformPath(String dotted) {
    if (isEmpty()) {
      return dotted;
    }
    List<String> path = List.of(dotted.split("\\.", -1));
    for (List<String> x : excluded) {
      if (startsWith(path, x)) {
        return null;
      }
    }
    List<String> out = new ArrayList<>(path);
    for (Map.Entry<List<String>, String> r : renames.entrySet()) {
      if (startsWith(path, r.getKey())) {
        out.set(r.getKey().size() - 1, r.getValue());
      }
    }
    return String.join(".", out);
  }

  private static void exclude(BsonValue node, List<String> path, int i) {
    if (node instanceof BsonArray array) {
      array.forEach(element -> exclude(element, path, i));
    } else if (node instanceof BsonDocument doc) {
      if (i == path.size() - 1) {
        doc.remove(path.get(i));
      } else {
        BsonValue child = doc.get(path.get(i));
        if (child != null) {
          exclude(child, path, i + 1);
        }
      }
    }
  }

  private static void convert(BsonValue node, List<String> path, int i, Conversion c, String at) {
    if (node instanceof BsonArray array) {
      for (int k = 0; k < array.size(); k++) {
        convert(array.get(k), path, i, c, at + "." + k);
      }
    } else if (node instanceof BsonDocument doc) {
      String key = path.get(i);
      BsonValue child = doc.get(key);
      String childAt = at.isEmpty() ? key : at + "." + key;
      if (child == null) {
        return;
      }
      if (i == path.size() - 1) {
        if (child instanceof BsonArray array && !array.isEmpty() && c != Conversion.TO_STRING) {
          BsonArray converted = new BsonArray();
          for (int k = 0; k < array.size(); k++) {
            converted.add(convertValue(array.get(k), c, childAt + "." + k));
          }
          doc.put(key, converted);
        } else {
          doc.put(key, convertValue(child, c, childAt));
        }
      } else {
        convert(child, path, i + 1, c, childAt);
      }
    }
  }

  private static void rename(BsonValue node, List<String> path, int i, String to, String at) {
    if (node instanceof BsonArray array) {
      array.forEach(element -> rename(element, path, i, to, at));
    } else if (node instanceof BsonDocument doc) {
      String key = path.get(i);
      BsonValue child = doc.get(key);
      if (child == null) {
        return;
      }
      String childAt = at.isEmpty() ? key : at + "." + key;
      if (i < path.size() - 1) {
        rename(child, path, i + 1, to, childAt);
        return;
      }
      if (doc.containsKey(to)) {
        throw new MappingException(
            childAt, "cannot be renamed to '" + to + "': the document already has that field");
      }
      // Keep the field's position so Ditto documents read like the source.
      BsonDocument reordered = new BsonDocument();
      for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
        reordered.put(e.getKey().equals(key) ? to : e.getKey(), e.getValue());
      }
      doc.clear();
      doc.putAll(reordered);
    }
  }

  static BsonValue convertValue(BsonValue v, Conversion c, String field) {
    if (v.isNull()) {
      return BsonNull.VALUE;
    }
    return switch (c) {
      case TO_ISO_STRING -> new BsonString(toIso(v, field));
      case TO_STRING -> new BsonString(toText(v));
      case TO_NUMBER -> toNumber(v, field);
    };
  }

  private static String toIso(BsonValue v, String field) {
    switch (v.getBsonType()) {
      case DATE_TIME:
        return BsonToDitto.isoDate(v.asDateTime().getValue());
      case TIMESTAMP:
        return BsonToDitto.isoDate(Integer.toUnsignedLong(v.asTimestamp().getTime()) * 1000L);
      case INT32:
      case INT64:
        return BsonToDitto.isoDate(v.asNumber().longValue());
      case DOUBLE:
        return BsonToDitto.isoDate((long) v.asDouble().getValue());
      case STRING:
        try {
          return BsonToDitto.isoDate(Instant.parse(v.asString().getValue()).toEpochMilli());
        } catch (DateTimeParseException e) {
          throw new MappingException(
              field, "toISOString: '" + v.asString().getValue() + "' is not an ISO-8601 instant");
        }
      default:
        throw new MappingException(field, "toISOString cannot convert a " + v.getBsonType());
    }
  }

  private static String toText(BsonValue v) {
    return switch (v.getBsonType()) {
      case STRING -> v.asString().getValue();
      case OBJECT_ID -> v.asObjectId().getValue().toHexString();
      case DATE_TIME -> BsonToDitto.isoDate(v.asDateTime().getValue());
      case INT32 -> Integer.toString(v.asInt32().getValue());
      case INT64 -> Long.toString(v.asInt64().getValue());
      case DOUBLE -> Double.toString(v.asDouble().getValue());
      case DECIMAL128 -> v.asDecimal128().getValue().toString();
      case BOOLEAN -> Boolean.toString(v.asBoolean().getValue());
      case TIMESTAMP -> Long.toString(Integer.toUnsignedLong(v.asTimestamp().getTime()));
      case SYMBOL -> v.asSymbol().getSymbol();
      case BINARY -> {
        String uuid = BsonToDitto.uuidOf(v.asBinary());
        yield uuid != null ? uuid : DittoIds.sourceId(v);
      }
      default -> DittoIds.sourceId(v); // documents, arrays, regexes: relaxed Extended JSON
    };
  }

  private static BsonValue toNumber(BsonValue v, String field) {
    switch (v.getBsonType()) {
      case INT32:
      case INT64:
        return new BsonInt64(v.asNumber().longValue());
      case DOUBLE:
        return v;
      case DECIMAL128:
        return number(v.asDecimal128().getValue().bigDecimalValue(), field, v);
      case BOOLEAN:
        return new BsonInt64(v.asBoolean().getValue() ? 1 : 0);
      case DATE_TIME:
        return new BsonInt64(v.asDateTime().getValue());
      case TIMESTAMP:
        return new BsonInt64(Integer.toUnsignedLong(v.asTimestamp().getTime()));
      case STRING:
        try {
          return number(new BigDecimal(v.asString().getValue().trim()), field, v);
        } catch (NumberFormatException e) {
          throw new MappingException(
              field, "toNumber: '" + v.asString().getValue() + "' is not a number");
        }
      default:
        throw new MappingException(field, "toNumber cannot convert a " + v.getBsonType());
    }
  }

  private static BsonValue number(BigDecimal d, String field, BsonValue original) {
    try {
      return new BsonInt64(d.longValueExact());
    } catch (ArithmeticException notAnExactLong) {
      double value = d.doubleValue();
      if (Double.isInfinite(value)) {
        throw new MappingException(field, "toNumber: " + original + " is out of range");
      }
      return new BsonDouble(value);
    }
  }

  private static List<String> entries(String value) {
    List<String> out = new ArrayList<>();
    if (value != null) {
      for (String s : value.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  private static String[] pair(String entry, String what, String form) {
    int colon = entry.lastIndexOf(':');
    if (colon <= 0 || colon == entry.length() - 1) {
      throw new IllegalArgumentException(what + " '" + entry + "' must have the form " + form);
    }
    return new String[] {entry.substring(0, colon).trim(), entry.substring(colon + 1).trim()};
  }

  private static List<String> path(String dotted, String what) {
    List<String> segments = List.of(dotted.split("\\.", -1));
    for (String s : segments) {
      if (s.isBlank()) {
        throw new IllegalArgumentException(what + " '" + dotted + "' has an empty path segment");
      }
    }
    if (segments.get(0).equals(DittoIds.MONGO_ID)) {
      throw new IllegalArgumentException(
          what
              + " '"
              + dotted
              + "': _id cannot be transformed (the Ditto _id is derived from it; see keepMongoId and the id modes)");
    }
    return segments;
  }

  private static boolean startsWith(List<String> path, List<String> prefix) {
    return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
  }

  private static List<List<String>> concat(
      java.util.Collection<List<String>> a, java.util.Collection<List<String>> b) {
    List<List<String>> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "FieldTransforms[exclude=%s, convert=%s, rename=%s]",
        excluded,
        conversions,
        renames);
  }
}
