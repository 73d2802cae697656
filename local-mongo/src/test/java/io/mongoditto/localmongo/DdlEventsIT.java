package io.mongoditto.localmongo;

import static io.mongoditto.localmongo.Streams.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.RenameCollectionOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * DDL events appear only with showExpandedEvents, and index and rename bookkeeping stays consistent
 * (mongo-java-server alone loses a same-named index of another collection on dropIndexes, after
 * which that collection cannot be dropped).
 */
class DdlEventsIT {

  @Test
  void ddlEventsOnlyWithShowExpandedEvents() {
    try (LocalMongo mongo = LocalMongo.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("ddl");
      MongoCursor<BsonDocument> expanded =
          db.watch()
              .showExpandedEvents(true)
              .maxAwaitTime(100, TimeUnit.MILLISECONDS)
              .withDocumentClass(BsonDocument.class)
              .cursor();
      MongoCursor<BsonDocument> plain =
          db.watch()
              .maxAwaitTime(100, TimeUnit.MILLISECONDS)
              .withDocumentClass(BsonDocument.class)
              .cursor();
      db.getCollection("c").insertOne(new Document("_id", 1)); // implicit create
      db.getCollection("c").createIndex(new Document("x", 1), new IndexOptions().name("x_1"));
      db.getCollection("c").dropIndex("x_1");
      db.runCommand(new Document("collMod", "c"));
      db.getCollection("c").renameCollection(new MongoNamespace("ddl", "d"));

      for (String type :
          List.of("create", "insert", "createIndexes", "dropIndexes", "modify", "rename")) {
        BsonDocument event = next(expanded);
        assertEquals(type, event.getString("operationType").getValue(), event.toJson());
        assertTrue(event.containsKey("collectionUUID"), event.toJson());
      }
      assertEquals("insert", next(plain).getString("operationType").getValue());
      BsonDocument rename = next(plain);
      assertEquals("rename", rename.getString("operationType").getValue());
      assertEquals(BsonDocument.parse("{db: 'ddl', coll: 'd'}"), rename.getDocument("to"));
      expanded.close();
      plain.close();
    }
  }

  @Test
  void dropIndexesKeepsOtherCollectionsSameNamedIndexes() {
    try (LocalMongo mongo = LocalMongo.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("idx");
      db.getCollection("a").createIndex(new Document("x", 1), new IndexOptions().name("x_1"));
      db.getCollection("b").createIndex(new Document("x", 1), new IndexOptions().name("x_1"));
      db.getCollection("b").dropIndex("x_1");
      db.getCollection("a")
          .renameCollection(
              new MongoNamespace("idx", "b"), new RenameCollectionOptions().dropTarget(true));
      assertEquals(2, db.getCollection("b").listIndexes().into(new java.util.ArrayList<>()).size());
      db.getCollection("b").drop();
      assertEquals(List.of(), db.listCollectionNames().into(new java.util.ArrayList<>()));
    }
  }
}
