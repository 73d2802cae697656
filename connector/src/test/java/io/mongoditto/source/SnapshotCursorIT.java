package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.Document;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The snapshot reads each range through one cursor (one {@code find}, then {@code getMore}s of
 * {@code snapshot.chunk.size}) instead of one sorted, limited {@code find} per chunk, which made
 * the local MongoDB re-scan the collection per chunk (quadratic) and costs a query per chunk on a
 * real one.
 */
class SnapshotCursorIT {

  @RegisterExtension static final LocalMongoExtension MONGO = new LocalMongoExtension();

  private static Map<String, String> props(String db, int chunk) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "cursor-test");
    p.put("mongodb.uri", MONGO.connectionString());
    p.put("mongodb.database", db);
    p.put("collections", "categories");
    p.put("startup.mode", "snapshot_only");
    p.put("snapshot.chunk.size", String.valueOf(chunk));
    p.put("change.stream.max.await.time.ms", "200");
    // Nothing stores offsets here: do not wait for the start position to be stored.
    p.put(MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START, "false");
    return p;
  }

  private static void failFind(String mode) {
    Document command = new Document("configureFailPoint", "failCommand").append("mode", mode);
    if (!"off".equals(mode)) {
      command.append("data", new Document("failCommands", List.of("find")).append("errorCode", 2));
    }
    MONGO.client().getDatabase("admin").runCommand(command);
  }

  @Test
  void copiesARangeWithOneFindAndThenGetMores() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("cursor_one").getCollection("categories");
    for (int i = 0; i < 40; i++) {
      cats.insertOne(new Document("_id", String.format("c%02d", i)));
    }
    Map<String, String> p = props("cursor_one", 5);
    // A full buffer pauses the copy after the first chunk or two.
    p.put("buffer.capacity", "5");
    p.put("poll.max.batch.size", "5");
    MongoSourceTask task = SourceTaskDriver.start(p, Map.of());
    List<SourceRecord> got = new ArrayList<>();
    try {
      while (got.size() < 5) {
        List<SourceRecord> batch = task.poll();
        if (batch != null) {
          got.addAll(batch);
        }
      }
      // From now on every find fails: the rest of the copy must come from the open cursor.
      failFind("alwaysOn");
      got.addAll(SourceTaskDriver.pollAll(task, 40 - got.size(), 10_000));
    } finally {
      failFind("off");
      task.stop();
    }
    Set<Object> keys = new HashSet<>();
    got.forEach(r -> keys.add(r.key()));
    assertEquals(40, got.size());
    assertEquals(40, keys.size());
  }

  /**
   * A getMore is never retried by the driver: a failed one (here PrimarySteppedDown, as in an
   * election) reopens the range after the last copied _id, in parallel ranges too.
   */
  @Test
  void aFailedGetMoreReopensTheRangeAfterTheLastCopiedId() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("cursor_getmore").getCollection("categories");
    for (int i = 0; i < 60; i++) {
      cats.insertOne(new Document("_id", String.format("c%02d", i)));
    }
    Map<String, String> p = props("cursor_getmore", 5);
    p.put("snapshot.parallelism", "2");
    p.put("buffer.capacity", "5");
    p.put("poll.max.batch.size", "5");
    MongoSourceTask task = SourceTaskDriver.start(p, Map.of());
    List<SourceRecord> got = new ArrayList<>();
    try {
      while (got.size() < 5) {
        List<SourceRecord> batch = task.poll();
        if (batch != null) {
          got.addAll(batch);
        }
      }
      MONGO
          .client()
          .getDatabase("admin")
          .runCommand(
              new Document("configureFailPoint", "failCommand")
                  .append("mode", new Document("times", 3))
                  .append(
                      "data",
                      new Document("failCommands", List.of("getMore")).append("errorCode", 189)));
      got.addAll(SourceTaskDriver.pollAll(task, 60 - got.size(), 20_000));
    } finally {
      failFind("off");
      task.stop();
    }
    Set<Object> keys = new HashSet<>();
    got.forEach(r -> keys.add(r.key()));
    assertEquals(60, keys.size());
    assertEquals(60, got.size(), "each document once");
  }

  /**
   * Not a check: times the copy of {@code -Dsnapshot.bench=N} documents (chunks of 1000) through
   * the task, for docs/source-connector.md.
   */
  @Test
  void timeTheCopy() throws Exception {
    int n = Integer.getInteger("snapshot.bench", 0);
    Assumptions.assumeTrue(n > 0, "set -Dsnapshot.bench=<documents> to time the snapshot copy");
    MongoCollection<Document> coll =
        MONGO.client().getDatabase("cursor_bench").getCollection("categories");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      docs.add(
          new Document("_id", String.format("c%08d", i))
              .append("name", "category " + i)
              .append("n", i)
              .append("tags", List.of("a", "b")));
      if (docs.size() == 1000) {
        coll.insertMany(docs);
        docs = new ArrayList<>();
      }
    }
    if (!docs.isEmpty()) {
      coll.insertMany(docs);
    }
    Map<String, String> p = props("cursor_bench", 1000);
    p.put("poll.max.batch.size", "5000");
    long started = System.nanoTime();
    MongoSourceTask task = SourceTaskDriver.start(p, Map.of());
    int copied = 0;
    try {
      while (copied < n) {
        List<SourceRecord> batch = task.poll();
        copied += batch == null ? 0 : batch.size();
      }
    } finally {
      task.stop();
    }
    double secs = (System.nanoTime() - started) / 1e9;
    System.out.printf("SNAPSHOT-BENCH %d documents in %.2f s (%.0f docs/s)%n", n, secs, n / secs);
  }
}
