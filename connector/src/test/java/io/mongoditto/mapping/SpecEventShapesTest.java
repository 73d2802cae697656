package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The event shapes MongoDB's own change-streams spec tests expect, completed with the values those
 * tests do not pin down (generated ids, documentKey, lookups), fed through the mapper.
 */
class SpecEventShapesTest {

  private static final String STREAMS = "change-streams.json";
  private static final ObjectId OID = new ObjectId("65a1b2c3d4e5f60718293a4b");

  private final ChangeEventMapper mapper =
      new ChangeEventMapper(CollectionMapping.matchIds("collection0"), new ConversionStats());

  private static Map<String, BsonValue> fill(Object... pairs) {
    Map<String, BsonValue> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (BsonValue) pairs[i + 1]);
    }
    return m;
  }

  @Test
  void insertUpdateReplaceDeleteSequence() {
    BsonDocument test =
        SpecFixtures.test(STREAMS, "Test insert, update, replace, and delete event types");
    BsonValue id = new BsonObjectId(OID);
    BsonDocument key = new BsonDocument("_id", id);

    BsonDocument insert =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 0), fill("fullDocument._id", id, "documentKey", key));
    DittoChange c = mapper.map(insert).changes().get(0);
    assertTrue(c.replace());
    assertEquals(Map.of("_id", OID.toHexString(), "x", 1L), c.document());

    // The test runs without updateLookup; the completed event carries the looked-up document.
    BsonDocument update =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 1),
            fill(
                "documentKey",
                key,
                "fullDocument",
                new BsonDocument("_id", id).append("x", new BsonInt32(2))));
    assertFalse(
        update.getDocument("updateDescription").containsKey("truncatedArrays"),
        "unset matcher dropped");
    c = mapper.map(update).changes().get(0);
    assertFalse(c.replace());
    assertEquals(List.of(), c.unsetPaths());
    assertEquals(2L, c.document().get("x"));

    BsonDocument replace =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 2), fill("fullDocument._id", id, "documentKey", key));
    c = mapper.map(replace).changes().get(0);
    assertTrue(c.replace());
    assertEquals(Map.of("_id", OID.toHexString(), "x", 3L), c.document());

    BsonDocument delete =
        SpecFixtures.materialize(SpecFixtures.expectedEvent(test, 3), fill("documentKey", key));
    c = mapper.map(delete).changes().get(0);
    assertTrue(c.isDelete());
    assertEquals(OID.toHexString(), c.id());
  }

  @Test
  void updateWithoutLookupIsRefusedWithTheFixSpelledOut() {
    BsonDocument test =
        SpecFixtures.test(STREAMS, "Test insert, update, replace, and delete event types");
    BsonDocument update =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 1),
            fill("documentKey", new BsonDocument("_id", new BsonObjectId(OID))));
    MappingResult r = mapper.map(update);
    assertTrue(r.failed());
    assertTrue(r.error().reason().contains("updateLookup"));
  }

  @Test
  void postImageNullWhenDisabledGivesNothing() {
    BsonDocument test =
        SpecFixtures.test(
            "change-streams-pre_and_post_images.json",
            "fullDocument:whenAvailable with changeStreamPreAndPostImages disabled");
    BsonDocument update =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 0),
            fill(
                "updateDescription",
                BsonDocument.parse(
                    "{\"updatedFields\": {\"x\": 1}, \"removedFields\": [], \"truncatedArrays\": []}"),
                "documentKey",
                new BsonDocument("_id", new BsonInt32(1))));
    assertTrue(update.isNull("fullDocument"));
    MappingResult r = mapper.map(update);
    assertNull(r.error());
    assertTrue(r.changes().isEmpty());
  }

  @Test
  void postImageEnabledGivesTheUpsert() {
    BsonDocument test =
        SpecFixtures.test(
            "change-streams-pre_and_post_images.json",
            "fullDocument:whenAvailable with changeStreamPreAndPostImages enabled");
    BsonDocument update =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 0),
            fill(
                "updateDescription",
                BsonDocument.parse(
                    "{\"updatedFields\": {\"x\": 1}, \"removedFields\": [], \"truncatedArrays\": []}"),
                "documentKey",
                new BsonDocument("_id", new BsonInt32(1))));
    DittoChange c = mapper.map(update).changes().get(0);
    assertEquals(1L, c.id());
    assertEquals(Map.of("_id", 1L, "x", 1L), c.document());
  }

  @Test
  void preImageEnablesSingleFieldDeletes() {
    // The spec's pre-image {_id: 1} becomes the delete's key under match_ids; a single_field
    // collection reads its id field from the same pre-image position.
    BsonDocument test =
        SpecFixtures.test(
            "change-streams-pre_and_post_images.json",
            "fullDocumentBeforeChange:whenAvailable with changeStreamPreAndPostImages enabled");
    BsonDocument shape = SpecFixtures.expectedEvent(test, 0);
    assertEquals(BsonDocument.parse("{\"_id\": 1}"), shape.getDocument("fullDocumentBeforeChange"));
    BsonDocument delete =
        new BsonDocument("operationType", new BsonString("delete"))
            .append("ns", shape.getDocument("ns"))
            .append("documentKey", new BsonDocument("_id", new BsonInt32(1)))
            .append(
                "fullDocumentBeforeChange",
                shape
                    .getDocument("fullDocumentBeforeChange")
                    .clone()
                    .append("sku", new BsonString("A-1")));
    DittoChange c =
        new ChangeEventMapper(CollectionMapping.singleField("test", "sku"), new ConversionStats())
            .map(delete)
            .changes()
            .get(0);
    assertEquals("A-1", c.id());
  }

  @Test
  void ambiguousPathUsesDisambiguatedPaths() {
    BsonDocument test =
        SpecFixtures.test(
            "change-streams-disambiguatedPaths.json",
            "disambiguatedPaths is present on updateDescription when an ambiguous path is present");
    BsonDocument before = SpecFixtures.operationArgument(test, "insertOne", "document", 0);
    assertEquals(BsonDocument.parse("{\"_id\": 1, \"a\": {\"1\": 1}}"), before);
    BsonDocument shape = SpecFixtures.expectedEvent(test, 0);
    // The server sets a.1 = 2 and reports the exact segments; we also remove a sub-key to see
    // the path rendered from the disambiguated segments.
    BsonDocument event =
        SpecFixtures.materialize(
            shape,
            fill(
                "updateDescription.updatedFields",
                BsonDocument.parse("{\"a.1\": 2}"),
                "updateDescription.removedFields",
                new BsonArray(),
                "updateDescription.truncatedArrays",
                new BsonArray(),
                "documentKey",
                new BsonDocument("_id", new BsonInt32(1)),
                "fullDocumentBeforeChange",
                before,
                "fullDocument",
                BsonDocument.parse("{\"_id\": 1, \"a\": {\"1\": 2}}")));
    assertEquals(
        BsonArray.parse("[\"a\", \"1\"]"),
        event.getDocument("updateDescription").getDocument("disambiguatedPaths").get("a.1"));
    DittoChange c = mapper.map(event).changes().get(0);
    assertEquals(List.of(), c.unsetPaths(), "a scalar set on a map key needs no unset");
    assertEquals(Map.of("1", 2L), c.document().get("a"));
  }

  @Test
  void ambiguousArrayIndexPathIsNotUnset() {
    BsonDocument test =
        SpecFixtures.test(
            "change-streams-disambiguatedPaths.json",
            "disambiguatedPaths returns array indices as integers");
    BsonDocument before = SpecFixtures.operationArgument(test, "insertOne", "document", 0);
    BsonDocument event =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 0),
            fill(
                "updateDescription.updatedFields", BsonDocument.parse("{\"a.0.1\": {\"deep\": 2}}"),
                "updateDescription.removedFields", new BsonArray(),
                "updateDescription.truncatedArrays", new BsonArray(),
                "updateDescription.disambiguatedPaths.a.0.1.1", new BsonInt32(0),
                "documentKey", new BsonDocument("_id", new BsonInt32(1)),
                "fullDocument",
                    BsonDocument.parse("{\"_id\": 1, \"a\": [{\"1\": {\"deep\": 2}}]}")));
    assertTrue(before.get("a").isArray());
    DittoChange c = mapper.map(event).changes().get(0);
    assertEquals(List.of(), c.unsetPaths(), "a path through an array is set whole by the upsert");
    assertEquals(List.of(Map.of("1", Map.of("deep", 2L))), c.document().get("a"));
  }

  @Test
  void arrayTruncationNeedsNoUnset() {
    BsonDocument test = SpecFixtures.test(STREAMS, "Test array truncation");
    BsonDocument event =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 0),
            fill(
                "documentKey",
                new BsonDocument("_id", new BsonInt32(1)),
                "fullDocument",
                BsonDocument.parse(
                    "{\"_id\": 1, \"a\": 1, \"array\": [\"foo\", {\"a\": \"bar\"}]}")));
    DittoChange c = mapper.map(event).changes().get(0);
    assertEquals(List.of(), c.unsetPaths());
    assertFalse(c.replace());
    assertEquals(List.of("foo", Map.of("a", "bar")), c.document().get("array"));
  }

  @Test
  void wallTimeIsTheSourceTime() {
    BsonDocument test = SpecFixtures.test(STREAMS, "Test wallTime field is set in a change event");
    BsonDocument inserted = SpecFixtures.operationArgument(test, "insertOne", "document", 0);
    BsonDocument event =
        SpecFixtures.materialize(
            SpecFixtures.expectedEvent(test, 0),
            fill(
                "wallTime", new BsonDateTime(Events.WALL_TIME),
                "clusterTime", new BsonTimestamp(1, 1),
                "documentKey", new BsonDocument("_id", inserted.get("_id")),
                "fullDocument", inserted));
    DittoChange c = mapper.map(event).changes().get(0);
    assertEquals(Events.WALL_TIME, c.sourceTimeMillis());
    assertEquals(Map.of("_id", 1L, "a", 1L), c.document());
  }
}
