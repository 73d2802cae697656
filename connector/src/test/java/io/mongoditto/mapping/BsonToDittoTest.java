package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDateTime;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class BsonToDittoTest {

  private final ConversionStats stats = new ConversionStats();
  private final BsonToDitto converter = new BsonToDitto(stats);

  private Object convert(BsonValue v) {
    return converter.value(v, "f");
  }

  /** The date text is written by hand for years 0000-9999: it must be the formatter's, always. */
  @Test
  void datesAreWrittenAsTheIsoFormatterWritesThem() {
    java.time.format.DateTimeFormatter iso =
        java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    java.util.List<Long> millis =
        new java.util.ArrayList<>(
            List.of(
                0L,
                -1L,
                1L,
                999L,
                -999L,
                -1000L,
                86_399_999L,
                -86_400_001L,
                951_782_400_000L, // 2000-02-29
                1_700_000_000_123L,
                -62_167_219_200_000L, // 0000-01-01T00:00:00.000Z
                -62_167_219_200_001L,
                253_402_300_799_999L, // 9999-12-31T23:59:59.999Z
                253_402_300_800_000L,
                Long.MIN_VALUE / 1000,
                Long.MAX_VALUE / 1000));
    java.util.Random random = new java.util.Random(19);
    for (int i = 0; i < 20_000; i++) {
      millis.add(random.nextLong() % 300_000_000_000_000L);
    }
    for (long ms : millis) {
      assertEquals(
          iso.format(java.time.Instant.ofEpochMilli(ms)),
          BsonToDitto.isoDate(ms),
          () -> "epoch millis " + ms);
    }
  }

  @Test
  void doubleStaysDouble() {
    assertEquals(2.5, convert(new BsonDouble(2.5)));
  }

  @Test
  void nanAndInfinityAreErrorsNamingTheField() {
    for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      MappingException e =
          assertThrows(
              MappingException.class,
              () ->
                  converter.document(
                      BsonDocument.parse("{\"m\": {\"v\": 1}}")
                          .append("x", new BsonDocument("v", new BsonDouble(d)))));
      assertEquals("x.v", e.field());
      assertTrue(e.reason().contains("JSON"), e.reason());
    }
  }

  @Test
  void nanInsideAnArrayNamesTheIndex() {
    BsonDocument doc =
        new BsonDocument(
            "a", new BsonArray(List.of(new BsonDouble(1), new BsonDouble(Double.NaN))));
    assertEquals(
        "a.1", assertThrows(MappingException.class, () -> converter.document(doc)).field());
  }

  @Test
  void stringsSymbolsAndBooleans() {
    assertEquals("héllo ✓", convert(new BsonString("héllo ✓")));
    assertEquals("sym", convert(new BsonSymbol("sym")));
    assertEquals(true, convert(org.bson.BsonBoolean.TRUE));
  }

  @Test
  void integersBecomeLongs() {
    assertEquals(42L, convert(new BsonInt32(42)));
    assertEquals(9_007_199_254_740_993L, convert(new BsonInt64(9_007_199_254_740_993L)));
  }

  @Test
  void objectIdBecomesHex() {
    ObjectId oid = new ObjectId("65a1b2c3d4e5f60718293a4b");
    assertEquals("65a1b2c3d4e5f60718293a4b", convert(new BsonObjectId(oid)));
  }

  @Test
  void dateBecomesIsoUtcWithMillis() {
    assertEquals("2024-01-02T03:04:05.678Z", convert(new BsonDateTime(1704164645678L)));
    assertEquals("2024-01-02T03:04:05.000Z", convert(new BsonDateTime(1704164645000L)));
    assertEquals("1969-12-31T23:59:59.999Z", convert(new BsonDateTime(-1)));
  }

  @Test
  void timestampBecomesEpochSeconds() {
    assertEquals(1704164645L, convert(new BsonTimestamp(1704164645, 7)));
    // Timestamp seconds are unsigned 32-bit: after 2038 they must not turn negative.
    assertEquals(4294967295L, convert(new BsonTimestamp(-1, 0)));
  }

  @Test
  void decimal128BecomesString() {
    assertEquals("19.99", convert(new BsonDecimal128(Decimal128.parse("19.99"))));
    assertEquals("NaN", convert(new BsonDecimal128(Decimal128.NaN)));
  }

  @Test
  void regexBecomesExtendedJsonObject() {
    assertEquals(
        Map.of("$regularExpression", Map.of("pattern", "^ab.*", "options", "im")),
        convert(new BsonRegularExpression("^ab.*", "mi")));
  }

  @Test
  void nullStaysNullAndIsKept() {
    Map<String, Object> doc = converter.document(new BsonDocument("n", BsonNull.VALUE));
    assertTrue(doc.containsKey("n"));
    assertEquals(null, doc.get("n"));
  }

  @Test
  void documentsAndArraysKeepOrderAndNesting() {
    BsonDocument doc =
        BsonDocument.parse(
            "{\"z\": 1, \"a\": {\"y\": [1, {\"k\": \"v\"}, [true]], \"b\": null}, \"m\": []}");
    Map<String, Object> out = converter.document(doc);
    assertEquals(List.of("z", "a", "m"), List.copyOf(out.keySet()));
    Map<?, ?> a = (Map<?, ?>) out.get("a");
    assertEquals(List.of("y", "b"), List.copyOf(a.keySet()));
    assertEquals(List.of(1L, Map.of("k", "v"), List.of(true)), a.get("y"));
    assertTrue(a.containsKey("b"));
    assertEquals(null, a.get("b"));
    assertEquals(List.of(), out.get("m"));
  }

  @Test
  void uuidSubtype4BecomesItsCanonicalString() {
    UUID uuid = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    assertEquals(uuid.toString(), convert(new BsonBinary(uuid)));
    assertEquals(0, stats.omittedTotal());
  }

  @Test
  void uuidSubtype3IsReadInByteOrder() {
    UUID uuid = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    BsonBinary legacy = new BsonBinary(uuid, UuidRepresentation.PYTHON_LEGACY);
    assertEquals(BsonBinarySubType.UUID_LEGACY.getValue(), legacy.getType());
    assertEquals(uuid.toString(), convert(legacy));
  }

  @Test
  void otherBinaryIsLeftOutAndCounted() {
    BsonDocument doc =
        new BsonDocument("keep", new BsonInt32(1))
            .append("blob", new BsonBinary(new byte[] {1, 2, 3}))
            .append(
                "short_uuid", new BsonBinary(BsonBinarySubType.UUID_STANDARD, new byte[] {1, 2}));
    Map<String, Object> out = converter.document(doc);
    assertEquals(Map.of("keep", 1L), out);
    assertEquals(2, stats.omittedCount("BINARY"));
  }

  @Test
  void everyUnsupportedTypeIsLeftOutAndCountedByType() {
    BsonDocument doc =
        new BsonDocument()
            .append("js", new BsonJavaScript("function(){}"))
            .append("jsScope", new BsonJavaScriptWithScope("x", new BsonDocument()))
            .append("min", new BsonMinKey())
            .append("max", new BsonMaxKey())
            .append("ptr", new BsonDbPointer("db.c", new ObjectId()))
            .append("undef", new BsonUndefined())
            .append("ok", new BsonString("yes"));
    assertEquals(Map.of("ok", "yes"), converter.document(doc));
    assertEquals(
        Map.of(
            "JAVASCRIPT",
            1L,
            "JAVASCRIPT_WITH_SCOPE",
            1L,
            "MIN_KEY",
            1L,
            "MAX_KEY",
            1L,
            "DB_POINTER",
            1L,
            "UNDEFINED",
            1L),
        stats.snapshot());
  }

  @Test
  void unsupportedValuesInsideArraysAreLeftOutAndCounted() {
    BsonDocument doc =
        new BsonDocument(
            "a",
            new BsonArray(
                List.of(
                    new BsonInt32(1),
                    new BsonMinKey(),
                    new BsonBinary(new byte[] {9}),
                    new BsonInt32(2))));
    assertEquals(Map.of("a", List.of(1L, 2L)), converter.document(doc));
    assertEquals(1, stats.omittedCount("MIN_KEY"));
    assertEquals(1, stats.omittedCount("BINARY"));
  }

  @Test
  void omittedMarkerIsReturnedForTopLevelValues() {
    assertSame(BsonToDitto.OMITTED, convert(new BsonMaxKey()));
    assertTrue(BsonToDitto.isOmitted(new BsonMaxKey()));
    assertFalse(BsonToDitto.isOmitted(new BsonBinary(UUID.randomUUID())));
  }

  @Test
  void fieldNamesWithDotsDollarsAndNonAsciiAreKept() {
    BsonDocument doc =
        new BsonDocument("a.b", new BsonInt32(1))
            .append("$price", new BsonInt32(2))
            .append("名前", new BsonString("東京"))
            .append("", new BsonInt32(3));
    Map<String, Object> out = converter.document(doc);
    assertEquals(1L, out.get("a.b"));
    assertEquals(2L, out.get("$price"));
    assertEquals("東京", out.get("名前"));
    assertEquals(3L, out.get(""));
  }

  @Test
  void nestingAsDeepAsMongoDbAllowsConverts() {
    BsonDocument doc = nested(100);
    Map<String, Object> out = converter.document(doc);
    int depth = 0;
    Object current = out;
    while (current instanceof Map<?, ?> m && m.containsKey("n")) {
      current = m.get("n");
      depth++;
    }
    assertEquals(100, depth);
  }

  @Test
  void absurdNestingIsAnErrorNotAStackOverflow() {
    MappingException e =
        assertThrows(MappingException.class, () -> converter.document(nested(5000)));
    assertTrue(e.reason().contains("nested deeper"), e.reason());
  }

  private static BsonDocument nested(int levels) {
    BsonDocument doc = new BsonDocument("leaf", new BsonInt32(1));
    for (int i = 0; i < levels; i++) {
      doc = new BsonDocument("n", doc);
    }
    return doc;
  }
}
