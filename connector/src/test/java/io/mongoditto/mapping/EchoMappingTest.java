package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/**
 * MongoDB changes the Ditto -> MongoDB direction made itself: nothing goes back to Ditto, except
 * over a copy's window (what they changed).
 */
class EchoMappingTest {

  private static MappingResult echo(ChangeEventMapper mapper, String op, String body) {
    return mapper.mapEcho(Events.event(op, "inventory", body));
  }

  private static ChangeEventMapper mapper(CollectionMapping mapping, String filter) {
    return SyncRules.parse(filter, null, null, null).mapper(mapping, new ConversionStats());
  }

  @Test
  void anEchoOnlyTouchesTheDocument() {
    MappingResult r =
        echo(
            mapper(CollectionMapping.matchIds("inventory"), null),
            "update",
            "{\"documentKey\": {\"_id\": 7}, \"updateDescription\": {\"updatedFields\": {\"qty\": 3},"
                + " \"removedFields\": []}, \"fullDocument\": {\"_id\": 7, \"qty\": 3}}");
    assertEquals(1, r.changes().size());
    DittoChange c = r.changes().get(0);
    assertTrue(c.isTouch(), c::toString);
    assertEquals(7L, c.id());
  }

  @Test
  void anEchoThatMadeTheDocumentStopMatchingDeletesItFromDitto() {
    MappingResult r =
        echo(
            mapper(CollectionMapping.matchIds("inventory"), "{\"active\": true}"),
            "update",
            "{\"documentKey\": {\"_id\": 7}, \"updateDescription\": {\"updatedFields\": {\"active\":"
                + " false}, \"removedFields\": []}, \"fullDocument\": {\"_id\": 7, \"active\": false}}");
    assertTrue(r.changes().get(0).isDelete());
  }

  @Test
  void aDocumentTheDirectionCreatedUnderKeepMongoIdGetsItsMongoId() {
    CollectionMapping mapping =
        new CollectionMapping("inventory", "inventory", IdMode.SINGLE_FIELD, List.of("sku"), true);
    BsonDocument body =
        BsonDocument.parse(
            "{\"documentKey\": {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}}, \"fullDocument\":"
                + " {\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}, \"sku\": \"A\", \"qty\": 1}}");
    MappingResult r = echo(mapper(mapping, null), "insert", body.toJson());
    DittoChange c = r.changes().get(0);
    assertEquals(List.of("mongo_id"), c.changedPaths());
    assertEquals("65a1b2c3d4e5f60718293a4b", c.document().get("mongo_id"));
    assertEquals("A", c.id());
  }

  @Test
  void theEchoOfADeleteIsNothing() {
    MappingResult r =
        echo(
            mapper(CollectionMapping.matchIds("inventory"), null),
            "delete",
            "{\"documentKey\": {\"_id\": 7}}");
    assertTrue(r.changes().isEmpty());
  }

  @Test
  void overACopyAnOwnUpdateIsSentAsWhatItChangedWithTheValuesItWrote() {
    // updateLookup read the document later, after a newer write: the update's own value goes.
    MappingResult r =
        mapper(CollectionMapping.matchIds("inventory"), null)
            .mapOwnWriteOverCopy(
                Events.event(
                    "update",
                    "inventory",
                    "{\"documentKey\": {\"_id\": 7}, \"updateDescription\": {\"updatedFields\":"
                        + " {\"qty\": 3}, \"removedFields\": [\"note\"]}, \"fullDocument\":"
                        + " {\"_id\": 7, \"qty\": 4, \"lane\": 2}}"));
    DittoChange c = r.changes().get(0);
    assertTrue(c.isDelta(), c::toString);
    assertEquals(List.of("qty"), c.changedPaths());
    assertEquals(List.of("note"), c.unsetPaths());
    assertEquals(3, ((Number) c.document().get("qty")).intValue());
  }

  @Test
  void overACopyAnOwnDeleteIsADeleteAndAnOwnInsertIsWhole() {
    ChangeEventMapper mapper = mapper(CollectionMapping.matchIds("inventory"), null);
    MappingResult deleted =
        mapper.mapOwnWriteOverCopy(
            Events.event("delete", "inventory", "{\"documentKey\": {\"_id\": 7}}"));
    assertTrue(deleted.changes().get(0).isDelete());
    assertEquals(7L, deleted.changes().get(0).id());
    MappingResult inserted =
        mapper.mapOwnWriteOverCopy(
            Events.event(
                "insert",
                "inventory",
                "{\"documentKey\": {\"_id\": 8}, \"fullDocument\": {\"_id\": 8, \"qty\": 1}}"));
    DittoChange c = inserted.changes().get(0);
    assertTrue(c.replace(), c::toString);
    assertEquals(1, ((Number) c.document().get("qty")).intValue());
  }

  @Test
  void overACopyAnOwnWriteLeavingTheFilterStillDeletesFromDitto() {
    // A device's new document that never matched: written to MongoDB, then removed from Ditto.
    MappingResult r =
        mapper(CollectionMapping.matchIds("inventory"), "{\"active\": true}")
            .mapOwnWriteOverCopy(
                Events.event(
                    "insert",
                    "inventory",
                    "{\"documentKey\": {\"_id\": 9}, \"fullDocument\": {\"_id\": 9, \"active\":"
                        + " false}}"));
    assertEquals(1, r.changes().size());
    assertTrue(r.changes().get(0).isDelete(), r.changes()::toString);
  }
}
