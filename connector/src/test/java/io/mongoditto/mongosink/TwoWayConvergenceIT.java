package io.mongoditto.mongosink;

import static com.mongodb.client.model.Filters.eq;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.mongoditto.localditto.LocalDittoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A randomized concurrent workload on both sides at once, on the same documents and the same fields
 * (sets, nested sets, unsets, arrays, inserts, deletes, re-creates), with the Ditto -> MongoDB
 * connector restarted and older CDC events delivered again out of order in the middle: afterwards
 * both sides hold the same documents, field by field, and then stay quiet. The seed is printed; a
 * failure names it so the run can be repeated ({@code -Dtwoway.seed=...}).
 */
class TwoWayConvergenceIT {

  private static final String COLLECTION = "stock";
  private static final int DOCUMENTS = 12;
  private static TwoWayCluster cluster;

  @BeforeAll
  static void start() {
    cluster = new TwoWayCluster("converge", Map.of("collections", COLLECTION));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void concurrentEditsOnBothSidesConvergeAndGoQuiet() throws Exception {
    long seed = Long.getLong("twoway.seed", System.nanoTime());
    System.out.println("TwoWayConvergenceIT seed " + seed);
    cluster.createCollections();
    MongoCollection<Document> stock = cluster.db().getCollection(COLLECTION);
    for (int i = 0; i < DOCUMENTS; i++) {
      stock.insertOne(
          new Document("_id", "k" + i)
              .append("qty", i)
              .append("loc", "L" + i)
              .append("meta", new Document("a", i).append("b", i)));
    }
    cluster.startConnectors();
    cluster.awaitDittoCount(COLLECTION, DOCUMENTS);

    AtomicInteger mongoOps = new AtomicInteger();
    AtomicInteger dittoOps = new AtomicInteger();
    long until = System.nanoTime() + Duration.ofSeconds(16).toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<?> mongoSide = pool.submit(() -> mongoWriter(stock, new Random(seed), until, mongoOps));
    Future<?> dittoSide =
        pool.submit(() -> dittoWriter(cluster.dittoClient, new Random(seed + 1), until, dittoOps));
    Thread.sleep(6000); // mid-workload, by design: the faults land while both sides write
    cluster.connect.restartConnectorAndTasks("mongo-sink", false, true, false);
    int replayed = replayOlderCdcEvents(new Random(seed + 2), 40);
    mongoSide.get();
    dittoSide.get();
    pool.shutdown();
    System.out.printf(
        "TwoWayConvergenceIT: %d MongoDB edits, %d Ditto edits, %d CDC events delivered again%n",
        mongoOps.get(), dittoOps.get(), replayed);
    assertTrue(mongoOps.get() > 50 && dittoOps.get() > 50, "both sides wrote");

    try {
      cluster.awaitBothSidesEqual(Duration.ofSeconds(120));
      cluster.assertQuiet(Duration.ofSeconds(30));
      cluster.assertBothSidesEqual();
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  private static void mongoWriter(
      MongoCollection<Document> stock, Random r, long until, AtomicInteger ops) {
    int created = 0;
    while (System.nanoTime() < until) {
      String id = "k" + r.nextInt(DOCUMENTS);
      int p = r.nextInt(100);
      if (p < 35) {
        stock.updateOne(eq("_id", id), Updates.set("qty", r.nextInt(1000)));
      } else if (p < 50) {
        stock.updateOne(eq("_id", id), Updates.set("meta.a", r.nextInt(1000)));
      } else if (p < 58) {
        stock.updateOne(eq("_id", id), Updates.unset("loc"));
      } else if (p < 68) {
        stock.updateOne(eq("_id", id), Updates.set("loc", "M" + r.nextInt(50)));
      } else if (p < 78) {
        stock.updateOne(eq("_id", id), Updates.set("tags", List.of("m", r.nextInt(9))));
      } else if (p < 88) {
        stock.insertOne(new Document("_id", "m" + created++).append("qty", r.nextInt(9)));
      } else if (p < 93) {
        stock.deleteOne(eq("_id", id));
      } else {
        stock.updateOne(
            eq("_id", id),
            Updates.combine(Updates.set("qty", 1), Updates.set("meta.a", 1)),
            new UpdateOptions().upsert(true));
      }
      ops.incrementAndGet();
      pause(r);
    }
  }

  private static void dittoWriter(LocalDittoClient ditto, Random r, long until, AtomicInteger ops) {
    int created = 0;
    while (System.nanoTime() < until) {
      String id = "k" + r.nextInt(DOCUMENTS);
      int p = r.nextInt(100);
      if (p < 35) {
        update(ditto, "SET qty = :v", id, r.nextInt(1000));
      } else if (p < 50) {
        update(ditto, "SET meta.b = :v", id, r.nextInt(1000));
      } else if (p < 58) {
        update(ditto, "UNSET loc", id, null);
      } else if (p < 68) {
        update(ditto, "SET loc = :v", id, "D" + r.nextInt(50));
      } else if (p < 78) {
        update(ditto, "SET tags = :v", id, List.of("d", r.nextInt(9)));
      } else if (p < 88) {
        ditto.execute(
            "INSERT INTO " + COLLECTION + " DOCUMENTS (:d)",
            Map.of("d", Map.of("_id", "d" + created++, "qty", r.nextInt(9))));
      } else if (p < 93) {
        ditto.execute("DELETE FROM " + COLLECTION + " WHERE _id = :id", Map.of("id", id));
      } else {
        ditto.execute(
            "INSERT INTO " + COLLECTION + " DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
            Map.of("d", Map.of("_id", id, "qty", 2, "meta", Map.of("b", 2))));
      }
      ops.incrementAndGet();
      pause(r);
    }
  }

  private static void update(LocalDittoClient ditto, String change, String id, Object value) {
    Map<String, Object> args = value == null ? Map.of("id", id) : Map.of("id", id, "v", value);
    ditto.execute("UPDATE " + COLLECTION + " " + change + " WHERE _id = :id", args);
  }

  private static void pause(Random r) {
    try {
      Thread.sleep(20 + r.nextInt(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Delivers {@code n} CDC events already on the topic again, shuffled. */
  private static int replayOlderCdcEvents(Random r, int n) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
    try (Consumer<byte[], byte[]> c =
        cluster
            .connect
            .kafka()
            .createConsumerAndSubscribeTo(
                Map.of("auto.offset.reset", "earliest"), TwoWayCluster.CDC_TOPIC)) {
      long end = cluster.endOffset(TwoWayCluster.CDC_TOPIC);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (seen.size() < end && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(300)).forEach(seen::add);
      }
    }
    Collections.shuffle(seen, r);
    List<ConsumerRecord<byte[], byte[]>> again = seen.subList(0, Math.min(n, seen.size()));
    for (ConsumerRecord<byte[], byte[]> rec : again) {
      cluster.produce(TwoWayCluster.CDC_TOPIC, rec.key(), rec.value());
    }
    return again.size();
  }
}
