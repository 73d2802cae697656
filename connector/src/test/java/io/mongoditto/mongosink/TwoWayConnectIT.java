package io.mongoditto.mongosink;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.localditto.LocalDittoClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both directions at once on a real Connect worker: the MongoDB source and the Ditto sink carry
 * MongoDB's changes into the local Ditto; the local Ditto's CDC feed (the cloud's message format)
 * on the worker's Kafka carries the edge's writes back through the Ditto -> MongoDB sink. Edits on
 * both sides (new documents, nested updates, unsets, deletes, a document created in Ditto under
 * each id mode), a stale duplicate CDC event that must not revert a newer value, a poison message;
 * then both sides compared document by document and a quiet period in which neither side changes.
 */
class TwoWayConnectIT {

  private static TwoWayCluster cluster;

  @BeforeAll
  static void start() {
    Map<String, String> collections = new LinkedHashMap<>();
    collections.put("collections", "inventory,orders");
    collections.put("collection.orders.id.mode", "single_field");
    collections.put("collection.orders.id.fields", "order_id");
    cluster = new TwoWayCluster("twoway", collections);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void editsOnBothSidesConvergeAndThenNothingMoves() throws Exception {
    cluster.createCollections();
    MongoDatabase db = cluster.db();
    LocalDittoClient dittoClient = cluster.dittoClient;
    MongoCollection<Document> inventory = db.getCollection("inventory");
    MongoCollection<Document> orders = db.getCollection("orders");
    List<ObjectId> inv = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ObjectId id = new ObjectId();
      inv.add(id);
      inventory.insertOne(
          new Document("_id", id)
              .append("store_id", i % 4)
              .append("qty", 10 + i)
              .append("counted", new Date(1_700_000_000_000L + i)));
      orders.insertOne(
          new Document("order_id", "O-" + i)
              .append("status", "open")
              .append("total", 10.5 + i)
              .append("notes", new Document("by", "pos").append("lane", i))
              .append("lines", List.of(new Document("sku", "S" + i).append("qty", 1))));
    }
    cluster.startConnectors();
    cluster.awaitDittoCount("inventory", 20);
    cluster.awaitDittoCount("orders", 20);

    // The edge: devices' writes reaching Ditto's server.
    String inv0 = inv.get(0).toHexString();
    String newInventoryId = new ObjectId().toHexString();
    dittoClient.execute("UPDATE inventory SET qty = 99 WHERE _id = :id", Map.of("id", inv0));
    dittoClient.execute(
        "INSERT INTO orders DOCUMENTS (:d)",
        Map.of(
            "d",
            Map.of(
                "_id",
                "O-EDGE",
                "order_id",
                "O-EDGE",
                "status",
                "new",
                "total",
                12.5,
                "lines",
                List.of(Map.of("sku", "S1", "qty", 2)))));
    dittoClient.execute(
        "INSERT INTO inventory DOCUMENTS (:d)",
        Map.of("d", Map.of("_id", newInventoryId, "store_id", 7, "qty", 3)));
    dittoClient.execute("UPDATE orders SET notes.by = 'device' WHERE _id = 'O-3'", Map.of());
    dittoClient.execute("UPDATE orders UNSET status WHERE _id = 'O-4'", Map.of());
    dittoClient.execute("DELETE FROM orders WHERE _id = 'O-5'", Map.of());
    // MongoDB at the same time, other documents and fields.
    inventory.updateOne(eq("_id", inv.get(1)), set("qty", 7));
    orders.updateOne(eq("order_id", "O-6"), set("status", "shipped"));

    Awaitility.await("the edge's writes in MongoDB")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertEquals(99, inventory.find(eq("_id", inv.get(0))).first().get("qty"));
              Document edge = orders.find(eq("order_id", "O-EDGE")).first();
              assertTrue(edge != null, "the order taken at the edge is in MongoDB");
              assertInstanceOf(ObjectId.class, edge.get("_id"), "a new MongoDB _id");
              assertEquals(12.5, edge.get("total"));
              Document created = inventory.find(eq("_id", new ObjectId(newInventoryId))).first();
              assertTrue(created != null, "24 hex digits become an ObjectId _id");
              Document notes =
                  orders.find(eq("order_id", "O-3")).first().get("notes", Document.class);
              assertEquals("device", notes.get("by"));
              assertEquals(3, notes.get("lane"), "a field the edge did not touch is kept");
              assertFalse(orders.find(eq("order_id", "O-4")).first().containsKey("status"));
              assertNull(orders.find(eq("order_id", "O-5")).first());
            });
    assertInstanceOf(
        Date.class,
        inventory.find(eq("_id", inv.get(0))).first().get("counted"),
        "a Date the edge did not touch keeps its BSON type");

    // A second edge edit, then a stale copy of the first one delivered again (duplicate,
    // reordered): MongoDB must keep the newer value.
    dittoClient.execute("UPDATE inventory SET qty = 100 WHERE _id = :id", Map.of("id", inv0));
    awaitMongo(() -> inventory.find(eq("_id", inv.get(0))).first().getInteger("qty") == 100);
    ConsumerRecord<byte[], byte[]> first = firstCdcEventSetting(inv0, 99);
    cluster.produce(TwoWayCluster.CDC_TOPIC, first.key(), first.value());
    cluster.produce(
        TwoWayCluster.CDC_TOPIC,
        null,
        "{\"type\": \"documentChanged\"}".getBytes(StandardCharsets.UTF_8));
    Awaitility.await("the poison message dead-lettered")
        .atMost(Duration.ofSeconds(60))
        .until(() -> cluster.endOffset(TwoWayCluster.DLQ) >= 1);
    assertEquals(100, inventory.find(eq("_id", inv.get(0))).first().getInteger("qty"));

    cluster.awaitBothSidesEqual(Duration.ofSeconds(90));
    cluster.assertQuiet(Duration.ofSeconds(8));
    cluster.assertBothSidesEqual();
  }

  private static void awaitMongo(java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(condition);
  }

  private static ConsumerRecord<byte[], byte[]> firstCdcEventSetting(String id, int qty) {
    try (Consumer<byte[], byte[]> c =
        cluster
            .connect
            .kafka()
            .createConsumerAndSubscribeTo(
                Map.of("auto.offset.reset", "earliest"), TwoWayCluster.CDC_TOPIC)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          String v = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
          if (v.contains(id) && v.contains("\"qty\":" + qty) && v.contains("\"newValue\"")) {
            String newValue = v.substring(v.indexOf("\"newValue\""));
            if (newValue.contains("\"qty\":" + qty)) {
              return r;
            }
          }
        }
      }
    }
    throw new AssertionError("no CDC event set qty " + qty + " on " + id);
  }
}
