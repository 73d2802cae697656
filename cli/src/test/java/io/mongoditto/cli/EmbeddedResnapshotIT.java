package io.mongoditto.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded runner, stopped longer than the change history lasts: on restart the stored resume
 * point is gone (error 286), history.lost.policy=resnapshot copies the collection again, and the
 * copy's sweep deletes from Ditto the documents deleted while nothing could read their events.
 * Without the sweep those documents would stay in Ditto.
 */
class EmbeddedResnapshotIT {

  @TempDir Path dir;

  @Test
  void documentsDeletedWhileTheHistoryWasLostAreSweptFromDitto() throws Exception {
    try (LocalMongo mongo = LocalMongo.builder().historySize(50).start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoCollection<Document> items = client.getDatabase("shop").getCollection("items");
      for (int i = 0; i < 30; i++) {
        items.insertOne(new Document("_id", "i" + i).append("v", 0));
      }
      Map<String, String> config = new LinkedHashMap<>();
      config.put("name", "embedded-resnapshot");
      config.put("mongodb.uri", mongo.connectionString());
      config.put("mongodb.database", "shop");
      config.put("collections", "items");
      config.put("history.lost.policy", "resnapshot");
      // the sweep's deletes wait this long after the copy (the idle runner's ticks then run them)
      config.put("sweep.grace.ms", "2000");
      config.put("ditto.endpoint", ditto.endpoint());
      config.put("ditto.api.key", ditto.apiKey());
      EmbeddedSync.Options options =
          new EmbeddedSync.Options(
              config,
              dir.resolve("offsets.dat"),
              dir.resolve("dead.jsonl"),
              Duration.ofMillis(200));
      LocalDittoClient dittoClient = new LocalDittoClient(ditto);

      try (EmbeddedSync sync = EmbeddedSync.start(options)) {
        assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync started");
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertEquals(mongoIds(items), dittoIds(dittoClient)));
        assertEquals(0, metric(sync, "resnapshots-total"), "a first copy, no re-snapshot");
        // no wait for an offset flush: stopping stores the offsets past the copy (else the
        // restart below would copy from scratch, and no re-snapshot would be counted)
      }

      for (int i = 0; i < 5; i++) {
        items.deleteOne(Filters.eq("_id", "i" + i));
      }
      for (int i = 0; i < 100; i++) {
        items.insertOne(new Document("_id", "later-" + i).append("v", i));
      }
      items.updateMany(Filters.regex("_id", "^i"), Updates.set("v", 99));

      try (EmbeddedSync sync = EmbeddedSync.start(options)) {
        assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync restarted");
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertEquals(mongoIds(items), dittoIds(dittoClient)));
        // the path under test ran: lost history (error 286), one re-copy, and its sweep deleted
        // exactly the five documents deleted meanwhile
        assertEquals(1, metric(sync, "resnapshots-total"), "the restart re-snapshotted");
        assertEquals(5, metric(sync, "documents-swept-total"), "the sweep deleted the five");
      }
      assertEquals(125, dittoIds(dittoClient).size());
      assertEquals(99, ((Number) dittoClient.selectById("items").get("i7").get("v")).intValue());
    }
  }

  /**
   * Stopped while the sweep waits for its grace: the engine stores the source's offsets past the
   * copy when it stops, so the runner runs the waiting deletes before it stops; the next start does
   * not copy again, and Ditto already lacks the deleted documents.
   */
  @Test
  void aStopWhileTheSweepWaitsStillDeletes() throws Exception {
    try (LocalMongo mongo = LocalMongo.builder().historySize(50).start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoCollection<Document> items = client.getDatabase("shop").getCollection("items");
      for (int i = 0; i < 30; i++) {
        items.insertOne(new Document("_id", "i" + i).append("v", 0));
      }
      Map<String, String> config = new LinkedHashMap<>();
      config.put("name", "embedded-resnapshot-stop");
      config.put("mongodb.uri", mongo.connectionString());
      config.put("mongodb.database", "shop");
      config.put("collections", "items");
      config.put("history.lost.policy", "resnapshot");
      config.put("sweep.grace.ms", "600000");
      config.put("ditto.endpoint", ditto.endpoint());
      config.put("ditto.api.key", ditto.apiKey());
      EmbeddedSync.Options options =
          new EmbeddedSync.Options(
              config,
              dir.resolve("stop-offsets.dat"),
              dir.resolve("stop-dead.jsonl"),
              Duration.ofMillis(200));
      LocalDittoClient dittoClient = new LocalDittoClient(ditto);
      try (EmbeddedSync sync = EmbeddedSync.start(options)) {
        assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync started");
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertEquals(mongoIds(items), dittoIds(dittoClient)));
      }
      for (int i = 0; i < 5; i++) {
        items.deleteOne(Filters.eq("_id", "i" + i));
      }
      for (int i = 0; i < 100; i++) {
        items.insertOne(new Document("_id", "later-" + i).append("v", i));
      }
      try (EmbeddedSync sync = EmbeddedSync.start(options)) {
        assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync restarted");
        // the copy is through and its sweep waits; the deleted documents are still in Ditto
        await().atMost(Duration.ofSeconds(60)).until(() -> sync.sweepsWaiting() == 1);
        assertTrue(dittoIds(dittoClient).containsAll(mongoIds(items)));
        assertEquals(130, dittoIds(dittoClient).size(), "the sweep waits for its grace");
      }
      assertEquals(mongoIds(items), dittoIds(dittoClient), "stopping ran the waiting sweep");
      try (EmbeddedSync sync = EmbeddedSync.start(options)) {
        assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync started a third time");
        items.insertOne(new Document("_id", "last").append("v", 1));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertEquals(mongoIds(items), dittoIds(dittoClient)));
      }
    }
  }

  /** A metric of the runner's source or sink for the collection items (0 when not registered). */
  private static long metric(EmbeddedSync sync, String name) {
    double total = 0;
    for (var m : sync.metrics().registry().metrics().entrySet()) {
      if (m.getKey().name().equals(name) && "items".equals(m.getKey().tags().get("collection"))) {
        total += ((Number) m.getValue().metricValue()).doubleValue();
      }
    }
    return (long) total;
  }

  private static Set<String> mongoIds(MongoCollection<Document> items) {
    Set<String> ids = new TreeSet<>();
    items.find().forEach(d -> ids.add(d.getString("_id")));
    return ids;
  }

  private static Set<String> dittoIds(LocalDittoClient ditto) {
    Set<String> ids = new TreeSet<>();
    ditto.select("items").forEach(d -> ids.add(String.valueOf(d.get("_id"))));
    return ids;
  }
}
