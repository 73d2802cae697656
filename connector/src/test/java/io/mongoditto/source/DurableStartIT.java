package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.mongoditto.change.DittoChangeCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task killed before the runtime stored any offset of what it read must, when restarted, continue
 * from the SAME stream position as the first attempt: a document the first attempt copied and that
 * was deleted before the restart must get its delete; a collection under startup mode latest must
 * get the changes made after the first attempt started streaming. The runtime here behaves like
 * Connect: it stores the offset of the last polled record of each partition on a timer, and a kill
 * loses whatever was polled since the last store.
 */
class DurableStartIT {

  @RegisterExtension static final LocalMongoExtension MONGO = new LocalMongoExtension();

  /** Offsets as a runtime stores them: per partition, readable by the task at any time. */
  private static final class OffsetStore implements OffsetStorageReader {
    final Map<Map<String, Object>, Map<String, Object>> stored = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public <T> Map<String, Object> offset(Map<String, T> partition) {
      return stored.get((Map<String, Object>) partition);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(
        Collection<Map<String, T>> partitions) {
      Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
      for (Map<String, T> p : partitions) {
        Map<String, Object> o = stored.get((Map<String, Object>) p);
        if (o != null) {
          out.put(p, o);
        }
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    void store(SourceRecord r) {
      stored.put(
          (Map<String, Object>) r.sourcePartition(),
          new HashMap<>((Map<String, Object>) r.sourceOffset()));
    }
  }

  private static Map<String, String> props(String db) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "durable-start-test");
    p.put("mongodb.uri", MONGO.connectionString());
    p.put("mongodb.database", db);
    p.put("collections", "categories");
    p.put("startup.mode", "initial");
    p.put("snapshot.chunk.size", "5");
    p.put("buffer.capacity", "5");
    p.put("poll.max.batch.size", "5");
    p.put("change.stream.max.await.time.ms", "200");
    p.put(
        MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START,
        System.getProperty("test.await.stored.start", "true"));
    return p;
  }

  private static boolean isData(SourceRecord r) {
    return !r.topic().endsWith("heartbeat");
  }

  @Test
  void aTaskKilledBeforeItsFirstOffsetFlushResumesFromTheSameStreamPosition() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("durable").getCollection("categories");
    for (int i = 0; i < 50; i++) {
      cats.insertOne(new Document("_id", String.format("c%02d", i)));
    }
    OffsetStore store = new OffsetStore();
    MongoSourceTask first = SourceTaskDriver.start(props("durable"), store);
    List<SourceRecord> firstRun = new ArrayList<>();
    try {
      // The runtime stores the last polled offset every 300 ms, and is killed as soon as a poll
      // returns snapshot records (their offsets never stored).
      long nextFlush = System.currentTimeMillis() + 300;
      SourceRecord lastPolled = null;
      long deadline = System.currentTimeMillis() + 20_000;
      while (firstRun.stream().noneMatch(DurableStartIT::isData)
          && System.currentTimeMillis() < deadline) {
        List<SourceRecord> batch = first.poll();
        if (batch != null && !batch.isEmpty()) {
          firstRun.addAll(batch);
          if (batch.stream().noneMatch(DurableStartIT::isData)) {
            lastPolled = batch.get(batch.size() - 1);
          }
        }
        if (System.currentTimeMillis() >= nextFlush
            && lastPolled != null
            && firstRun.stream().noneMatch(DurableStartIT::isData)) {
          store.store(lastPolled);
          nextFlush = System.currentTimeMillis() + 300;
        }
      }
    } finally {
      first.stop(); // the kill: nothing polled after the last store is stored
    }
    SourceRecord copied = firstRun.stream().filter(DurableStartIT::isData).findFirst().orElse(null);
    assertNotNull(copied, "the first attempt copied documents: " + firstRun);
    BsonDocument firstPosition = SourceOffsets.snapshotStartToken(copied.sourceOffset());
    Map<String, Object> stored = store.offset(SourceOffsets.partition("durable", "categories"));

    // Between the two runs: a document the first attempt already copied is deleted.
    String deletedId = String.valueOf(copied.key());
    cats.deleteOne(Filters.eq("_id", deletedId));

