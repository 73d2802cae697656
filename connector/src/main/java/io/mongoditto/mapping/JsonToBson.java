package io.mongoditto.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * Ditto JSON values back to BSON in the collection's "json" mode. JSON does not say that
 * "2026-01-02T03:04:05.000Z" was a Date or "65a1..." an ObjectId, so the MongoDB value now at the
 * same path decides: unchanged values come back as that exact value, changed ones take its BSON
 * type when the new value fits it without loss (a Date from ISO-8601 text, an ObjectId from 24 hex
 * digits, Int32/Int64/Double/Decimal128 for numbers, a UUID from its text, ...), and otherwise the
 * JSON value's natural type (integral numbers Int32 when they fit, else Int64; fractional Double;
 * text String; maps documents; lists arrays). docs/mapping.md has the table.
 */
public final class JsonToBson implements DittoToBson {

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final BsonToDitto forward = new BsonToDitto(new ConversionStats());

  @Override
  public BsonValue value(Object v, BsonValue hint, String path) {
    if (hint != null && mapsTo(hint, v, path)) {
      return hint;
    }
    if (v == null) {
      return BsonNull.VALUE;
    }
    if (v instanceof Boolean b) {
      return BsonBoolean.valueOf(b);
    }
    if (v instanceof String s) {
      return string(s, hint);
    }
    if (v instanceof Number n) {
      return number(n, hint);
    }
    if (v instanceof Map<?, ?> m) {
      BsonRegularExpression regex = regexOf(m);
      return regex != null
          ? regex
          : Documents.fromDitto(m, hint, path, this, BsonToDitto::isOmitted);
    }
    if (v instanceof List<?> l) {
      return Documents.arrayFromDitto(l, hint, path, this);
    }
    throw new MappingException(
        path, "a Ditto value of type " + v.getClass().getSimpleName() + " has no BSON form");
  }

  /** Whether the forward conversion of {@code hint} is {@code v} (then {@code hint} is exact). */
  private boolean mapsTo(BsonValue hint, Object v, String path) {
    if (forward.omits(hint)) {
      return false;
    }
    try {
      Object mapped = forward.value(hint, path);
      return mapped != BsonToDitto.OMITTED && DittoValues.same(mapped, v);
    } catch (MappingException notMappable) {
      return false;
    }
  }

  private static BsonValue string(String s, BsonValue hint) {
    if (hint == null) {
      return new BsonString(s);
    }
    switch (hint.getBsonType()) {
      case DATE_TIME:
        Long millis = epochMillis(s);
        return millis == null ? new BsonString(s) : new BsonDateTime(millis);
      case OBJECT_ID:
        return ObjectId.isValid(s) ? new BsonObjectId(new ObjectId(s)) : new BsonString(s);
      case DECIMAL128:
        Decimal128 d = decimal(s);
        return d == null ? new BsonString(s) : new BsonDecimal128(d);
      case SYMBOL:
        return new BsonSymbol(s);
      case BINARY:
        return uuid(s, hint.asBinary().getType());
      default:
        return new BsonString(s);
    }
  }

  private static BsonValue number(Number n, BsonValue hint) {
    BigDecimal exact = exact(n);
    BigInteger integral = integralOrNull(exact);
    if (hint != null) {
      switch (hint.getBsonType()) {
        case INT32:
          if (integral != null && integral.bitLength() < 32) {
            return new BsonInt32(integral.intValue());
          }
          break;
        case INT64:
          if (integral != null && integral.bitLength() < 64) {
            return new BsonInt64(integral.longValue());
          }
          break;
        case DOUBLE:
          return new BsonDouble(n.doubleValue());
        case DECIMAL128:
          try {
            return new BsonDecimal128(new Decimal128(exact));
          } catch (NumberFormatException tooPrecise) {
            break;
          }
        case DATE_TIME:
          if (integral != null && integral.bitLength() < 64) {
            return new BsonDateTime(integral.longValue());
          }
          break;
        case TIMESTAMP:
          if (integral != null && integral.signum() >= 0 && integral.bitLength() <= 32) {
            return new BsonTimestamp((int) integral.longValue(), 0); // seconds are unsigned
          }
          break;
        default:
          break;
      }
    }
    if (integral != null && integral.bitLength() < 32) {
      return new BsonInt32(integral.intValue());
    }
    if (integral != null
        && integral.compareTo(LONG_MIN) >= 0
        && integral.compareTo(LONG_MAX) <= 0) {
      return new BsonInt64(integral.longValue());
    }
    return new BsonDouble(n.doubleValue());
  }

  private static BigDecimal exact(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return BigDecimal.valueOf(n.longValue());
    }
    // Double.toString is the shortest text that reads back as the same double (0.1 stays 0.1).
    return new BigDecimal(Double.toString(n.doubleValue()));
  }

  private static BigInteger integralOrNull(BigDecimal d) {
    try {
      return d.toBigIntegerExact();
    } catch (ArithmeticException fractional) {
      return null;
    }
  }

  /** Epoch millis of an ISO-8601 instant, or null when it is not one or has sub-milli digits. */
  private static Long epochMillis(String s) {
    try {
      Instant instant = Instant.parse(s);
      return instant.getNano() % 1_000_000 == 0 ? instant.toEpochMilli() : null;
    } catch (DateTimeParseException | ArithmeticException notAnInstant) {
      return null;
    }
  }

  private static Decimal128 decimal(String s) {
    try {
      return Decimal128.parse(s);
    } catch (NumberFormatException notADecimal) {
      return null;
    }
  }

  private static BsonValue uuid(String s, byte subType) {
    java.util.UUID uuid;
    try {
      uuid = java.util.UUID.fromString(s);
    } catch (IllegalArgumentException notAUuid) {
      return new BsonString(s);
    }
    if (subType == BsonBinarySubType.UUID_STANDARD.getValue()) {
      return new BsonBinary(uuid, UuidRepresentation.STANDARD);
    }
    if (subType == BsonBinarySubType.UUID_LEGACY.getValue()) {
      return new BsonBinary(uuid, UuidRepresentation.PYTHON_LEGACY);
    }
    return new BsonString(s);
  }

  /**
   * The regular expression the forward conversion writes as {@code {"$regularExpression": ...}}.
   */
  private static BsonRegularExpression regexOf(Map<?, ?> m) {
    if (m.size() == 1
        && m.get("$regularExpression") instanceof Map<?, ?> inner
        && inner.size() == 2
        && inner.get("pattern") instanceof String pattern
        && inner.get("options") instanceof String options) {
      return new BsonRegularExpression(pattern, options);
    }
    return null;
  }

  /** A document for a brand-new MongoDB document: natural types, no hints. */
  public BsonDocument document(Map<?, ?> m, String path) {
    return Documents.fromDitto(m, null, path, this, BsonToDitto::isOmitted);
  }
}
