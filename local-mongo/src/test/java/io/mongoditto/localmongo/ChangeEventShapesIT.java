package io.mongoditto.localmongo;

import static io.mongoditto.localmongo.Streams.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shapes of change events for every kind of write, as MongoDB reports them. Runs against
 * MONGODB_URI when set, so the same expectations can be checked on a real replica set.
 */
class ChangeEventShapesIT {

  private static MongoUnderTest mongo;
  private static MongoClient client;
  private MongoDatabase db;
  private MongoCollection<BsonDocument> coll;

  @BeforeAll
  static void start() {
    mongo = MongoUnderTest.start();
    client = MongoClients.create(mongo.connectionString());
  }

  @AfterAll
  static void stop() {
    client.close();
    mongo.close();
  }

  @BeforeEach
  void freshCollection() {
    db = client.getDatabase("shapes");
    db.getCollection("c").drop();
    db.createCollection(
        "c",
        new CreateCollectionOptions()
            .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    coll = db.getCollection("c", BsonDocument.class);
  }

  private MongoCursor<BsonDocument> watch(FullDocument full, FullDocumentBeforeChange before) {
    return coll.watch()
        .fullDocument(full)
        .fullDocumentBeforeChange(before)
        .maxAwaitTime(200, TimeUnit.MILLISECONDS)
        .withDocumentClass(BsonDocument.class)
        .cursor();
  }

  private static BsonDocument doc(String json) {
    return BsonDocument.parse(json);
  }

  private static void assertDescription(String expectedJson, BsonDocument event) {
    assertEquals("update", event.getString("operationType").getValue(), event.toJson());
    BsonDocument d = event.getDocument("updateDescription").clone();
    d.remove("disambiguatedPaths");
    assertEquals(doc(expectedJson), d, event.toJson());
  }

  @Test
  void everyEventCarriesIdNsKeyClusterTimeAndWallTime() {
    try (MongoCursor<BsonDocument> stream =
        watch(FullDocument.DEFAULT, FullDocumentBeforeChange.OFF)) {
      coll.insertOne(doc("{_id: 1, a: 1}"));
      BsonDocument insert = next(stream);
      assertEquals("insert", insert.getString("operationType").getValue());
      assertEquals(doc("{db: 'shapes', coll: 'c'}"), insert.getDocument("ns"));
      assertEquals(doc("{_id: 1}"), insert.getDocument("documentKey"));
      assertEquals(doc("{_id: 1, a: 1}"), insert.getDocument("fullDocument"));
      assertTrue(insert.get("_id").isDocument());
      assertTrue(insert.get("clusterTime").isTimestamp());
      assertTrue(insert.get("wallTime").isDateTime());
      assertFalse(insert.containsKey("fullDocumentBeforeChange"));
    }
  }

  @Test
  void unsetAndNestedSetGiveTheSpecsUpdateDescription() {
    coll.insertOne(doc("{_id: 1, a: {b: 1, c: 1}, x: 1, arr: [1, 2]}"));
    try (MongoCursor<BsonDocument> stream =
        watch(FullDocument.DEFAULT, FullDocumentBeforeChange.OFF)) {
      coll.updateOne(Filters.eq("_id", 1), Updates.set("a.b", 2));
      coll.updateOne(Filters.eq("_id", 1), Updates.set("a", doc("{b: 3}")));
      coll.updateOne(Filters.eq("_id", 1), Updates.unset("x"));
      coll.updateOne(Filters.eq("_id", 1), Updates.unset("notThere")); // no change: no event
      coll.updateOne(
          Filters.eq("_id", 1),
          Updates.combine(
              Updates.inc("n", 1), Updates.set("a.b", 3))); // a.b unchanged: only n is reported
      coll.updateOne(Filters.eq("_id", 1), Updates.push("arr", 3));
      coll.updateOne(Filters.eq("_id", 1), List.of(doc("{$set: {arr: [1]}}")));

      assertDescription(
          "{updatedFields: {'a.b': 2}, removedFields: [], truncatedArrays: []}", next(stream));
      assertDescription(
          "{updatedFields: {a: {b: 3}}, removedFields: [], truncatedArrays: []}", next(stream));
      assertDescription(
          "{updatedFields: {}, removedFields: ['x'], truncatedArrays: []}", next(stream));
      assertDescription(
          "{updatedFields: {n: 1}, removedFields: [], truncatedArrays: []}", next(stream));
      assertDescription(
          "{updatedFields: {'arr.2': 3}, removedFields: [], truncatedArrays: []}", next(stream));
      assertDescription(
          "{updatedFields: {}, removedFields: [],"
              + " truncatedArrays: [{field: 'arr', newSize: 1}]}",
          next(stream));
    }
  }

  @Test
  void aReplaceIsReportedAsReplaceWithTheNewDocument() {
    coll.insertOne(doc("{_id: 1, a: 1}"));
    try (MongoCursor<BsonDocument> stream =
        watch(FullDocument.DEFAULT, FullDocumentBeforeChange.WHEN_AVAILABLE)) {
      coll.replaceOne(Filters.eq("_id", 1), doc("{b: 2}"));
      coll.findOneAndReplace(Filters.eq("_id", 1), doc("{c: 3}"));

      BsonDocument replace = next(stream);
      assertEquals("replace", replace.getString("operationType").getValue());
      assertEquals(doc("{_id: 1, b: 2}"), replace.getDocument("fullDocument"));
      assertEquals(doc("{_id: 1, a: 1}"), replace.getDocument("fullDocumentBeforeChange"));
      assertFalse(replace.containsKey("updateDescription"));
      BsonDocument second = next(stream);
      assertEquals("replace", second.getString("operationType").getValue());
      assertEquals(doc("{_id: 1, c: 3}"), second.getDocument("fullDocument"));
    }
  }

  @Test
  void aDeleteOnACollectionWithPreImagesCarriesTheWholeOldDocument() {
    coll.insertOne(doc("{_id: 1, a: {b: [1, 2]}, s: 'x'}"));
    coll.insertOne(doc("{_id: 2, z: true}"));
    try (MongoCursor<BsonDocument> stream =
        watch(FullDocument.DEFAULT, FullDocumentBeforeChange.REQUIRED)) {
      coll.deleteOne(Filters.eq("_id", 1));
      coll.findOneAndDelete(Filters.eq("_id", 2));

      BsonDocument delete = next(stream);
      assertEquals("delete", delete.getString("operationType").getValue());
      assertEquals(doc("{_id: 1}"), delete.getDocument("documentKey"));
      assertEquals(
          doc("{_id: 1, a: {b: [1, 2]}, s: 'x'}"), delete.getDocument("fullDocumentBeforeChange"));
      assertFalse(delete.containsKey("fullDocument"));
      assertEquals(doc("{_id: 2, z: true}"), next(stream).getDocument("fullDocumentBeforeChange"));
    }
  }

  @Test
  void findAndModifyAndBulkWritesEmitEventsInOrder() {
    coll.insertOne(doc("{_id: 1, n: 0}"));
    try (MongoCursor<BsonDocument> stream =
        watch(FullDocument.UPDATE_LOOKUP, FullDocumentBeforeChange.OFF)) {
      coll.findOneAndUpdate(Filters.eq("_id", 1), Updates.inc("n", 1));
      coll.bulkWrite(
          List.of(
              new InsertOneModel<>(doc("{_id: 2}")),
              new UpdateOneModel<>(Filters.eq("_id", 2), Updates.set("x", 1)),
              new ReplaceOneModel<>(Filters.eq("_id", 1), doc("{r: 1}")),
              new DeleteOneModel<>(Filters.eq("_id", 2))));

      BsonDocument fam = next(stream);
      assertDescription("{updatedFields: {n: 1}, removedFields: [], truncatedArrays: []}", fam);
      assertTrue(fam.containsKey("fullDocument"), "updateLookup adds fullDocument");
      assertEquals("insert", next(stream).getString("operationType").getValue());
      BsonDocument update = next(stream);
      assertDescription("{updatedFields: {x: 1}, removedFields: [], truncatedArrays: []}", update);
      assertTrue(
          update.isNull("fullDocument")
              || update.getDocument("fullDocument").equals(doc("{_id: 2, x: 1}")),
          "looked up now: deleted (null) or current");
      assertEquals("replace", next(stream).getString("operationType").getValue());
      assertEquals("delete", next(stream).getString("operationType").getValue());
    }
  }

  @Test
  void postImagesAndUpsertsAsMongoDbReportsThem() {
    coll.insertOne(doc("{_id: 1}"));
    try (MongoCursor<BsonDocument> stream =
        watch(FullDocument.WHEN_AVAILABLE, FullDocumentBeforeChange.WHEN_AVAILABLE)) {
      coll.updateOne(Filters.eq("_id", 1), Updates.set("x", 1));
      coll.updateOne(Filters.eq("_id", 1), Updates.set("x", 2)); // post-image is of this write
      coll.updateOne(
          Filters.eq("_id", 3),
          Updates.set("y", 1),
          new com.mongodb.client.model.UpdateOptions().upsert(true));

      BsonDocument first = next(stream);
      assertEquals(doc("{_id: 1, x: 1}"), first.getDocument("fullDocument"));
      assertEquals(doc("{_id: 1}"), first.getDocument("fullDocumentBeforeChange"));
      assertEquals(doc("{_id: 1, x: 2}"), next(stream).getDocument("fullDocument"));
      BsonDocument upsert = next(stream);
      assertEquals("insert", upsert.getString("operationType").getValue());
      assertEquals(doc("{_id: 3, y: 1}"), upsert.getDocument("fullDocument"));
    }
  }

  @Test
  void dropIsFollowedByInvalidateAndTheStreamCloses() {
    coll.insertOne(doc("{_id: 1}"));
    MongoCursor<BsonDocument> stream = watch(FullDocument.DEFAULT, FullDocumentBeforeChange.OFF);
    db.getCollection("other").insertOne(new org.bson.Document("_id", 1));
    db.getCollection("other").drop(); // another collection's drop is not on this stream
    coll.drop();
    BsonDocument drop = next(stream);
    assertEquals("drop", drop.getString("operationType").getValue());
    assertEquals(doc("{db: 'shapes', coll: 'c'}"), drop.getDocument("ns"));
    assertEquals("invalidate", next(stream).getString("operationType").getValue());
    assertFalse(stream.hasNext(), "an invalidated stream is closed");
    stream.close();
  }

  @Test
  void onlyRealChangesEmitEvents() {
    coll.insertOne(doc("{_id: 1, a: 1, b: 1}"));
    try (MongoCursor<BsonDocument> stream =
        watch(FullDocument.DEFAULT, FullDocumentBeforeChange.OFF)) {
      coll.updateOne(Filters.eq("_id", 1), Updates.set("a", 1)); // same value: no event
      org.junit.jupiter.api.Assertions.assertThrows(
          com.mongodb.MongoBulkWriteException.class,
          () -> coll.insertMany(List.of(doc("{_id: 2}"), doc("{_id: 1}"), doc("{_id: 3}"))));
      coll.updateMany(Filters.in("_id", 1, 2), Updates.set("m", true));
      coll.updateOne(Filters.eq("_id", 1), Updates.rename("b", "c"));

      BsonDocument inserted = next(stream);
      assertEquals("insert", inserted.getString("operationType").getValue());
      assertEquals(
          doc("{_id: 2}"),
          inserted.getDocument("documentKey"),
          "the duplicate and the documents after it in an ordered insert emit nothing");
      assertEquals(doc("{_id: 1}"), next(stream).getDocument("documentKey"));
      assertEquals(doc("{_id: 2}"), next(stream).getDocument("documentKey"));
      assertDescription(
          "{updatedFields: {c: 1}, removedFields: ['b'], truncatedArrays: []}", next(stream));
    }
  }

  @Test
  void droppingTheDatabaseDropsAndInvalidatesACollectionStream() {
    coll.insertOne(doc("{_id: 1}"));
    try (MongoCursor<BsonDocument> stream =
        watch(FullDocument.DEFAULT, FullDocumentBeforeChange.OFF)) {
      db.drop();
      assertEquals("drop", next(stream).getString("operationType").getValue());
      assertEquals("invalidate", next(stream).getString("operationType").getValue());
    }
  }
}
