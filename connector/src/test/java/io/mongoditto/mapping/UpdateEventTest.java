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

class UpdateEventTest {

  private final ConversionStats stats = new ConversionStats();

  private DittoChange upsert(CollectionMapping mapping, BsonDocument event) {
    MappingResult r = new ChangeEventMapper(mapping, stats).map(event);
    assertNull(r.error(), () -> r.error().describe());
    assertEquals(1, r.changes().size());
    DittoChange c = r.changes().get(0);
    assertEquals(DittoChange.Operation.UPSERT, c.operation());
    return c;
  }

  private static BsonDocument update(String collection, String body) {
    return Events.event("update", collection, body);
  }

  @Test
  void nestedSetOfSubDocumentAndUnsetOfNestedPaths() {
    DittoChange c =
        upsert(
            CollectionMapping.singleField("customers", "customer_id"),
            Events.load("customers-update-nested"));
    assertFalse(c.replace());
    // address was $set as a whole object: cleared first so old keys do not survive the merge.
    // phone and prefs.newsletter were $unset. tags.2 goes through an array: the upsert sets it
    // whole.
    assertEquals(List.of("phone", "prefs.newsletter", "address"), c.unsetPaths());
    assertEquals("C-1001", c.id());
    assertEquals(List.of("new", "web", "vip"), c.document().get("tags"));
    assertEquals(Map.of("tier", "gold", "points", 1200L), c.document().get("loyalty"));
    assertEquals("Ada Müller", c.document().get("name"));
    assertFalse(c.document().containsKey("phone"));
  }

  @Test
  void anUpdateWritesOnlyTheFieldsItChanged() {
    DittoChange c =
        upsert(
            CollectionMapping.singleField("customers", "customer_id"),
            Events.load("customers-update-nested"));
    assertTrue(c.isDelta(), c::toString);
    // tags.2 changed inside an array: the whole array is written (Ditto arrays are registers).
    assertEquals(
        List.of("address", "loyalty.tier", "loyalty.points", "tags", "updated_at"),
        c.changedPaths());
  }

