package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** Documents that cannot be mapped give a specific error and no change; nothing throws. */
class PoisonInputTest {

  private static MappingError insertError(CollectionMapping mapping, String fullDocumentJson) {
    BsonDocument full = BsonDocument.parse(fullDocumentJson);
    BsonDocument event = Events.event("insert", mapping.mongoCollection(), "{}");
    if (full.containsKey("_id")) {
      event.put("documentKey", new BsonDocument("_id", full.get("_id")));
    }
    event.put("fullDocument", full);
    MappingResult r = new ChangeEventMapper(mapping, new ConversionStats()).map(event);
    assertTrue(r.failed(), "expected an error for " + fullDocumentJson);
    assertTrue(r.changes().isEmpty());
    assertEquals(mapping.mongoCollection(), r.error().collection());
    return r.error();
  }

  @Test
  void matchIdsRejectsAnEmbeddedDocumentId() {
    MappingError e =
        insertError(CollectionMapping.matchIds("c"), "{\"_id\": {\"a\": 1}, \"x\": 1}");
    assertEquals("_id", e.field());
    assertEquals("{\"a\": 1}", e.sourceId());
    assertTrue(e.reason().contains("embedded document"), e.reason());
  }

  @Test
  void matchIdsRejectsNullAndArrayIds() {
    assertTrue(
        insertError(CollectionMapping.matchIds("c"), "{\"_id\": null}").reason().contains("null"));
    assertTrue(
        insertError(CollectionMapping.matchIds("c"), "{\"_id\": [1, 2]}")
            .reason()
            .contains("array"));
  }

  @Test
  void matchIdsRejectsAnIdDittoCannotCarry() {
    MappingError e = insertError(CollectionMapping.matchIds("c"), "{\"_id\": {\"$minKey\": 1}}");
    assertTrue(e.reason().contains("MIN_KEY"), e.reason());
  }

  @Test
  void singleFieldMissingNullOrArray() {
    CollectionMapping m = CollectionMapping.singleField("customers", "customer_id");
    MappingError missing = insertError(m, "{\"_id\": 1, \"name\": \"x\"}");
    assertEquals("customer_id", missing.field());
    assertEquals("1", missing.sourceId());
    assertTrue(missing.reason().contains("missing"));
    assertTrue(insertError(m, "{\"_id\": 1, \"customer_id\": null}").reason().contains("null"));
    assertTrue(insertError(m, "{\"_id\": 1, \"customer_id\": [\"a\"]}").reason().contains("array"));
    assertTrue(
        insertError(m, "{\"_id\": 1, \"customer_id\": {\"$numberDouble\": \"NaN\"}}")
            .reason()
            .contains("JSON"));
  }

  @Test
  void multipleFieldsNameTheFieldAtFault() {
    CollectionMapping m = CollectionMapping.multipleFields("stock", List.of("store", "sku"));
    assertEquals("sku", insertError(m, "{\"_id\": 1, \"store\": 1}").field());
    assertEquals("store", insertError(m, "{\"_id\": 1, \"store\": null, \"sku\": \"a\"}").field());
    assertEquals("sku", insertError(m, "{\"_id\": 1, \"store\": 1, \"sku\": []}").field());
  }

  @Test
  void nanInABodyFieldNamesTheField() {
    MappingError e =
        insertError(
            CollectionMapping.matchIds("c"),
            "{\"_id\": 1, \"m\": {\"score\": {\"$numberDouble\": \"Infinity\"}}}");
    assertEquals("m.score", e.field());
    assertTrue(
        e.describe().contains("collection 'c', document _id 1, field 'm.score'"), e.describe());
  }

