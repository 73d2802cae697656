package io.mongoditto.source;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * {@code _id} conditions that follow MongoDB's sort order across BSON types. A plain {@code {_id:
 * {$gt: X}}} only matches values of X's type class (comparison operators are type-bracketed), so a
 * snapshot that continues "after X" that way silently skips every {@code _id} of another type. Here
 * "after X" is {@code {$or: [{_id: {$gt: X}}, {_id: {$type: [every type class sorting after
 * X's]}}]}} and "before H" likewise: both branches can use the {@code _id} index on a real MongoDB.
 *
 * <p>The order of type classes is the server's (canonical type order): MinKey, Undefined, Null,
 * Numbers (int, long, double, decimal), Symbol and String, Object, Array, BinData, ObjectId,
 * Boolean, Date, Timestamp, Regular Expression, DBPointer, JavaScript, JavaScript with scope,
 * MaxKey (the server manual's "Comparison/Sort Order").
 */
final class IdOrder {

  /**
   * Type aliases ({@code $type}) by class, in sort order. The deprecated types (undefined, symbol,
   * DBPointer, JavaScript code) are left out: the local MongoDB rejects their aliases and MongoDB
   * does not allow undefined as an {@code _id}; a collection with {@code _id}s of those types is
   * not supported (only a symbol sorts with the strings and is still matched by their bounds).
   */
  private static final List<List<String>> CLASSES =
      List.of(
          List.of("minKey"),
          List.of(),
          List.of("null"),
          List.of("int", "long", "double", "decimal"),
          List.of("string"),
          List.of("object"),
          List.of("array"),
          List.of("binData"),
          List.of("objectId"),
          List.of("bool"),
          List.of("date"),
          List.of("timestamp"),
          List.of("regex"),
          List.of(),
          List.of(),
          List.of(),
          List.of("maxKey"));

  private IdOrder() {}

  /** The position of a value's type class in MongoDB's sort order. */
  static int typeClass(BsonValue v) {
    return switch (v.getBsonType()) {
      case MIN_KEY -> 0;
      case UNDEFINED -> 1;
      case NULL -> 2;
      case INT32, INT64, DOUBLE, DECIMAL128 -> 3;
      case SYMBOL, STRING -> 4;
      case DOCUMENT -> 5;
      case ARRAY -> 6;
      case BINARY -> 7;
      case OBJECT_ID -> 8;
      case BOOLEAN -> 9;
      case DATE_TIME -> 10;
      case TIMESTAMP -> 11;
      case REGULAR_EXPRESSION -> 12;
      case DB_POINTER -> 13;
      case JAVASCRIPT -> 14;
      case JAVASCRIPT_WITH_SCOPE -> 15;
      case MAX_KEY -> 16;
      default -> throw new IllegalArgumentException("not an _id type: " + v.getBsonType());
    };
  }

  /** {@code _id} sorts after {@code x}. */
  static BsonDocument after(BsonValue x) {
    return bound("$gt", x, types(typeClass(x) + 1, CLASSES.size()));
  }

  /** {@code _id} sorts at or after {@code x}. */
  static BsonDocument atOrAfter(BsonValue x) {
    return bound("$gte", x, types(typeClass(x) + 1, CLASSES.size()));
  }

  /** {@code _id} sorts before {@code x}. */
  static BsonDocument before(BsonValue x) {
    return bound("$lt", x, types(0, typeClass(x)));
  }

  /** All of the given conditions ({@code {}} for none). */
  static BsonDocument and(List<BsonDocument> conditions) {
    List<BsonDocument> parts = conditions.stream().filter(c -> !c.isEmpty()).toList();
    if (parts.isEmpty()) {
      return new BsonDocument();
    }
    return parts.size() == 1 ? parts.get(0) : new BsonDocument("$and", new BsonArray(parts));
  }

  private static BsonDocument bound(String op, BsonValue x, BsonArray otherTypes) {
    BsonDocument sameType = new BsonDocument("_id", new BsonDocument(op, x));
    if (otherTypes.isEmpty()) {
      return sameType;
    }
    BsonDocument otherType = new BsonDocument("_id", new BsonDocument("$type", otherTypes));
    return new BsonDocument("$or", new BsonArray(List.of(sameType, otherType)));
  }

  private static BsonArray types(int fromClass, int toClass) {
    List<BsonValue> aliases = new ArrayList<>();
    for (int i = fromClass; i < toClass; i++) {
      CLASSES.get(i).forEach(a -> aliases.add(new BsonString(a)));
    }
    return new BsonArray(aliases);
  }
}
