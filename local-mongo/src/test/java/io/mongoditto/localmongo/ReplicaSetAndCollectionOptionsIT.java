package io.mongoditto.localmongo;

import static io.mongoditto.localmongo.Streams.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import com.mongodb.connection.ClusterType;
import com.mongodb.connection.ServerType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How drivers see the local MongoDB, and the changeStreamPreAndPostImages collection option. */
class ReplicaSetAndCollectionOptionsIT {

  private static LocalMongo mongo;

  @BeforeAll
  static void start() {
    mongo = LocalMongo.start();
  }

  @AfterAll
  static void stop() {
    mongo.close();
  }

  @Test
  void theJavaDriverSeesAReplicaSetPrimaryWithEitherConnectionString() {
    String replicaSet =
        "mongodb://127.0.0.1:" + mongo.port() + "/?replicaSet=" + mongo.replicaSetName();
    for (String uri : List.of(mongo.connectionString(), replicaSet)) {
      try (MongoClient client = MongoClients.create(uri)) {
        client.getDatabase("admin").runCommand(new Document("ping", 1));
        var cluster = client.getClusterDescription();
        assertEquals(ClusterType.REPLICA_SET, cluster.getType(), uri + ": " + cluster);
        assertEquals(
            ServerType.REPLICA_SET_PRIMARY, cluster.getServerDescriptions().get(0).getType(), uri);
        Document build = client.getDatabase("admin").runCommand(new Document("buildInfo", 1));
        assertEquals("7.0.0", build.getString("version"));
      }
    }
  }

  @Test
  void listCollectionsShowsWhichCollectionsHavePreAndPostImages() {
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("options");
      db.createCollection(
          "with",
          new CreateCollectionOptions()
              .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
      db.createCollection("without");
      db.createCollection("later");
      db.runCommand(
          new Document("collMod", "later")
              .append("changeStreamPreAndPostImages", new Document("enabled", true)));

      List<Document> listed = db.listCollections().into(new ArrayList<>());
      for (Document c : listed) {
        Document options = c.get("options", Document.class);
        boolean enabled = options.containsKey("changeStreamPreAndPostImages");
        assertEquals(!c.getString("name").equals("without"), enabled, c.toJson());
        if (enabled) {
          assertEquals(new Document("enabled", true), options.get("changeStreamPreAndPostImages"));
        }
      }
      db.runCommand(
          new Document("collMod", "later")
              .append("changeStreamPreAndPostImages", new Document("enabled", false)));
      Document later = db.listCollections().filter(new Document("name", "later")).first();
      assertFalse(
          db.listCollections().into(new ArrayList<>()).stream()
              .filter(c -> c.getString("name").equals("later"))
              .anyMatch(
                  c ->
                      c.get("options", Document.class).containsKey("changeStreamPreAndPostImages")),
          String.valueOf(later));

      MongoCommandException missing =
          assertThrows(
              MongoCommandException.class,
              () ->
                  db.runCommand(
                      new Document("collMod", "nope")
                          .append("changeStreamPreAndPostImages", new Document("enabled", true))));
      assertEquals(26, missing.getErrorCode());
    }
  }

  @Test
  void requiredPreImagesOnACollectionWithoutThemFailWhenTheEventIsRead() {
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("required");
      db.getCollection("c").insertOne(new Document("_id", 1));
      MongoCursor<BsonDocument> stream =
          db.getCollection("c")
              .watch()
              .fullDocumentBeforeChange(FullDocumentBeforeChange.REQUIRED)
              .maxAwaitTime(100, TimeUnit.MILLISECONDS)
              .withDocumentClass(BsonDocument.class)
              .cursor();
      db.getCollection("c").deleteOne(new Document("_id", 1));
      MongoCommandException e = assertThrows(MongoCommandException.class, () -> next(stream));
      assertEquals(47, e.getErrorCode());
      assertEquals("NoMatchingDocument", e.getErrorCodeName());
      assertTrue(e.getErrorMessage().contains("pre-image"), e.getErrorMessage());
    }
  }

  @Test
  void mongoUnderTestUsesTheLocalMongoUnlessMongodbUriIsSet() {
    try (MongoUnderTest underTest = MongoUnderTest.start()) {
      assertEquals(MongoUnderTest.configuredUri().isEmpty(), underTest.isLocal());
      try (MongoClient client = MongoClients.create(underTest.connectionString())) {
        client.getDatabase("admin").runCommand(new Document("ping", 1));
      }
    }
  }
}
