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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
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
    collections.put("collections", "inventory,orders,customers");
    collections.put("collection.customers.filter", "{\"active\": true}");
    collections.put("collection.customers.fields.exclude", "internal_notes");
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
    MongoCollection<Document> customers = db.getCollection("customers");
    for (int i = 0; i < 6; i++) {
      customers.insertOne(
          new Document("_id", "c" + i)
              .append("active", i % 2 == 0)
              .append("name", "C" + i)
              .append("internal_notes", "kept in MongoDB only"));
    }
    cluster.startConnectors();
    cluster.awaitDittoCount("inventory", 20);
    cluster.awaitDittoCount("orders", 20);
    cluster.awaitDittoCount("customers", 3);

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
    // Crossing the filter from Ditto (c0 stops matching), a new Ditto document that never
    // matched, a device writing an excluded field and changing an id field.
    dittoClient.execute("UPDATE customers SET active = false WHERE _id = 'c0'", Map.of());
    dittoClient.execute(
        "INSERT INTO customers DOCUMENTS (:d)",
        Map.of("d", Map.of("_id", "c-edge", "active", false, "name", "walk-in")));
    dittoClient.execute(
        "UPDATE customers SET internal_notes = 'typed on a device', name = 'C2b' WHERE _id ="
            + " 'c2'",
        Map.of());
    dittoClient.execute(
        "UPDATE orders SET order_id = 'O-X', status = 'paid' WHERE _id = 'O-7'", Map.of());
    // MongoDB at the same time, other documents and fields; c1 starts matching.
    customers.updateOne(eq("_id", "c1"), set("active", true));
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
              assertEquals(false, customers.find(eq("_id", "c0")).first().get("active"));
              assertEquals("walk-in", customers.find(eq("_id", "c-edge")).first().get("name"));
              Document c2 = customers.find(eq("_id", "c2")).first();
              assertEquals("C2b", c2.get("name"));
              assertEquals("kept in MongoDB only", c2.get("internal_notes"));
              Document o7 = orders.find(eq("order_id", "O-7")).first();
              assertEquals("paid", o7.get("status"), "the rest of the edit is applied");
            });
    assertNull(orders.find(eq("order_id", "O-X")).first(), "an id field never changes from Ditto");
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

    // Then Ditto holds MongoDB's view again: c0 and c-edge gone (filter), c1 there, c2 without
    // the excluded field, O-7 with its own order_id.
    cluster.awaitBothSidesEqual(Duration.ofSeconds(90));
    cluster.assertQuiet(Duration.ofSeconds(8));
    cluster.assertBothSidesEqual();
  }

  @Test
  void validateChecksMongoDbDittoAndTheCdcTopic() {
    Map<String, String> good = cluster.mongoSinkProps();
    assertEquals(Map.of(), errors(good));

    Map<String, String> wrongKey = cluster.mongoSinkProps();
    wrongKey.put("ditto.api.key", "not-the-key");
    assertTrue(errors(wrongKey).containsKey("ditto.api.key"), errors(wrongKey).toString());

    Map<String, String> noMongo = cluster.mongoSinkProps();
    noMongo.put("mongodb.uri", "mongodb://127.0.0.1:1/?directConnection=true");
    noMongo.put("mongodb.server.selection.timeout.ms", "1000");
    assertTrue(errors(noMongo).containsKey("mongodb.uri"), errors(noMongo).toString());

    Map<String, String> direct = cluster.mongoSinkProps();
    direct.put("consumer.override.bootstrap.servers", cluster.connect.kafka().bootstrapServers());
    assertEquals(Map.of(), errors(direct), "the topic is there");
    direct.put("topics", "no-such-bridge-topic");
    assertTrue(errors(direct).containsKey("topics"), errors(direct).toString());

    Map<String, String> oneWay = cluster.mongoSinkProps();
    oneWay.put("collection.inventory.direction", "mongo_to_ditto");
    oneWay.put("collection.orders.direction", "mongo_to_ditto");
    oneWay.put("collection.customers.direction", "mongo_to_ditto");
    assertTrue(errors(oneWay).containsKey("collections"), errors(oneWay).toString());
  }

  /** The validate endpoint's errors by key. */
  private static Map<String, List<String>> errors(Map<String, String> props) {
    Map<String, List<String>> out = new TreeMap<>();
    ConfigInfos infos =
        cluster.connect.validateConnectorConfig(MongoSinkConnector.class.getSimpleName(), props);
    for (ConfigInfo i : infos.configs()) {
      if (!i.configValue().errors().isEmpty()) {
        out.put(i.configValue().name(), i.configValue().errors());
      }
    }
    return out;
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