  @Test
  void theValuesAreTheOnesTheUpdateWroteNotALaterLookup() {
    // With updateLookup the document is read later: here it already holds a newer x (7) that
    // another write made; this change wrote 2, and 2 is what its delta carries.
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"x\": 2,"
                + " \"n.y\": 3}, \"removedFields\": [], \"truncatedArrays\": []}, \"fullDocument\":"
                + " {\"_id\": 1, \"x\": 7, \"n\": {\"y\": 4}, \"other\": 1}}");
    DittoChange c = upsert(CollectionMapping.matchIds("c"), event);
    assertEquals(List.of("x", "n.y"), c.changedPaths());
    assertEquals(2L, c.document().get("x"));
    assertEquals(Map.of("y", 3L), c.document().get("n"));
  }

  @Test
  void withAPreImageChangesTheDescriptionLeftOutAreWrittenToo() {
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"a.y\": 2},"
                + " \"removedFields\": [], \"truncatedArrays\": []}, \"fullDocumentBeforeChange\":"
                + " {\"_id\": 1, \"a\": {\"x\": 1}, \"m\": {\"p\": 1}, \"arr\": [1, 2], \"same\": 1},"
                + " \"fullDocument\": {\"_id\": 1, \"a\": {\"y\": 2}, \"m\": 5, \"arr\": [1],"
                + " \"same\": 1}}");
    DittoChange c = upsert(CollectionMapping.matchIds("c"), event);
    assertEquals(List.of("a.y", "m", "arr"), c.changedPaths());
  }

  @Test
  void changedPathsGoThroughTheCollectionsRenamesAndSkipExcludedFields() {
    SyncRules rules = SyncRules.parse(null, "secret", "address.zip:postal", null);
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\":"
                + " {\"address.zip\": \"1\", \"secret\": \"s\", \"n\": 1}, \"removedFields\": [],"
                + " \"truncatedArrays\": []}, \"fullDocument\": {\"_id\": 1, \"address\": {\"zip\":"
                + " \"1\"}, \"secret\": \"s\", \"n\": 1}}");
    MappingResult r = rules.mapper(CollectionMapping.matchIds("c"), stats).map(event);
    assertEquals(List.of("address.postal", "n"), r.changes().get(0).changedPaths());
  }

  @Test
  void scalarSetNeedsNoUnset() {
    BsonDocument event =
        update(
            "categories",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"x\": 2}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1, \"x\": 2}}");
    DittoChange c = upsert(CollectionMapping.matchIds("categories"), event);
    assertEquals(List.of(), c.unsetPaths());
    assertFalse(c.replace());
    assertEquals(Map.of("_id", 1L, "x", 2L), c.document());
  }

  @Test
  void setOfNestedSubDocumentPathIsUnsetAtThatPath() {
    BsonDocument event =
        update(
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"a.b\": {\"c\": 1}}, \"removedFields\": [\"a.old\"], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1, \"a\": {\"b\": {\"c\": 1}}}}");
    assertEquals(
        List.of("a.old", "a.b"),
        upsert(CollectionMapping.matchIds("customers"), event).unsetPaths());
  }

  @Test
  void unsetOfAParentCoversItsChildren() {
    BsonDocument event =
        update(
            "customers",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {}, \"removedFields\": [\"a.b.c\", \"a\"], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1}}");
    assertEquals(List.of("a"), upsert(CollectionMapping.matchIds("customers"), event).unsetPaths());
  }

  @Test
  void arrayElementUpdatesAndArrayRemovalsAreNotUnset() {
    BsonDocument event =
        update(
            "orders",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {"
                + " \"updatedFields\": {\"tags.2\": \"sale\", \"items.0.detail\": {\"color\": \"red\"}, \"items.1\": null},"
                + " \"removedFields\": [\"items.0.note\"], \"truncatedArrays\": [{\"field\": \"tags\", \"newSize\": 3}]},"
                + " \"fullDocument\": {\"_id\": 1, \"tags\": [\"a\", \"b\", \"sale\"], \"items\": [{\"detail\": {\"color\": \"red\"}}, null]}}");
    DittoChange c = upsert(CollectionMapping.matchIds("orders"), event);
    assertEquals(List.of(), c.unsetPaths());
    assertEquals(List.of("a", "b", "sale"), c.document().get("tags"));
  }

  @Test
  void setOfAWholeArrayOfDocumentsIsNotUnset() {
    BsonDocument event =
        update(
            "orders",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"items\": [{\"a\": 1}]}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1, \"items\": [{\"a\": 1}]}}");
    assertEquals(List.of(), upsert(CollectionMapping.matchIds("orders"), event).unsetPaths());
  }

  @Test
  void disambiguatedPathsKeepNumericKeysOfMaps() {
    // {_id:1, a:{"1":1}} then $set {"a.1": {"x": 2}}: "1" is a key of the map a, not an index.
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"a.1\": {\"x\": 2}}, \"removedFields\": [],"
                + " \"truncatedArrays\": [], \"disambiguatedPaths\": {\"a.1\": [\"a\", \"1\"]}},"
                + " \"fullDocument\": {\"_id\": 1, \"a\": {\"1\": {\"x\": 2}}}}");
    assertEquals(List.of("a.1"), upsert(CollectionMapping.matchIds("c"), event).unsetPaths());
  }

  @Test
  void disambiguatedArrayIndexIsNotUnset() {
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {}, \"removedFields\": [\"a.0.1\"],"
                + " \"truncatedArrays\": [], \"disambiguatedPaths\": {\"a.0.1\": [\"a\", 0, \"1\"]}},"
                + " \"fullDocument\": {\"_id\": 1, \"a\": [{}]}}");
    assertEquals(List.of(), upsert(CollectionMapping.matchIds("c"), event).unsetPaths());
  }

  @Test
  void dottedFieldNameUnderAMapUnsetsTheMapItBelongsTo() {
    // removed field "b.c" inside map a: the sink cannot address "b.c", so it clears a,
    // which the upsert then writes whole.
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {}, \"removedFields\": [\"a.b.c\"],"
                + " \"truncatedArrays\": [], \"disambiguatedPaths\": {\"a.b.c\": [\"a\", \"b.c\"]}},"
                + " \"fullDocument\": {\"_id\": 1, \"a\": {\"keep\": 1}}}");
    DittoChange c = upsert(CollectionMapping.matchIds("c"), event);
    assertEquals(List.of("a"), c.unsetPaths());
    assertFalse(c.replace());
    assertEquals(Map.of("keep", 1L), c.document().get("a"));
  }

  @Test
  void removedTopLevelDottedFieldNameMakesTheUpsertAReplace() {
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {}, \"removedFields\": [\"price.usd\"],"
                + " \"truncatedArrays\": [], \"disambiguatedPaths\": {\"price.usd\": [\"price.usd\"]}},"
                + " \"fullDocument\": {\"_id\": 1, \"name\": \"n\"}}");
    DittoChange c = upsert(CollectionMapping.matchIds("c"), event);
    assertTrue(
        c.replace(), "no dotted path can name the field 'price.usd': the whole document replaces");
    assertEquals(List.of(), c.unsetPaths());
  }

  @Test
  void setOfAValueDittoCannotCarryUnsetsTheOldValue() {
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"photo\": {\"$binary\": {\"base64\": \"AQID\", \"subType\": \"00\"}}},"
                + " \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1, \"photo\": {\"$binary\": {\"base64\": \"AQID\", \"subType\": \"00\"}}}}");
    DittoChange c = upsert(CollectionMapping.matchIds("c"), event);
    assertEquals(List.of("photo"), c.unsetPaths());
    assertFalse(c.document().containsKey("photo"));
    assertEquals(1, stats.omittedCount("BINARY"));
  }

  @Test
  void preImageDiffFindsRemovedPathsTheDescriptionHides() {
    // A pipeline update replaced sub-object a; updateDescription lists only what the server chose.
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"a.y\": 2}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocumentBeforeChange\": {\"_id\": 1, \"a\": {\"x\": 1, \"deep\": {\"k\": 1, \"j\": 2}}, \"m\": {\"p\": 1}, \"arr\": [1, 2], \"gone\": true},"
                + " \"fullDocument\": {\"_id\": 1, \"a\": {\"y\": 2, \"deep\": {\"j\": 2}}, \"m\": 5, \"arr\": [1]}}");
    DittoChange c = upsert(CollectionMapping.matchIds("c"), event);
    assertEquals(List.of("a.x", "a.deep.k", "m", "gone"), c.unsetPaths());
    assertFalse(c.replace());
  }

  @Test
  void deletedSinceLookupGivesNothing() {
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"x\": 2}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocument\": null}");
    MappingResult r = new ChangeEventMapper(CollectionMapping.matchIds("c"), stats).map(event);
    assertFalse(r.failed());
    assertTrue(r.changes().isEmpty());
  }

  @Test
  void updateWithoutFullDocumentFieldIsAConfigurationError() {
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"x\": 2}, \"removedFields\": [], \"truncatedArrays\": []}}");
    MappingResult r = new ChangeEventMapper(CollectionMapping.matchIds("c"), stats).map(event);
    assertTrue(r.failed());
    assertEquals("fullDocument", r.error().field());
    assertTrue(r.error().reason().contains("updateLookup"), r.error().reason());
    assertEquals("1", r.error().sourceId());
  }

  @Test
  void updateWithoutDescriptionOrPreImageReplacesWhole() {
    // What a stand-in server (mongo-java-server) sends: no updateDescription at all.
    BsonDocument event =
        update("c", "{\"documentKey\": {\"_id\": 1}, \"fullDocument\": {\"_id\": 1, \"x\": 3}}");
    DittoChange c = upsert(CollectionMapping.matchIds("c"), event);
    assertTrue(c.replace());
    assertEquals(List.of(), c.unsetPaths());
  }

  @Test
  void objectThatBecomesAScalarOrArrayIsClearedWhenThePreImageShowsIt() {
    // On Ditto an object overwritten by a scalar keeps its keys underneath (they come back when it
    // becomes an object again), so it must be unset while it is still an object.
    BsonDocument event =
        update(
            "c",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"n\": 5, \"m\": [1]}, \"removedFields\": [], \"truncatedArrays\": []},"
                + " \"fullDocumentBeforeChange\": {\"_id\": 1, \"n\": {\"p\": 1}, \"m\": {\"q\": 1}, \"s\": 1},"
                + " \"fullDocument\": {\"_id\": 1, \"n\": 5, \"m\": [1], \"s\": 1}}");
    assertEquals(List.of("n", "m"), upsert(CollectionMapping.matchIds("c"), event).unsetPaths());
  }
}
