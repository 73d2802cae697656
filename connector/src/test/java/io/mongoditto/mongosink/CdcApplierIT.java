package io.mongoditto.mongosink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongoditto.cdc.CdcEvent;
import io.mongoditto.cdc.CdcEvents;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.ReverseMapper;
import io.mongoditto.mapping.SyncRules;
import io.mongoditto.mongo.ConnectorSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ditto's CDC events applied to the local MongoDB, in transactions the source can recognise. */
class CdcApplierIT {

  private static LocalMongo mongo;
  private static MongoClient client;
  private MongoDatabase db;
  private CdcApplier<String> applier;
  private long txn = 100;

  @BeforeAll
  static void startMongo() {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
  }

  @AfterAll
  static void stopMongo() {
    client.close();
    mongo.close();
  }

  @BeforeEach
  void fresh(org.junit.jupiter.api.TestInfo info) {
    db = client.getDatabase("applier_" + info.getTestMethod().orElseThrow().getName().hashCode());
    applier =
        new CdcApplier<>(
            client,
            db,
            Map.of(
                "inventory",
                new ReverseMapper(CollectionMapping.matchIds("inventory"), SyncRules.NONE),
                "products",
                new ReverseMapper(
                    CollectionMapping.singleField("products", "sku"), SyncRules.NONE)),
            new ConnectorSessions(db),
            "test-connector",
            "0");
  }

  @AfterEach
  void close() {
    applier.close();
  }

  private CdcEvent upsert(String collection, String before, String after) {
    return CdcEvents.parse(
        "{\"txnId\": "
            + (++txn)
            + ", \"type\": \"documentChanged\", \"collection\": \""
            + collection
            + "\", \"change\": {\"method\": \"upsert\", \"oldValue\": "
            + before
            + ", \"newValue\": "
            + after
            + "}}");
  }

  private CdcEvent remove(String collection, String value) {
    return CdcEvents.parse(
        "{\"txnId\": "
            + (++txn)
            + ", \"type\": \"documentChanged\", \"collection\": \""
            + collection
            + "\", \"change\": {\"method\": \"remove\", \"value\": "
            + value
            + "}}");
  }

  private CdcApplier.Result<String> apply(CdcEvent... events) {
    List<DocumentChanges.Item<String>> items = new ArrayList<>();
    for (CdcEvent e : events) {
      items.add(new DocumentChanges.Item<>(e, "record-" + e.txnId()));
    }
    return applier.apply(items);
  }

  private MongoCollection<Document> inventory() {
    return db.getCollection("inventory");
  }

