package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class DeleteEventTest {

  private final ConversionStats stats = new ConversionStats();

  private MappingResult map(CollectionMapping mapping, BsonDocument event) {
    return new ChangeEventMapper(mapping, stats).map(event);
  }

  private static DittoChange onlyDelete(MappingResult r) {
    assertNull(r.error(), () -> r.error().describe());
    assertEquals(1, r.changes().size());
    DittoChange c = r.changes().get(0);
    assertTrue(c.isDelete());
    return c;
  }

  @Test
  void matchIdsTakesTheIdFromDocumentKey() {
    BsonDocument event =
        Events.event(
            "delete",
            "categories",
            "{\"documentKey\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}}}");
    DittoChange c = onlyDelete(map(CollectionMapping.matchIds("categories"), event));
    assertEquals("65a1b2c3d4e5f60718293a4b", c.id());
    assertEquals("categories", c.collection());
    assertEquals(Events.WALL_TIME, c.sourceTimeMillis());
    assertEquals("{\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}", c.sourceId());
  }

  @Test
  void matchIdsWithUuidIdDeletesTheUuidString() {
    BsonDocument event =
        Events.event(
            "delete",
            "order_items",
            "{\"documentKey\": {\"_id\": {\"$binary\": {\"base64\": \"D4+tW9nLRp+hZXCGdyiVDg==\", \"subType\": \"04\"}}}}");
    assertEquals(
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        onlyDelete(map(CollectionMapping.matchIds("order_items"), event)).id());
  }

  @Test
  void singleFieldTakesTheIdFromThePreImage() {
    DittoChange c =
        onlyDelete(
            map(
                CollectionMapping.singleField("orders", "order_id"),
                Events.load("orders-delete-preimage")));
    assertEquals("ORD-2024-0001", c.id());
    assertEquals(1704164646000L, c.sourceTimeMillis());
  }

  @Test
  void multipleFieldsTakeTheIdFromThePreImage() {
    CollectionMapping mapping =
        CollectionMapping.multipleFields("orders", List.of("store_id", "order_id"));
    DittoChange c = onlyDelete(map(mapping, Events.load("orders-delete-preimage")));
    assertEquals(Map.of("store_id", "S-7", "order_id", "ORD-2024-0001"), c.id());
  }

  @Test
  void shardedDocumentKeyWithTheIdFieldsNeedsNoPreImage() {
    BsonDocument event =
        Events.event(
            "delete",
            "orders",
            "{\"documentKey\": {\"store_id\": \"S-7\", \"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a99\"}}}");
    DittoChange c = onlyDelete(map(CollectionMapping.singleField("orders", "store_id"), event));
    assertEquals("S-7", c.id());
  }

  @Test
  void singleFieldWithoutPreImageSaysWhatToRun() {
    BsonDocument event =
        Events.event(
            "delete",
            "orders",
            "{\"documentKey\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a99\"}}}");
    MappingResult r = map(CollectionMapping.singleField("orders", "order_id"), event);
    assertTrue(r.failed());
    assertTrue(r.changes().isEmpty());
    assertEquals("orders", r.error().collection());
    assertEquals("order_id", r.error().field());
    assertEquals("{\"$oid\": \"65a1b2c3d4e5f60718293a99\"}", r.error().sourceId());
    assertTrue(
        r.error()
            .reason()
            .contains(
                "db.runCommand({collMod: \"orders\", changeStreamPreAndPostImages: {enabled: true}})"),
        r.error().reason());
    assertTrue(
        r.error().describe().startsWith("collection 'orders', document _id {\"$oid\""),
        r.error().describe());
  }

  @Test
  void nullPreImageIsTreatedAsMissing() {
    BsonDocument event =
        Events.event(
            "delete",
            "orders",
            "{\"documentKey\": {\"_id\": 3}, \"fullDocumentBeforeChange\": null}");
    MappingResult r = map(CollectionMapping.multipleFields("orders", List.of("a", "b")), event);
    assertTrue(r.failed());
    assertEquals("a,b", r.error().field());
    assertTrue(r.error().reason().contains("pre-image"));
  }

  @Test
  void preImageWithNullIdFieldIsAnError() {
    BsonDocument event =
        Events.event(
            "delete",
            "orders",
            "{\"documentKey\": {\"_id\": 3}, \"fullDocumentBeforeChange\": {\"_id\": 3, \"order_id\": null}}");
    MappingResult r = map(CollectionMapping.singleField("orders", "order_id"), event);
    assertTrue(r.failed());
    assertEquals("order_id", r.error().field());
    assertTrue(r.error().reason().contains("null"));
  }
}
