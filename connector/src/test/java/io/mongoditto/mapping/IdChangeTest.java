package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class IdChangeTest {

  private final ChangeEventMapper customers =
      new ChangeEventMapper(
          CollectionMapping.singleField("customers", "customer_id"), new ConversionStats());

  @Test
  void updateOfTheIdFieldWithPreImageDeletesTheOldAndUpsertsTheNew() {
    BsonDocument event =
        Events.event(
            "update",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"customer_id\": \"C-2\"}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocumentBeforeChange\": {\"_id\": 1, \"customer_id\": \"C-1\", \"name\": \"Ada\"},"
                + " \"fullDocument\": {\"_id\": 1, \"customer_id\": \"C-2\", \"name\": \"Ada\"}}");
    MappingResult r = customers.map(event);
    assertNull(r.error());
    assertTrue(r.idChanged());
    assertEquals(2, r.changes().size());
    DittoChange delete = r.changes().get(0);
    DittoChange upsert = r.changes().get(1);
    assertTrue(delete.isDelete());
    assertEquals("C-1", delete.id());
    assertEquals("C-2", upsert.id());
    assertTrue(upsert.replace(), "the new Ditto document is written whole");
    assertEquals(Map.of("_id", "C-2", "customer_id", "C-2", "name", "Ada"), upsert.document());
  }

  @Test
  void replaceChangingTheIdFieldWithPreImageDeletesTheOld() {
    BsonDocument event =
        Events.event(
            "replace",
            "customers",
            "{\"documentKey\": {\"_id\": 1},"
                + " \"fullDocumentBeforeChange\": {\"_id\": 1, \"customer_id\": \"C-1\"},"
                + " \"fullDocument\": {\"_id\": 1, \"customer_id\": \"C-9\"}}");
    MappingResult r = customers.map(event);
    assertTrue(r.idChanged());
    assertEquals(List.of("C-1", "C-9"), r.changes().stream().map(DittoChange::id).toList());
    assertTrue(r.changes().get(0).isDelete());
  }

  @Test
  void multipleFieldsIdChangeIsSeenOnAnyField() {
    ChangeEventMapper stock =
        new ChangeEventMapper(
            CollectionMapping.multipleFields("stock", List.of("store", "sku")),
            new ConversionStats());
    BsonDocument event =
        Events.event(
            "update",
            "stock",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"sku\": \"B\"}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocumentBeforeChange\": {\"_id\": 1, \"store\": 1, \"sku\": \"A\"},"
                + " \"fullDocument\": {\"_id\": 1, \"store\": 1, \"sku\": \"B\"}}");
    MappingResult r = stock.map(event);
    assertTrue(r.idChanged());
    assertEquals(Map.of("store", 1L, "sku", "A"), r.changes().get(0).id());
    assertEquals(Map.of("store", 1L, "sku", "B"), r.changes().get(1).id());
  }

  @Test
  void updateOfTheIdFieldWithoutPreImageUpsertsTheNewAndReportsIt() {
    BsonDocument event =
        Events.event(
            "update",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"customer_id\": \"C-2\"}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1, \"customer_id\": \"C-2\"}}");
    MappingResult r = customers.map(event);
    assertNull(r.error());
    assertTrue(r.idChanged(), "the source warns that the old Ditto document may remain");
    assertEquals(1, r.changes().size());
    assertEquals("C-2", r.changes().get(0).id());
    assertTrue(r.changes().get(0).replace());
  }

  @Test
  void updateOfOtherFieldsWithPreImageIsNoIdChange() {
    BsonDocument event =
        Events.event(
            "update",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"name\": \"Bo\"}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocumentBeforeChange\": {\"_id\": 1, \"customer_id\": \"C-1\", \"name\": \"Ada\"},"
                + " \"fullDocument\": {\"_id\": 1, \"customer_id\": \"C-1\", \"name\": \"Bo\"}}");
    MappingResult r = customers.map(event);
    assertFalse(r.idChanged());
    assertEquals(1, r.changes().size());
    assertFalse(r.changes().get(0).replace());
  }

  @Test
  void idFieldThatBecomesValidIsAWholeUpsert() {
    BsonDocument event =
        Events.event(
            "update",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"customer_id\": \"C-1\"}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocumentBeforeChange\": {\"_id\": 1, \"customer_id\": null},"
                + " \"fullDocument\": {\"_id\": 1, \"customer_id\": \"C-1\"}}");
    MappingResult r = customers.map(event);
    assertNull(r.error());
    assertEquals(1, r.changes().size());
    assertTrue(r.changes().get(0).replace(), "Ditto never had this document");
  }

  @Test
  void unsetOfTheIdFieldIsAnErrorNamingIt() {
    BsonDocument event =
        Events.event(
            "update",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {}, \"removedFields\": [\"customer_id\"], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1, \"name\": \"Ada\"}}");
    MappingResult r = customers.map(event);
    assertTrue(r.failed());
    assertEquals("customer_id", r.error().field());
    assertTrue(r.error().reason().contains("missing"));
  }
}
