package io.mongoditto.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.ObjectId;

/**
 * A Ditto {@code _id} back to the MongoDB document it names, per id mode (the reverse of {@link
 * DittoIds}). In json mode the Ditto id does not say which BSON type it came from ("65a1..." may
 * have been an ObjectId or a string), so an existing document is looked up under every type that
 * maps to the same Ditto id, and a new one gets the collection's {@link MongoIdType} (auto: the
 * most specific type the value allows). In ejson mode the id is Extended JSON and exact.
 */
public final class ReverseIds {

  private static final Pattern HEX24 = Pattern.compile("[0-9a-f]{24}");
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final BigDecimal TWO_53 = BigDecimal.valueOf(1L << 53);

  private final CollectionMapping mapping;
  private final DittoToBson values;

  public ReverseIds(CollectionMapping mapping) {
    this.mapping = mapping;
    this.values = DittoToBson.of(mapping.mode());
  }

  /**
   * The MongoDB query selecting the document whose Ditto id is {@code dittoId}.
   *
   * @throws MappingException when the id does not have this collection's shape
   */
  public BsonDocument filter(Object dittoId) {
    BsonDocument filter = new BsonDocument();
    switch (mapping.idMode()) {
      case MATCH_IDS -> filter.put(DittoIds.MONGO_ID, anyOf(candidates(dittoId, "_id")));
      case SINGLE_FIELD -> {
        String field = mapping.idFields().get(0);
        filter.put(field, anyOf(candidates(dittoId, field)));
      }
      case MULTIPLE_FIELDS -> {
        Map<?, ?> parts = parts(dittoId);
        for (String field : mapping.idFields()) {
          filter.put(field, anyOf(candidates(parts.get(field), field)));
        }
      }
    }
    return filter;
  }

  /**
   * What a new MongoDB document made from the Ditto document {@code dittoId} needs to map back to
   * that id: {@code _id} for match_ids; the id fields otherwise (MongoDB then gives it an
   * ObjectId).
   *
   * @throws MappingException when the id does not have this collection's shape or type
   */
  public BsonDocument newDocumentIdFields(Object dittoId) {
    BsonDocument fields = new BsonDocument();
    switch (mapping.idMode()) {
      case MATCH_IDS -> fields.put(DittoIds.MONGO_ID, newMatchId(dittoId));
      case SINGLE_FIELD -> {
        String field = mapping.idFields().get(0);
        fields.put(field, natural(dittoId, field));
      }
      case MULTIPLE_FIELDS -> {
        Map<?, ?> parts = parts(dittoId);
        for (String field : mapping.idFields()) {
          fields.put(field, natural(parts.get(field), field));
        }
      }
    }
    return fields;
  }

  private Map<?, ?> parts(Object dittoId) {
    if (!(dittoId instanceof Map<?, ?> parts) || !parts.keySet().containsAll(mapping.idFields())) {
      throw new MappingException(
          "_id",
          "multiple_fields needs an object _id with the fields "
              + mapping.idFields()
              + ", got "
              + dittoId);
    }
    return parts;
  }

  private static BsonDocument anyOf(List<BsonValue> candidates) {
    return candidates.size() == 1
        ? new BsonDocument("$eq", candidates.get(0))
        : new BsonDocument("$in", new BsonArray(candidates));
  }

  /** Every BSON value that maps to {@code dittoValue}, most specific first. */
  List<BsonValue> candidates(Object dittoValue, String field) {
    requirePresent(dittoValue, field);
    List<BsonValue> out = new ArrayList<>();
    if (mapping.mode() == ValueMode.EJSON || !isScalar(dittoValue)) {
      out.add(values.value(dittoValue, null, field));
      return out;
    }
    if (dittoValue instanceof String s) {
      if (HEX24.matcher(s).matches()) {
        out.add(new BsonObjectId(new ObjectId(s)));
      }
      if (UUID_TEXT.matcher(s).matches()) {
        UUID uuid = UUID.fromString(s);
        out.add(new BsonBinary(uuid, UuidRepresentation.STANDARD));
        out.add(new BsonBinary(uuid, UuidRepresentation.PYTHON_LEGACY));
      }
      out.add(new BsonString(s));
      return out;
    }
    if (dittoValue instanceof Number n) {
      BigDecimal exact = new BigDecimal(n.toString());
      try {
        BigInteger integral = exact.toBigIntegerExact();
        if (integral.bitLength() < 32) {
          out.add(new BsonInt32(integral.intValue()));
        }
        if (integral.bitLength() < 64) {
          out.add(new BsonInt64(integral.longValue()));
        }
        if (exact.abs().compareTo(TWO_53) <= 0) {
          out.add(new BsonDouble(integral.doubleValue()));
        }
        return out;
      } catch (ArithmeticException fractional) {
        out.add(new BsonDouble(n.doubleValue()));
        return out;
      }
    }
    out.add(values.value(dittoValue, null, field));
    return out;
  }

  private BsonValue newMatchId(Object dittoId) {
    List<BsonValue> candidates = candidates(dittoId, "_id");
    MongoIdType type = mapping.mode() == ValueMode.EJSON ? MongoIdType.AUTO : mapping.mongoIdType();
    if (type == MongoIdType.AUTO) {
      return candidates.get(0);
    }
    for (BsonValue c : candidates) {
      if (matches(c, type)) {
        return c;
      }
    }
    throw new MappingException(
        "_id",
        "the Ditto _id "
            + dittoId
            + " cannot be a MongoDB _id of type "
            + type.configValue()
            + " (collection."
            + mapping.mongoCollection()
            + ".id.mongo.type)");
  }

  private static boolean matches(BsonValue value, MongoIdType type) {
    return switch (type) {
      case OBJECT_ID -> value.isObjectId();
      case STRING -> value.isString();
      case UUID -> value.isBinary() && value.asBinary().getType() == 4;
      case INT32 -> value.isInt32();
      case INT64 -> value.isInt64();
      case DOUBLE -> value.isDouble();
      case AUTO -> true;
    };
  }

  /** A new document's id field: the value's natural BSON type (no guessing of ObjectIds). */
  private BsonValue natural(Object dittoValue, String field) {
    requirePresent(dittoValue, field);
    return values.value(dittoValue, null, field);
  }

  private static void requirePresent(Object value, String field) {
    if (value == null) {
      throw new MappingException(field, "the Ditto _id has no value for " + field);
    }
  }

  private static boolean isScalar(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean;
  }

  @Override
  public String toString() {
    return "ReverseIds[" + mapping.idMode().name().toLowerCase(Locale.ROOT) + "]";
  }
}
