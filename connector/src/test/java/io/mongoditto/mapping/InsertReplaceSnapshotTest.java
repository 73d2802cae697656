package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class InsertReplaceSnapshotTest {

  private final ConversionStats stats = new ConversionStats();

  private DittoChange single(CollectionMapping mapping, BsonDocument event) {
    MappingResult r = new ChangeEventMapper(mapping, stats).map(event);
    assertNull(r.error(), () -> r.error().describe());
    assertEquals(1, r.changes().size());
    assertFalse(r.idChanged());
    return r.changes().get(0);
  }

  @Test
  void insertUnderMatchIdsWithUuidIdConvertsEveryFieldAndCountsTheBinary() {
    DittoChange c =
        single(CollectionMapping.matchIds("inventory"), Events.load("inventory-insert-uuid"));
    assertEquals(DittoChange.Operation.UPSERT, c.operation());
    assertTrue(c.replace());
    assertEquals(List.of(), c.unsetPaths());
    assertEquals("0f8fad5b-d9cb-469f-a165-70867728950e", c.id());
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("_id", "0f8fad5b-d9cb-469f-a165-70867728950e");
    expected.put("product_id", "P-42");
    expected.put("store_id", "S-7");
    expected.put("quantity", 17L);
    expected.put("reorder_level", 5L);
    expected.put("unit_cost", 3.25);
    expected.put("last_counted", "2024-01-01T00:00:00.000Z");
    expected.put(
        "sku_pattern",
        Map.of("$regularExpression", Map.of("pattern", "^P-[0-9]+$", "options", "i")));
    expected.put("price", "4.99");
    expected.put("ts", 1704067200L);
    assertEquals(expected, c.document());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(c.document().keySet()));
    assertEquals(1, stats.omittedCount("BINARY"), "the checksum Binary is left out and counted");
    assertEquals("inventory", c.collection());
    assertEquals(1704164647123L, c.sourceTimeMillis());
    assertEquals(
        "{\"$binary\": {\"base64\": \"D4+tW9nLRp+hZXCGdyiVDg==\", \"subType\": \"04\"}}",
        c.sourceId());
  }

  @Test
  void insertUnderSingleFieldDropsTheMongoIdAndKeepsTheIdField() {
    BsonDocument event =
        Events.event(
            "insert",
            "customers",
            "{\"documentKey\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}},"
                + " \"fullDocument\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}, \"customer_id\": \"C-1\", \"name\": \"Ada\"}}");
    DittoChange c = single(CollectionMapping.singleField("customers", "customer_id"), event);
    assertEquals("C-1", c.id());
    assertEquals(Map.of("_id", "C-1", "customer_id", "C-1", "name", "Ada"), c.document());
    assertEquals("{\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}", c.sourceId());
    assertEquals(Events.WALL_TIME, c.sourceTimeMillis());
  }

  @Test
  void keepMongoIdCopiesItAsMongoId() {
    CollectionMapping mapping =
        new CollectionMapping(
            "customers", "customers", IdMode.SINGLE_FIELD, List.of("customer_id"), true);
    BsonDocument event =
        Events.event(
            "insert",
            "customers",
            "{\"documentKey\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}},"
                + " \"fullDocument\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}, \"customer_id\": 7}}");
    DittoChange c = single(mapping, event);
    assertEquals(7L, c.id());
    assertEquals(
        Map.of("_id", 7L, "customer_id", 7L, "mongo_id", "65a1b2c3d4e5f60718293a4b"), c.document());
  }

  @Test
  void multipleFieldsMakeAnOrderedIdObjectAndKeepTheFields() {
    CollectionMapping mapping =
        CollectionMapping.multipleFields("stock", List.of("store_id", "sku"));
    BsonDocument event =
        Events.event(
            "insert",
            "stock",
            "{\"documentKey\": {\"_id\": 1},"
                + " \"fullDocument\": {\"_id\": 1, \"sku\": \"A\", \"store_id\": {\"$numberLong\": \"3\"}, \"qty\": 2}}");
    DittoChange c = single(mapping, event);
    Map<?, ?> id = (Map<?, ?>) c.id();
    assertEquals(
        List.of("store_id", "sku"),
        List.copyOf(id.keySet()),
        "configured order, not document order");
    assertEquals(Map.of("store_id", 3L, "sku", "A"), id);
    assertEquals(Map.of("_id", id, "sku", "A", "store_id", 3L, "qty", 2L), c.document());
  }

  @Test
  void replaceWithoutPreImageIsAWholeReplace() {
    BsonDocument event =
        Events.event(
            "replace",
            "categories",
            "{\"documentKey\": {\"_id\": \"tools\"}, \"fullDocument\": {\"_id\": \"tools\", \"label\": \"Tools\"}}");
    DittoChange c = single(CollectionMapping.matchIds("categories"), event);
    assertTrue(c.replace());
    assertEquals(List.of(), c.unsetPaths());
    assertEquals(Map.of("_id", "tools", "label", "Tools"), c.document());
  }

  @Test
  void replaceThatDropsFieldsIsAReplaceOfTheNewDocument() {
    DittoChange c =
        single(
            CollectionMapping.singleField("products", "product_id"),
            Events.load("products-replace-preimage"));
    assertTrue(c.replace(), "replace=true makes the sink drop legacy_code and dims");
    assertEquals(List.of("legacy_code", "dims"), c.unsetPaths(), "exact, from the pre-image");
    assertEquals(
        Map.of("_id", "P-42", "product_id", "P-42", "name", "Hammer v2", "price", 12.5),
        c.document());
  }

  @Test
  void snapshotDocumentIsAReplaceAtReadTime() {
    BsonDocument doc =
        BsonDocument.parse(
            "{\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}, \"store_id\": \"S-1\", \"open\": true}");
    MappingResult r =
        new ChangeEventMapper(CollectionMapping.singleField("stores", "store_id"), stats)
            .mapSnapshot(doc, 1234L);
    DittoChange c = r.changes().get(0);
    assertTrue(c.replace());
    assertEquals(1234L, c.sourceTimeMillis());
    assertEquals("S-1", c.id());
    assertEquals(Map.of("_id", "S-1", "store_id", "S-1", "open", true), c.document());
  }

  @Test
  void objectIdUnderMatchIdsBecomesHex() {
    BsonDocument event =
        Events.event(
            "insert",
            "categories",
            "{\"documentKey\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}},"
                + " \"fullDocument\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}}}");
    DittoChange c = single(CollectionMapping.matchIds("categories"), event);
    assertEquals("65a1b2c3d4e5f60718293a4b", c.id());
    assertEquals(Map.of("_id", "65a1b2c3d4e5f60718293a4b"), c.document());
  }

  @Test
  void sourceTimeFallsBackToClusterTimeSeconds() {
    BsonDocument event =
        Events.event(
            "insert",
            "categories",
            "{\"documentKey\": {\"_id\": 5}, \"fullDocument\": {\"_id\": 5}}");
    event.remove("wallTime");
    assertEquals(
        1704164645000L, single(CollectionMapping.matchIds("categories"), event).sourceTimeMillis());
    event.remove("clusterTime");
    assertEquals(0L, single(CollectionMapping.matchIds("categories"), event).sourceTimeMillis());
  }

  @Test
  void dittoCollectionNameIsUsed() {
    CollectionMapping mapping =
        new CollectionMapping("cats", "categories", IdMode.MATCH_IDS, List.of(), false);
    BsonDocument event =
        Events.event(
            "insert", "cats", "{\"documentKey\": {\"_id\": 5}, \"fullDocument\": {\"_id\": 5}}");
    assertEquals("categories", single(mapping, event).collection());
  }
}
