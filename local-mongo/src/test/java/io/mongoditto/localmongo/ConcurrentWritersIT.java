package io.mongoditto.localmongo;

import static io.mongoditto.localmongo.Streams.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

/** Many concurrent writers and a stream reading meanwhile: no event lost, order kept. */
class ConcurrentWritersIT {

  private static final int WRITERS = 6;
  private static final int PER_WRITER = 300;

  @Test
  void concurrentWritesReachTheStreamCompleteAndInOrder() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoCollection<BsonDocument> coll =
          client.getDatabase("concurrent").getCollection("c", BsonDocument.class);
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      try (MongoCursor<BsonDocument> stream =
          coll.watch()
              .maxAwaitTime(200, TimeUnit.MILLISECONDS)
              .withDocumentClass(BsonDocument.class)
              .cursor()) {
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          writers.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < PER_WRITER; i++) {
                      String id = writer + "-" + i;
                      coll.insertOne(
                          new BsonDocument("_id", new BsonString(id))
                              .append("w", new BsonInt32(writer))
                              .append("i", new BsonInt32(i)));
                      coll.updateOne(Filters.eq("_id", id), Updates.set("done", true));
                    }
                  }));
        }
        Map<Integer, Integer> lastInsertPerWriter = new HashMap<>();
        Set<String> inserted = new HashSet<>();
        Set<String> updated = new HashSet<>();
        BsonTimestamp previous = null;
        for (int n = 0; n < WRITERS * PER_WRITER * 2; n++) {
          BsonDocument event = next(stream);
          BsonTimestamp time = event.getTimestamp("clusterTime");
          assertTrue(
              previous == null || time.compareTo(previous) > 0, "clusterTime strictly increases");
          previous = time;
          String id = event.getDocument("documentKey").getString("_id").getValue();
          if (event.getString("operationType").getValue().equals("insert")) {
            BsonDocument doc = event.getDocument("fullDocument");
            int w = doc.getInt32("w").getValue();
            int i = doc.getInt32("i").getValue();
            assertEquals(
                lastInsertPerWriter.getOrDefault(w, -1) + 1,
                i,
                "each writer's inserts arrive in its order");
            lastInsertPerWriter.put(w, i);
            assertTrue(inserted.add(id));
          } else {
            assertTrue(inserted.contains(id), "update after its insert: " + id);
            assertTrue(updated.add(id), "one update event per update: " + id);
          }
        }
        for (Future<?> f : writers) {
          f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(WRITERS * PER_WRITER, inserted.size());
        assertEquals(WRITERS * PER_WRITER, updated.size());
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
