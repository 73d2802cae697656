package io.mongoditto.source;

import static io.mongoditto.source.SourceTaskDriver.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The task on its own (no Connect runtime) against the local MongoDB: startup modes and stop. */
class MongoSourceTaskIT {

  @RegisterExtension static final LocalMongoExtension MONGO = new LocalMongoExtension();

  private static Map<String, String> props(String db, String mode) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "task-test");
    p.put("mongodb.uri", MONGO.connectionString());
    p.put("mongodb.database", db);
    p.put("collections", "categories");
    p.put("startup.mode", mode);
    p.put("snapshot.chunk.size", "3");
    p.put("change.stream.max.await.time.ms", "200");
    p.put(
        MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START,
        "false"); // no runtime stores offsets here
    return p;
  }

  private static Set<Object> keys(List<SourceRecord> records) {
    return records.stream().map(SourceRecord::key).collect(Collectors.toSet());
  }

  @Test
  void snapshotOnlyCopiesInChunksAndDoesNotStream() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("t_snap").getCollection("categories");
    for (int i = 0; i < 10; i++) {
      cats.insertOne(new Document("_id", "c" + i));
    }
    MongoSourceTask task = SourceTaskDriver.start(props("t_snap", "snapshot_only"), Map.of());
    try {
      List<SourceRecord> copied = poll(task, 10, 10_000);
      assertEquals(10, copied.size());
      assertEquals("c9", copied.get(9).key());
      assertTrue(copied.get(9).sourceOffset().containsKey(SourceOffsets.SNAPSHOT_LAST_ID));
      cats.insertOne(new Document("_id", "later"));
      assertEquals(List.of(), poll(task, 1, 1500), "snapshot_only does not stream");
      assertEquals(Map.of("categories", 10L), task.stats().snapshotCopied());
    } finally {
      task.stop();
    }
  }

  @Test
  void latestSkipsExistingDocumentsAndStreamsNewOnes() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("t_latest").getCollection("categories");
    cats.insertOne(new Document("_id", "old"));
    MongoSourceTask task = SourceTaskDriver.start(props("t_latest", "latest"), Map.of());
    try {
      List<SourceRecord> got = new ArrayList<>();
      for (int i = 0; i < 20 && got.isEmpty(); i++) {
        cats.insertOne(new Document("_id", "new-" + i));
        got.addAll(poll(task, 1, 500));
      }
      assertTrue(!got.isEmpty() && !keys(got).contains("old"), keys(got).toString());
    } finally {
      task.stop();
    }
  }

  @Test
  void timestampStreamsFromTheGivenClusterTime() throws Exception {
    MongoCollection<Document> cats = MONGO.client().getDatabase("t_ts").getCollection("categories");
    long start = System.currentTimeMillis() / 1000 - 1;
    cats.insertOne(new Document("_id", "before-start-of-task"));
    Map<String, String> p = props("t_ts", "timestamp");
    p.put("startup.timestamp", Long.toString(start));
    MongoSourceTask task = SourceTaskDriver.start(p, Map.of());
    try {
      assertTrue(
          keys(poll(task, 1, 10_000)).contains("before-start-of-task"),
          "a change made before the task started but after startup.timestamp is streamed");
    } finally {
      task.stop();
    }
  }

  @Test
  void parallelSnapshotCopiesEveryDocumentOnceInRanges() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("t_par").getCollection("categories");
    for (int i = 0; i < 100; i++) {
      cats.insertOne(new Document("_id", String.format("c%03d", i)));
    }
    Map<String, String> p = props("t_par", "snapshot_only");
    p.put("snapshot.chunk.size", "5");
    p.put("snapshot.parallelism", "3");
    MongoSourceTask task = SourceTaskDriver.start(p, Map.of());
    try {
      List<SourceRecord> copied = poll(task, 100, 20_000);
      assertEquals(100, copied.size());
      assertEquals(100, keys(copied).size());
      var ranges = SourceOffsets.snapshotRanges(copied.get(99).sourceOffset());
      assertEquals(3, ranges.size(), String.valueOf(copied.get(99).sourceOffset()));
      assertEquals(List.of(), poll(task, 1, 500));
    } finally {
      task.stop();
    }
  }

  @Test
  void parallelSnapshotContinuesEachRangeFromTheOffset() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("t_parresume").getCollection("categories");
    for (int i = 0; i < 100; i++) {
      cats.insertOne(new Document("_id", String.format("c%03d", i)));
    }
    org.bson.BsonArray ranges =
        new org.bson.BsonArray(
            List.of(
                new org.bson.BsonDocument("hi", new org.bson.BsonString("c040"))
                    .append("last", new org.bson.BsonString("c020")),
                new org.bson.BsonDocument("lo", new org.bson.BsonString("c040"))
                    .append("hi", new org.bson.BsonString("c070"))
                    .append("done", org.bson.BsonBoolean.TRUE),
                new org.bson.BsonDocument("lo", new org.bson.BsonString("c070"))));
    Map<String, Object> offset =
        new HashMap<>(
            SourceOffsets.snapshotRangesOffset(
                new org.bson.BsonDocument("_data", new org.bson.BsonString("00")), ranges));
    Map<String, String> p = props("t_parresume", "snapshot_only");
    p.put("snapshot.chunk.size", "5");
    MongoSourceTask task = SourceTaskDriver.start(p, offset);
    try {
      List<SourceRecord> copied = poll(task, 49, 20_000);
      assertEquals(49, copied.size());
      Set<Object> expected = new java.util.HashSet<>();
      for (int i = 21; i < 40; i++) {
        expected.add(String.format("c%03d", i));
      }
      for (int i = 70; i < 100; i++) {
        expected.add(String.format("c%03d", i));
      }
      assertEquals(expected, keys(copied));
      assertEquals(List.of(), poll(task, 1, 500));
    } finally {
      task.stop();
    }
  }

  @Test
  void stopIsPromptWhileStreamsAreIdle() throws Exception {
    MONGO
        .client()
        .getDatabase("t_stop")
        .getCollection("categories")
        .insertOne(new Document("_id", "x"));
    MongoSourceTask task = SourceTaskDriver.start(props("t_stop", "latest"), Map.of());
    poll(task, 1, 500);
    long began = System.nanoTime();
    task.stop();
    long tookMs = (System.nanoTime() - began) / 1_000_000;
    assertTrue(tookMs < 2000, "stop() took " + tookMs + " ms");
    assertEquals(null, task.poll());
  }
}
