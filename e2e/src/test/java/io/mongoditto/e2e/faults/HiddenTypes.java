package io.mongoditto.e2e.faults;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * Seeded values of the BSON types json mode loses or changes (docs/mapping.md): Int64 beyond 2^53,
 * Decimal128, Date, Binary subtypes 0 and 4, Timestamp, ObjectId, NaN and infinite doubles, and
 * arrays mixing them. An ejson-mode collection must carry each of them to Ditto exactly.
 *
 * <p>Every {@link #value()} is a map in Ditto's ejson form ({@code {"$numberLong": ...}}, ...), so
 * a {@code $set} that changes a field's type changes the map's key: the old key must not survive
 * beside the new one (Ditto merges maps key by key).
 */
final class HiddenTypes {

  /** The top-level fields of an ejson document that hold these values. */
  static final List<String> FIELDS =
      List.of("big", "amount", "when", "blob", "uuid", "ts", "ref", "ratio");

  /** The field that holds an array of mixed types (nested arrays and documents included). */
  static final String MIXED = "mixed";

  private static final long TWO_TO_53 = 1L << 53;
  private static final String[] DECIMALS = {
    "12.50",
    "-0.00",
    "0.1",
    "9999999999999999999999999999999999",
    "1E-6176",
    "-1.000E+300",
    "NaN",
    "-Infinity"
  };
  private static final double[] DOUBLES = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.1, 1e300
  };

  private final Random random;

  HiddenTypes(Random random) {
    this.random = random;
  }

  /** One value for each of {@link #FIELDS}, in the field's usual type, and a mixed array. */
  BsonDocument fields() {
    BsonDocument d = new BsonDocument();
    d.put("big", int64());
    d.put("amount", decimal());
    d.put("when", date());
    d.put("blob", binary0());
    d.put("uuid", uuid());
    d.put("ts", timestamp());
    d.put("ref", new BsonObjectId(new ObjectId()));
    d.put("ratio", new BsonDouble(DOUBLES[random.nextInt(DOUBLES.length)]));
    d.put(MIXED, mixedArray(2));
    return d;
  }

  /** A value of a random one of the types (a field set to it may change type). */
  BsonValue value() {
    return switch (random.nextInt(10)) {
      case 0 -> int64();
      case 1 -> decimal();
      case 2 -> date();
      case 3 -> binary0();
      case 4 -> uuid();
      case 5 -> timestamp();
      case 6 -> new BsonObjectId(new ObjectId());
      case 7 -> new BsonDouble(DOUBLES[random.nextInt(DOUBLES.length)]);
      case 8 -> new BsonInt32(random.nextInt());
      default -> new BsonDocument("nested", int64()).append("at", date());
    };
  }

  /** An array of mixed types, with an array and a document inside while {@code depth > 0}. */
  BsonArray mixedArray(int depth) {
    List<BsonValue> values = new ArrayList<>();
    values.add(int64());
    values.add(new BsonString("s" + random.nextInt(100)));
    values.add(BsonNull.VALUE);
    values.add(value());
    if (depth > 0) {
      values.add(mixedArray(depth - 1));
      values.add(new BsonDocument("d", decimal()).append("b", binary0()));
    }
    return new BsonArray(values);
  }

  /** A Mongo {@code _id} of a type json mode would change: ObjectId, UUID, Int64 beyond 2^53. */
  BsonValue id() {
    return switch (random.nextInt(3)) {
      case 0 -> new BsonObjectId(new ObjectId());
      case 1 -> uuid();
      default -> new BsonInt64(TWO_TO_53 + 1 + (random.nextLong() >>> 12));
    };
  }

  private BsonInt64 int64() {
    // beyond 2^53 (a double cannot hold it), both signs, and the extremes
    return new BsonInt64(
        switch (random.nextInt(4)) {
          case 0 -> TWO_TO_53 + 1 + random.nextInt(1_000_000);
          case 1 -> -(TWO_TO_53 + 1 + random.nextInt(1_000_000));
          case 2 -> Long.MAX_VALUE - random.nextInt(1000);
          default -> Long.MIN_VALUE + random.nextInt(1000);
        });
  }

  private BsonDecimal128 decimal() {
    return new BsonDecimal128(Decimal128.parse(DECIMALS[random.nextInt(DECIMALS.length)]));
  }

  private BsonDateTime date() {
    // before 1970 too; milliseconds matter
    return new BsonDateTime(random.nextLong() % 4_000_000_000_000L);
  }

  private BsonBinary binary0() {
    byte[] bytes = new byte[random.nextInt(24)];
    random.nextBytes(bytes);
    return new BsonBinary(BsonBinarySubType.BINARY, bytes);
  }

  private BsonBinary uuid() {
    UUID u = new UUID(random.nextLong(), random.nextLong());
    byte[] bytes =
        ByteBuffer.allocate(16)
            .putLong(u.getMostSignificantBits())
            .putLong(u.getLeastSignificantBits())
            .array();
    return new BsonBinary(BsonBinarySubType.UUID_STANDARD, bytes);
  }

  private BsonTimestamp timestamp() {
    // t as an unsigned 32-bit number of seconds, i the increment
    return new BsonTimestamp(random.nextInt(), random.nextInt(1 << 20));
  }
}