  @Test
  void editsReachMongoDbInTransactionsOfARecordedSession() {
    inventory().insertOne(new Document("_id", 1).append("qty", 5).append("loc", "A"));
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream =
        inventory().watch().cursor()) {
      CdcApplier.Result<String> r =
          apply(
              upsert(
                  "inventory",
                  "{\"_id\": 1, \"qty\": 5, \"loc\": \"A\"}",
                  "{\"_id\": 1, \"qty\": 7, \"loc\": \"A\"}"),
              upsert("inventory", "null", "{\"_id\": 2, \"qty\": 1}"));

      assertEquals(2, r.written());
      assertEquals(List.of(), r.failures());
      assertEquals(
          new Document("_id", 1).append("qty", 7).append("loc", "A"),
          inventory().find(new Document("_id", 1)).first());
      assertEquals(
          new Document("_id", 2).append("qty", 1),
          inventory().find(new Document("_id", 2)).first());
      ConnectorSessions sessions = new ConnectorSessions(db);
      for (int i = 0; i < 2; i++) {
        ChangeStreamDocument<Document> event = stream.next();
        assertTrue(sessions.isOwn(event.getLsid()), () -> "not recognised as ours: " + event);
      }
    }
    // A write of anyone else is not ours.
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream =
        inventory().watch().cursor()) {
      inventory().updateOne(new Document("_id", 1), new Document("$set", new Document("qty", 9)));
      assertFalse(new ConnectorSessions(db).isOwn(stream.next().getLsid()));
    }
  }

  @Test
  void aConcurrentMongoEditOfAnotherFieldSurvives() {
    inventory().insertOne(new Document("_id", 1).append("qty", 5).append("note", "x"));
    inventory()
        .updateOne(new Document("_id", 1), new Document("$set", new Document("note", "mongo")));

    apply(
        upsert(
            "inventory",
            "{\"_id\": 1, \"qty\": 5, \"note\": \"x\"}",
            "{\"_id\": 1, \"qty\": 6, \"note\": \"x\"}"));

    assertEquals(
        new Document("_id", 1).append("qty", 6).append("note", "mongo"),
        inventory().find(new Document("_id", 1)).first());
  }

  @Test
  void duplicatesAndLateEventsAreNotAppliedAgain() {
    CdcEvent first = upsert("inventory", "null", "{\"_id\": 1, \"qty\": 1}");
    CdcEvent second = upsert("inventory", "{\"_id\": 1, \"qty\": 1}", "{\"_id\": 1, \"qty\": 2}");
    CdcEvent third = upsert("inventory", "{\"_id\": 1, \"qty\": 2}", "{\"_id\": 1, \"qty\": 1}");

    apply(second, first, third); // out of order in one batch: applied by txnId
    assertEquals(1, inventory().find(new Document("_id", 1)).first().getInteger("qty"));

    CdcApplier.Result<String> again = apply(first, second); // redelivered later
    assertEquals(2, again.duplicates());
    assertEquals(0, again.written());
    assertEquals(1, inventory().find(new Document("_id", 1)).first().getInteger("qty"));
  }

  @Test
  void removalsDeleteAndSeveralChangesOfOneDocumentFoldIntoOneWrite() {
    inventory().insertOne(new Document("_id", 1).append("qty", 5));
    CdcApplier.Result<String> r =
        apply(
            upsert("inventory", "{\"_id\": 1, \"qty\": 5}", "{\"_id\": 1, \"qty\": 6}"),
            remove("inventory", "{\"_id\": 1, \"qty\": 6}"),
            upsert("inventory", "null", "{\"_id\": 3, \"a\": 1}"),
            upsert("inventory", "{\"_id\": 3, \"a\": 1}", "{\"_id\": 3, \"a\": 2}"));

    assertEquals(2, r.written());
    assertNull(inventory().find(new Document("_id", 1)).first());
    assertEquals(
        new Document("_id", 3).append("a", 2), inventory().find(new Document("_id", 3)).first());
  }

  @Test
  void aNewSingleFieldDocumentGetsAnObjectIdAndItsField() {
    apply(upsert("products", "null", "{\"_id\": \"SKU-1\", \"sku\": \"SKU-1\", \"price\": 2.5}"));

    Document doc = db.getCollection("products").find(new Document("sku", "SKU-1")).first();
    assertTrue(doc.get("_id") instanceof org.bson.types.ObjectId, doc::toJson);
    assertEquals(2.5, doc.getDouble("price"));
  }

  @Test
  void aWriteMongoDbRefusesIsReportedWithItsReasonAndTheRestIsApplied() {
    db.getCollection("products")
        .createIndex(
            new Document("name", 1), new com.mongodb.client.model.IndexOptions().unique(true));
    db.getCollection("products").insertOne(new Document("sku", "A").append("name", "taken"));

    CdcApplier.Result<String> r =
        apply(
            upsert("products", "null", "{\"_id\": \"B\", \"sku\": \"B\", \"name\": \"taken\"}"),
            upsert("products", "null", "{\"_id\": \"C\", \"sku\": \"C\", \"name\": \"free\"}"));

    assertEquals(1, r.failures().size());
    CdcApplier.Failure<String> f = r.failures().get(0);
    assertTrue(
        f.reason().contains("products")
            && f.reason().contains("\"B\"")
            && f.reason().contains("11000"),
        f.reason());
    assertEquals(1, db.getCollection("products").countDocuments(new Document("sku", "C")));
    assertEquals(0, db.getCollection("products").countDocuments(new Document("sku", "B")));
  }

  @Test
  void eventsOfCollectionsNotSyncedAreCountedAndSkipped() {
    CdcApplier.Result<String> r = apply(upsert("elsewhere", "null", "{\"_id\": 1}"));
    assertEquals(1, r.unknownCollection());
    assertEquals(0, r.written());
  }

  @Test
  void theStaleEchoRaceLeavesMongoDbsNewerValue() {
    inventory().insertOne(new Document("_id", 1).append("x", 3));
    CdcApplier.Result<String> r =
        apply(upsert("inventory", "{\"_id\": 1, \"x\": 0}", "{\"_id\": 1, \"x\": 1}"));
    assertEquals(0, r.written());
    assertEquals(List.of("x"), r.plans().get(0).conflicts());
    assertEquals(3, inventory().find(new Document("_id", 1)).first().getInteger("x"));
  }
}