  @Test
  void documentAboveDittosHardLimitIsRefusedWithItsSize() {
    BsonDocument big = new BsonDocument("_id", new BsonInt32(1));
    String chunk = "x".repeat(1024 * 1024);
    for (int i = 0; i < 6; i++) {
      big.put("part" + i, new BsonString(chunk));
    }
    BsonDocument event = Events.event("insert", "c", "{\"documentKey\": {\"_id\": 1}}");
    event.put("fullDocument", big);
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.matchIds("c"), new ConversionStats()).map(event);
    assertTrue(r.failed());
    assertNull(r.error().field());
    assertTrue(r.error().reason().contains("5242880"), r.error().reason());
    assertTrue(r.error().reason().matches(".*is 629\\d{4} bytes.*"), r.error().reason());
  }

  @Test
  void documentJustBelowTheLimitPasses() {
    BsonDocument doc =
        new BsonDocument("_id", new BsonInt32(1))
            .append("s", new BsonString("é".repeat(2_500_000)));
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.matchIds("c"), new ConversionStats())
            .mapSnapshot(doc, 1);
    assertNull(r.error(), () -> r.error().describe());
  }

  @Test
  void nonAsciiCountsInUtf8Bytes() {
    // 2,700,000 two-byte characters = 5.4 MB of UTF-8, though only 2.7 M chars.
    BsonDocument doc =
        new BsonDocument("_id", new BsonInt32(1))
            .append("s", new BsonString("é".repeat(2_700_000)));
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.matchIds("c"), new ConversionStats())
            .mapSnapshot(doc, 1);
    assertTrue(r.failed());
  }

  @Test
  void absurdlyDeepDocumentIsAnErrorNotACrash() {
    BsonDocument doc = new BsonDocument("leaf", new BsonInt32(1));
    for (int i = 0; i < 3000; i++) {
      doc = new BsonDocument("n", doc);
    }
    doc.put("_id", new BsonInt32(1));
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.matchIds("c"), new ConversionStats())
            .mapSnapshot(doc, 1);
    assertTrue(r.failed());
    assertTrue(r.error().reason().contains("nested deeper"));
  }

  @Test
  void fieldNamesWithDotsDollarsAndNonAsciiPassThrough() {
    BsonDocument doc =
        BsonDocument.parse(
            "{\"_id\": \"ü-1\", \"a.b\": 1, \"$meta\": {\"x.y\": 2}, \"Größe\": \"groß\", \"emoji\": \"\uD83D\uDE00\"}");
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.matchIds("c"), new ConversionStats())
            .mapSnapshot(doc, 1);
    assertNull(r.error());
    Map<String, Object> out = r.changes().get(0).document();
    assertEquals("ü-1", r.changes().get(0).id());
    assertEquals(1L, out.get("a.b"));
    assertEquals(Map.of("x.y", 2L), out.get("$meta"));
    assertEquals("groß", out.get("Größe"));
    assertEquals("\uD83D\uDE00", out.get("emoji"));
    assertEquals("\"ü-1\"", r.changes().get(0).sourceId());
  }

  @Test
  void keepMongoIdRefusesToOverwriteAnExistingMongoIdField() {
    CollectionMapping m = new CollectionMapping("c", "c", IdMode.SINGLE_FIELD, List.of("k"), true);
    MappingError e = insertError(m, "{\"_id\": 1, \"k\": \"a\", \"mongo_id\": \"mine\"}");
    assertEquals("mongo_id", e.field());
  }

  @Test
  void nonDataOperationsAreRefusedNotMapped() {
    BsonDocument drop = Events.event("drop", "c", "{}");
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.matchIds("c"), new ConversionStats()).map(drop);
    assertTrue(r.failed());
    assertEquals("operationType", r.error().field());
    assertTrue(r.error().reason().contains("'drop'"));
  }

  @Test
  void insertWithoutFullDocumentIsAnError() {
    BsonDocument event = Events.event("insert", "c", "{\"documentKey\": {\"_id\": 1}}");
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.matchIds("c"), new ConversionStats()).map(event);
    assertEquals("fullDocument", r.error().field());
  }

  @Test
  void dittoIdOfThrowsWithTheSpecificReason() {
    ChangeEventMapper m =
        new ChangeEventMapper(CollectionMapping.singleField("c", "k"), new ConversionStats());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.dittoIdOf(new BsonDocument("_id", new BsonDouble(1.5))));
    assertTrue(e.getMessage().contains("field 'k'"), e.getMessage());
    assertEquals("v", m.dittoIdOf(new BsonDocument("k", new BsonString("v"))));
  }

  @Test
  void malformedEventIsAnErrorNotACrash() {
    BsonDocument event =
        Events.event(
            "update",
            "c",
            "{\"documentKey\": {\"_id\": 1},"
                + " \"updateDescription\": {\"updatedFields\": {}, \"removedFields\": [42], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1}}");
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.matchIds("c"), new ConversionStats()).map(event);
    assertTrue(r.failed());
    assertTrue(r.error().reason().startsWith("malformed change event"), r.error().reason());
    assertEquals("1", r.error().sourceId());
  }
}
