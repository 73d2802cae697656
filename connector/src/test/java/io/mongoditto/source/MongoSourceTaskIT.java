package io.mongoditto.source;

import static io.mongoditto.source.SourceTaskDriver.poll;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
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
    long clockBefore = System.currentTimeMillis() / 1000;
    cats.insertOne(new Document("_id", "before-startup-timestamp"));
    // cluster times count seconds: the start lies two clock seconds past the first insert's
    long start = clockBefore + 2;
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> System.currentTimeMillis() / 1000 >= start);
    cats.insertOne(new Document("_id", "before-start-of-task"));
    Map<String, String> p = props("t_ts", "timestamp");
    p.put("startup.timestamp", Long.toString(start));
    MongoSourceTask task = SourceTaskDriver.start(p, Map.of());
    try {
      // every record up to the one that must come: a copy or an earlier change would come first
      List<SourceRecord> got = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!keys(got).contains("before-start-of-task") && System.nanoTime() < deadline) {
        got.addAll(poll(task, 1, 500));
      }
      assertTrue(
          keys(got).contains("before-start-of-task"),
          "a change made before the task started but after startup.timestamp is streamed: "
              + keys(got));
      assertEquals(
          Set.of("before-start-of-task"),
          keys(got),
          "nothing from before startup.timestamp (no copy, no earlier change)");
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

  /**
   * Issue 13 item 10: a collection's reader fails (its collection was dropped) while another
   * collection's long copy keeps the buffer full. The failure used to wait for an empty buffer, so
   * the task stayed RUNNING for the whole copy; now poll() throws it after the records read before
   * it. The buffer is kept full before every poll, as a long copy keeps it.
   */
  @Test
  void aFailedReaderFailsTheTaskWhileAnotherCollectionsCopyFillsTheBuffer() throws Exception {
    com.mongodb.client.MongoDatabase db = MONGO.client().getDatabase("t_fail");
    db.createCollection("categories");
    List<Document> orders = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      orders.add(new Document("_id", String.format("o-%05d", i)));
    }
    db.getCollection("orders").insertMany(orders);
    Map<String, String> p = props("t_fail", "initial");
    p.put("collections", "categories,orders");
    p.put("buffer.capacity", "20");
    p.put("poll.max.batch.size", "10");
    p.put("snapshot.chunk.size", "10");
    MongoSourceTask task = SourceTaskDriver.start(p, Map.of());
    try {
      // Nothing is polled before the drop, so the orders copy waits on the full buffer with almost
      // all of its documents left (polled meanwhile, it could end before categories streamed:
      // then nothing refilled the buffer). The copy of the empty categories needs no place in it.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  task.stats().collection("categories").state() == CollectionMetrics.State.STREAMING
                      && task.bufferedRecords() == 20);
      db.getCollection("categories").drop();
      await().atMost(Duration.ofSeconds(20)).until(task::readerFailed);
      int afterDrop = 0;
      ConnectException failure = null;
      while (failure == null && afterDrop < 3000) {
        // as a long copy keeps it: full before every poll
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> task.bufferedRecords() >= 20);
        try {
          List<SourceRecord> batch = task.poll();
          afterDrop += batch == null ? 0 : batch.size();
        } catch (ConnectException e) {
          failure = e;
        }
      }
      assertTrue(
          failure != null && failure.getMessage().contains("t_fail.categories was dropped"),
          "the task failed, after " + afterDrop + " more records: " + failure);
      // the 20 buffered when it failed, and none the copy put after the failure
      assertEquals(20, afterDrop, "records handed out before the failure");
    } finally {
      task.stop();
    }
  }

  /**
   * Issue 15 item 3: the stop line printed empty totals ({@code events={}}), because the stats were
   * closed (their per-collection values dropped) before the line was logged.
   */
  @Test
  void theStopLineHasTheTotals() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("t_stoplog").getCollection("categories");
    for (int i = 0; i < 4; i++) {
      cats.insertOne(new Document("_id", "c" + i));
    }
    MongoSourceTask task = SourceTaskDriver.start(props("t_stoplog", "initial"), Map.of());
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    try {
      assertEquals(4, poll(task, 4, 10_000).size());
    } finally {
      // slf4j-simple writes to whatever System.err is when it logs
      java.io.PrintStream original = System.err;
      System.setErr(
          new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
      try {
        task.stop();
      } finally {
        System.setErr(original);
      }
    }
    String line =
        captured
            .toString(java.nio.charset.StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains("Source task stopped:"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no stop line in: " + captured));
    assertTrue(
        line.contains("records={categories=4}") && line.contains("snapshotCopied={categories=4}"),
        line);
  }
}
