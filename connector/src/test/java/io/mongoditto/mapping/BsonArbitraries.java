package io.mongoditto.mapping;

import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
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
 * Generated BSON values of every type MongoDB stores, with the edge values that break conversions:
 * Int64 around and beyond 2^53, NaN, infinities and -0.0, Decimal128 extremes, Binary subtypes
 * 0/3/4, Timestamps, nested arrays of mixed types, empty documents, unicode keys.
 */
final class BsonArbitraries {

  private BsonArbitraries() {}

  static Arbitrary<BsonValue> scalars(boolean jsonSafe) {
    return Arbitraries.oneOf(
        List.of(
            int32(),
            int64(),
            doubles(jsonSafe),
            decimals(),
            strings().map(BsonString::new),
            Arbitraries.of(BsonBoolean.TRUE, BsonBoolean.FALSE),
            Arbitraries.just(BsonNull.VALUE),
            Arbitraries.randomValue(r -> new BsonObjectId(new ObjectId())),
            dates(),
            binaries(),
            timestamps(),
            regexes(),
            Arbitraries.of(new BsonMinKey(), new BsonMaxKey()),
            strings().map(BsonSymbol::new),
            strings().map(BsonJavaScript::new)));
  }

  static Arbitrary<BsonValue> values(boolean jsonSafe) {
    return Arbitraries.recursive(
        () -> scalars(jsonSafe),
        inner ->
            Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> (BsonValue) new BsonArray(l)),
                documents(inner).map(d -> (BsonValue) d)),
        0,
        3);
  }

  static Arbitrary<BsonDocument> documents(boolean jsonSafe) {
    return documents(values(jsonSafe));
  }

  private static Arbitrary<BsonDocument> documents(Arbitrary<BsonValue> fieldValues) {
    return Arbitraries.maps(keys(), fieldValues)
        .ofMaxSize(5)
        .map(
            m -> {
              BsonDocument d = new BsonDocument();
              m.forEach(d::put);
              return d;
            });
  }

  /** Field names as apps write them: letters, digits, underscores, unicode; never $ or dots. */
  static Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6),
            Arbitraries.of("ünïcødé", "名前", "emoji_😀", "with space", "x_1")));
  }

  private static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.strings().ofMaxLength(12),
            Arbitraries.of("", "2026-01-02T03:04:05.000Z", "65a1b2c3d4e5f60718293a4b", "1.50")));
  }

  private static Arbitrary<BsonValue> int32() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.integers().map(BsonInt32::new),
            Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1).map(BsonInt32::new)));
  }

  private static Arbitrary<BsonValue> int64() {
    long two53 = 1L << 53;
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.longs().map(BsonInt64::new),
            Arbitraries.longs().between(two53 - 3, two53 + 3).map(BsonInt64::new),
            Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, -two53 - 1).map(BsonInt64::new)));
  }

  private static Arbitrary<BsonValue> doubles(boolean jsonSafe) {
    Arbitrary<Double> finite =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.doubles(),
                Arbitraries.of(0.1, -0.0, 1e300, 4.9e-324, 9007199254740993.0, 1.5)));
    Arbitrary<Double> all =
        jsonSafe
            ? finite
            : Arbitraries.oneOf(
                List.of(
                    finite,
                    Arbitraries.of(
                        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
    return all.map(BsonDouble::new);
  }

  private static Arbitrary<BsonValue> decimals() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.bigDecimals()
                .between(new java.math.BigDecimal("-1e20"), new java.math.BigDecimal("1e20"))
                .ofScale(4)
                .map(d -> new BsonDecimal128(new Decimal128(d))),
            Arbitraries.of(
                    "0",
                    "-0",
                    "1.50",
                    "1E+6144",
                    "-1E-6176",
                    "9.999999999999999999999999999999999E+6144",
                    "NaN",
                    "Infinity",
                    "-Infinity")
                .map(s -> new BsonDecimal128(Decimal128.parse(s)))));
  }

  private static Arbitrary<BsonValue> dates() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.longs().between(-62135596800000L, 253402300799999L).map(BsonDateTime::new),
            Arbitraries.of(0L, -1L, 1735689600000L).map(BsonDateTime::new)));
  }

  private static Arbitrary<BsonValue> binaries() {
    Arbitrary<BsonValue> generic =
        Combinators.combine(
                Arbitraries.of((byte) 0, (byte) 5, (byte) 0x80),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20))
            .as((type, data) -> new BsonBinary(type, data));
    Arbitrary<BsonValue> uuids =
        Combinators.combine(
                Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong())),
                Arbitraries.of(UuidRepresentation.STANDARD, UuidRepresentation.PYTHON_LEGACY))
            .as((uuid, rep) -> new BsonBinary(uuid, rep));
    return Arbitraries.oneOf(List.of(generic, uuids));
  }

  private static Arbitrary<BsonValue> timestamps() {
    return Combinators.combine(Arbitraries.integers(), Arbitraries.integers())
        .as((t, i) -> new BsonTimestamp(t, i));
  }

  private static Arbitrary<BsonValue> regexes() {
    return Combinators.combine(
            Arbitraries.of("^a.*z$", "[0-9]+", "ünï"), Arbitraries.of("", "i", "imsx"))
        .as(BsonRegularExpression::new);
  }
}