    MongoSourceTask second = SourceTaskDriver.start(props("durable"), store);
    List<SourceRecord> secondRun = new ArrayList<>();
    try {
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline
          && secondRun.stream()
              .noneMatch(r -> isData(r) && DittoChangeCodec.fromValue(r.value()).isDelete())) {
        List<SourceRecord> batch = second.poll();
        if (batch != null) {
          batch.forEach(store::store);
          secondRun.addAll(batch);
        }
      }
    } finally {
      second.stop();
    }
    assertTrue(
        secondRun.stream()
            .filter(DurableStartIT::isData)
            .anyMatch(
                r -> deletedId.equals(r.key()) && DittoChangeCodec.fromValue(r.value()).isDelete()),
        "the delete of " + deletedId + " reached the topic");
    assertNotNull(
        stored, "the first attempt's stream position was stored before its snapshot records");
    assertEquals(firstPosition, SourceOffsets.snapshotStartToken(stored));
    assertEquals(
        null, SourceOffsets.snapshotLastId(stored), "nothing copied yet in the stored offset");
    SourceRecord firstCopy =
        secondRun.stream().filter(DurableStartIT::isData).findFirst().orElseThrow();
    assertEquals(
        firstPosition,
        SourceOffsets.snapshotStartToken(firstCopy.sourceOffset()),
        "the restarted copy streams from the first attempt's position");
  }

  /**
   * Issue 13 item 8: under startup mode latest the position "now" lived only in memory until the
   * first offset flush; a task killed before it started again at a later "now", and the changes in
   * between were never read. Now it is stored before the stream is read.
   */
  @Test
  void aLatestStartIsStoredBeforeStreamingSoAKillBeforeTheFirstFlushLosesNothing()
      throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("durable_latest").getCollection("categories");
    cats.insertOne(new Document("_id", "before-start"));
    Map<String, String> props = props("durable_latest");
    props.put("startup.mode", "latest");
    OffsetStore store = new OffsetStore();
    MongoSourceTask first = SourceTaskDriver.start(props, store);
    List<SourceRecord> firstRun = new ArrayList<>();
    try {
      // The runtime flushes what was polled every 300 ms until the collection streams.
      long nextFlush = System.currentTimeMillis() + 300;
      SourceRecord lastPolled = null;
      long deadline = System.currentTimeMillis() + 20_000;
      while (first.stats().collection("categories").state() != CollectionMetrics.State.STREAMING
          && System.currentTimeMillis() < deadline) {
        List<SourceRecord> batch = first.poll();
        if (batch != null && !batch.isEmpty()) {
          firstRun.addAll(batch);
          lastPolled = batch.get(batch.size() - 1);
        }
        if (System.currentTimeMillis() >= nextFlush && lastPolled != null) {
          store.store(lastPolled);
          nextFlush = System.currentTimeMillis() + 300;
        }
      }
      assertEquals(
          CollectionMetrics.State.STREAMING, first.stats().collection("categories").state());
      // Streaming: changes now, read by the task, and the kill comes before the next flush.
      for (int i = 0; i < 5; i++) {
        cats.insertOne(new Document("_id", "while-streaming-" + i));
      }
      long until = System.currentTimeMillis() + 20_000;
      while (firstRun.stream().filter(DurableStartIT::isData).count() < 5
          && System.currentTimeMillis() < until) {
        List<SourceRecord> batch = first.poll();
        if (batch != null) {
          firstRun.addAll(batch);
        }
      }
      assertEquals(
          5, firstRun.stream().filter(DurableStartIT::isData).count(), "read before the kill");
    } finally {
      first.stop();
    }

    MongoSourceTask second = SourceTaskDriver.start(props, store);
    List<SourceRecord> secondRun = new ArrayList<>();
    try {
      long deadline = System.currentTimeMillis() + 20_000;
      while (secondRun.stream().filter(DurableStartIT::isData).count() < 5
          && System.currentTimeMillis() < deadline) {
        List<SourceRecord> batch = second.poll();
        if (batch != null) {
          batch.forEach(store::store);
          secondRun.addAll(batch);
        }
      }
    } finally {
      second.stop();
    }
    assertEquals(
        List.of(
            "while-streaming-0",
            "while-streaming-1",
            "while-streaming-2",
            "while-streaming-3",
            "while-streaming-4"),
        secondRun.stream().filter(DurableStartIT::isData).map(r -> r.key()).toList(),
        "the restarted task reads the changes made after the first one started streaming");
  }
}
