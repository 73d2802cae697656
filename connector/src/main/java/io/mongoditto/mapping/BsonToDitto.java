package io.mongoditto.mapping;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;

/**
 * BSON to Ditto JSON values, as Ditto's own connector does in its "json" mode: String, Long,
 * Double, Boolean, null, {@link LinkedHashMap} and {@link ArrayList}. Values of types Ditto's JSON
 * mode does not carry are left out and counted in {@link ConversionStats}, never silently dropped.
 *
 * <p>Deliberate extension: a UUID (Binary subtype 4, or legacy subtype 3 read in byte order)
 * becomes its canonical string, because Ditto would otherwise drop it and UUID {@code _id}s are
 * common (the Zava inventory and order_items collections use them).
 */
public final class BsonToDitto implements ValueConverter {

  /** Deeper documents are refused rather than risking a stack overflow (MongoDB allows 100). */
  static final int MAX_DEPTH = 180;

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final ConversionStats stats;

  public BsonToDitto(ConversionStats stats) {
    this.stats = stats;
  }

  /** Converts a whole document; fields whose value is left out are absent from the result. */
  public Map<String, Object> document(BsonDocument doc) {
    return document(doc, "", 0);
  }

  /**
   * Converts one value found at {@code path}.
   *
   * @return the Ditto value, or {@link #OMITTED} when the type is not carried (already counted)
   */
  @Override
  public Object value(BsonValue value, String path) {
    return value(value, path, 0);
  }

  @Override
  public boolean omits(BsonValue value) {
    return isOmitted(value);
  }

  @Override
  public boolean isMapInDitto(BsonValue value) {
    return value.isDocument() || value.isRegularExpression();
  }

  /** Marker for a value left out of the Ditto document. */
  public static final Object OMITTED =
      new Object() {
        @Override
        public String toString() {
          return "<omitted>";
        }
      };

  /** Whether Ditto's JSON mode leaves a value of this BSON type out (the UUID extension aside). */
  public static boolean isOmitted(BsonValue value) {
    return switch (value.getBsonType()) {
      case BINARY -> uuidOf(value.asBinary()) == null;
      case JAVASCRIPT,
          JAVASCRIPT_WITH_SCOPE,
          MIN_KEY,
          MAX_KEY,
          DB_POINTER,
          UNDEFINED,
          END_OF_DOCUMENT ->
          true;
      default -> false;
    };
  }

  /** The canonical UUID string of a subtype 4 (or 16-byte subtype 3) Binary, else null. */
  static String uuidOf(BsonBinary binary) {
    byte type = binary.getType();
    if (binary.getData().length != 16) {
      return null;
    }
    if (type == BsonBinarySubType.UUID_STANDARD.getValue()) {
      return binary.asUuid().toString();
    }
    if (type == BsonBinarySubType.UUID_LEGACY.getValue()) {
      // Byte order as stored (PYTHON_LEGACY); Java/C# legacy drivers reordered bytes: documented.
      return binary.asUuid(UuidRepresentation.PYTHON_LEGACY).toString();
    }
    return null;
  }

  static String isoDate(long epochMillis) {
    if (epochMillis < FIRST_YEAR_0000_MILLIS || epochMillis > LAST_YEAR_9999_MILLIS) {
      return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis)); // a sign or a fifth digit
    }
    // The same text without the formatter, which cost 5 % of the source's CPU per event.
    long seconds = Math.floorDiv(epochMillis, 1000);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    java.time.LocalDate day = java.time.LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
    char[] out = new char[24];
    digits(out, 0, day.getYear(), 4);
    out[4] = '-';
    digits(out, 5, day.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, day.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    out[19] = '.';
    digits(out, 20, (int) Math.floorMod(epochMillis, 1000L), 3);
    out[23] = 'Z';
    return new String(out);
  }

  private static final long FIRST_YEAR_0000_MILLIS = -62_167_219_200_000L;
  private static final long LAST_YEAR_9999_MILLIS = 253_402_300_799_999L;

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private Map<String, Object> document(BsonDocument doc, String path, int depth) {
    checkDepth(path, depth);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      Object v = value(e.getValue(), childPath, depth + 1);
      if (v != OMITTED) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private Object value(BsonValue value, String path, int depth) {
    switch (value.getBsonType()) {
      case DOUBLE:
        {
          double d = value.asDouble().getValue();
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new MappingException(path, "the double " + d + " cannot be represented in JSON");
          }
          return d;
        }
      case STRING:
        return value.asString().getValue();
      case DOCUMENT:
        return document(value.asDocument(), path, depth);
      case ARRAY:
        {
          checkDepth(path, depth);
          List<BsonValue> values = value.asArray().getValues();
          List<Object> out = new ArrayList<>(values.size());
          for (int i = 0; i < values.size(); i++) {
            Object v = value(values.get(i), path + "." + i, depth + 1);
            if (v != OMITTED) {
              out.add(v);
            }
          }
          return out;
        }
      case OBJECT_ID:
        return value.asObjectId().getValue().toHexString();
      case BOOLEAN:
        return value.asBoolean().getValue();
      case DATE_TIME:
        return isoDate(value.asDateTime().getValue());
      case NULL:
        return null;
      case REGULAR_EXPRESSION:
        {
          BsonRegularExpression regex = value.asRegularExpression();
          Map<String, Object> inner = new LinkedHashMap<>();
          inner.put("pattern", regex.getPattern());
          inner.put("options", regex.getOptions());
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("$regularExpression", inner);
          return out;
        }
      case INT32:
        return (long) value.asInt32().getValue();
      case INT64:
        return value.asInt64().getValue();
      case TIMESTAMP:
        return Integer.toUnsignedLong(value.asTimestamp().getTime());
      case DECIMAL128:
        return value.asDecimal128().getValue().toString();
      case SYMBOL:
        return value.asSymbol().getSymbol();
      case BINARY:
        {
          String uuid = uuidOf(value.asBinary());
          if (uuid != null) {
            return uuid;
          }
          stats.omitted(value.getBsonType().name());
          return OMITTED;
        }
      default:
        stats.omitted(value.getBsonType().name());
        return OMITTED;
    }
  }

  private static void checkDepth(String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new MappingException(
          path, "nested deeper than " + MAX_DEPTH + " levels (MongoDB itself allows 100)");
    }
  }
}
