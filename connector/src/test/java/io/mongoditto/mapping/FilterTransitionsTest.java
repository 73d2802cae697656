package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** Documents entering and leaving a collection's filter ({"deleted": false, "active": true}). */
class FilterTransitionsTest {

  private static final String ACTIVE = "\"deleted\": false, \"active\": true";
  private static final String INACTIVE = "\"deleted\": false, \"active\": false";

  private final ChangeEventMapper customers =
      new ChangeEventMapper(
          CollectionMapping.singleField("customers", "customer_id"),
          new ConversionStats(),
          QueryFilter.parse("{\"deleted\": false, \"active\": true}")
              .withMatcher(new MongoJavaServerMatcher()),
          FieldTransforms.NONE);

  private static String doc(String state) {
    return "{\"_id\": 1, \"customer_id\": \"C-1\", \"name\": \"Ada\", " + state + "}";
  }

  private static BsonDocument update(String updatedFields, String post, String pre) {
    return Events.event(
        "update",
        "customers",
        "{\"documentKey\": {\"_id\": 1},"
            + " \"updateDescription\": {\"updatedFields\": "
            + updatedFields
            + ", \"removedFields\": [], \"truncatedArrays\": []},"
            + " \"fullDocument\": "
            + post
            + (pre == null ? "" : ", \"fullDocumentBeforeChange\": " + pre)
            + "}");
  }

  private static List<DittoChange.Operation> ops(MappingResult r) {
    assertNull(r.error(), () -> r.error().describe());
    return r.changes().stream().map(DittoChange::operation).toList();
  }

  @Test
  void insertOfAMatchingDocumentIsUpserted() {
    BsonDocument e =
        Events.event(
            "insert",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"fullDocument\": " + doc(ACTIVE) + "}");
    assertEquals(List.of(DittoChange.Operation.UPSERT), ops(customers.map(e)));
  }

  @Test
  void insertOfANonMatchingDocumentSendsNothing() {
    BsonDocument e =
        Events.event(
            "insert",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"fullDocument\": " + doc(INACTIVE) + "}");
    assertEquals(List.of(), ops(customers.map(e)));
  }

  @Test
  void updateThatStopsMatchingDeletesFromDitto() {
    MappingResult r = customers.map(update("{\"active\": false}", doc(INACTIVE), doc(ACTIVE)));
    assertEquals(List.of(DittoChange.Operation.DELETE), ops(r));
    assertEquals("C-1", r.changes().get(0).id());
  }

  @Test
  void updateThatStopsMatchingWithoutPreImageStillDeletes() {
    assertEquals(
        List.of(DittoChange.Operation.DELETE),
        ops(customers.map(update("{\"active\": false}", doc(INACTIVE), null))));
  }

  @Test
  void updateThatStartsMatchingUpsertsTheWholeDocument() {
    MappingResult r = customers.map(update("{\"active\": true}", doc(ACTIVE), doc(INACTIVE)));
    assertEquals(List.of(DittoChange.Operation.UPSERT), ops(r));
    DittoChange c = r.changes().get(0);
    assertTrue(c.replace(), "the whole document, not just the changed field");
    assertEquals("Ada", c.document().get("name"));
  }

  @Test
  void updateOfADocumentThatNeverMatchesSendsNothing() {
    assertEquals(
        List.of(), ops(customers.map(update("{\"name\": \"Bo\"}", doc(INACTIVE), doc(INACTIVE)))));
  }

  @Test
  void updateOfAMatchingDocumentIsANormalUpsert() {
    MappingResult r = customers.map(update("{\"name\": \"Bo\"}", doc(ACTIVE), doc(ACTIVE)));
    assertEquals(List.of(DittoChange.Operation.UPSERT), ops(r));
    assertFalse(r.changes().get(0).replace());
  }

  @Test
  void deleteOfADocumentThatNeverMatchedSendsNothing() {
    BsonDocument e =
        Events.event(
            "delete",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"fullDocumentBeforeChange\": " + doc(INACTIVE) + "}");
    assertEquals(List.of(), ops(customers.map(e)));
  }

  @Test
  void deleteOfAMatchingDocumentDeletes() {
    BsonDocument e =
        Events.event(
            "delete",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"fullDocumentBeforeChange\": " + doc(ACTIVE) + "}");
    assertEquals(List.of(DittoChange.Operation.DELETE), ops(customers.map(e)));
  }

  @Test
  void replaceThatStopsMatchingDeletes() {
    BsonDocument e =
        Events.event(
            "replace",
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"fullDocument\": " + doc(INACTIVE) + "}");
    assertEquals(List.of(DittoChange.Operation.DELETE), ops(customers.map(e)));
  }

  @Test
  void snapshotSkipsNonMatchingDocuments() {
    assertEquals(List.of(), ops(customers.mapSnapshot(BsonDocument.parse(doc(INACTIVE)), 1)));
    assertEquals(
        List.of(DittoChange.Operation.UPSERT),
        ops(customers.mapSnapshot(BsonDocument.parse(doc(ACTIVE)), 1)));
  }

  @Test
  void idChangeWhileLeavingTheFilterOnlyDeletesTheOld() {
    String pre = doc(ACTIVE);
    String post = "{\"_id\": 1, \"customer_id\": \"C-2\", \"name\": \"Ada\", " + INACTIVE + "}";
    MappingResult r =
        customers.map(update("{\"customer_id\": \"C-2\", \"active\": false}", post, pre));
    assertTrue(r.idChanged());
    assertEquals(List.of(DittoChange.Operation.DELETE), ops(r));
    assertEquals("C-1", r.changes().get(0).id());
  }

  @Test
  void aFilterThatThrowsIsAMappingErrorNotACrash() {
    ChangeEventMapper broken =
        new ChangeEventMapper(
            CollectionMapping.matchIds("c"),
            new ConversionStats(),
            d -> {
              throw new IllegalStateException("boom");
            },
            FieldTransforms.NONE);
    MappingResult r = broken.mapSnapshot(BsonDocument.parse("{\"_id\": 1}"), 1);
    assertTrue(r.failed());
    assertTrue(r.error().reason().contains("boom"));
  }
}
