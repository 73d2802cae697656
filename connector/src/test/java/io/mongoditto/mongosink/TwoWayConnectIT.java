package io.mongoditto.mongosink;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.config.Direction;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.DittoValues;
import io.mongoditto.sink.DittoSinkConnector;
import io.mongoditto.source.MongoSourceConnector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.awaitility.Awaitility;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
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

  private static final String DB = "twoway";
  private static final String CDC_TOPIC = "ditto-cdc";
  private static final String DLQ = "ditto-cdc-dlq";

  private static LocalMongo mongo;
  private static MongoClient client;
  private static EmbeddedConnectCluster connect;
  private static LocalDitto ditto;
  private static LocalDittoClient dittoClient;

  @BeforeAll
  static void start() {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
    Map<String, String> worker = new HashMap<>();
    worker.put("plugin.discovery", "service_load");
    worker.put("offset.flush.interval.ms", "1000");
    connect =
        new EmbeddedConnectCluster.Builder()
            .name("two-way")
            .numWorkers(1)
            .numBrokers(1)
            .workerProps(worker)
            .build();
    connect.start();
    for (String topic :
        List.of(CDC_TOPIC, "mongoditto.inventory", "mongoditto.orders", "mongoditto.heartbeat")) {
      connect.kafka().createTopic(topic, 1);
    }
    ditto =
        LocalDitto.start(
            LocalDitto.Options.defaults()
                .withCdc(
                    CdcOptions.toKafka(connect.kafka().bootstrapServers()).withTopic(CDC_TOPIC)));
    dittoClient = new LocalDittoClient(ditto);
  }

  @AfterAll
  static void stop() {
    if (ditto != null) {
      ditto.close();
    }
    if (connect != null) {
      connect.stop();
    }
    client.close();
    mongo.close();
  }

  /** The one description of the collections both directions read. */
  private static Map<String, String> collections() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("mongodb.uri", mongo.connectionString());
    p.put("mongodb.database", DB);
    p.put("collections", "inventory,orders");
    p.put("collection.orders.id.mode", "single_field");
    p.put("collection.orders.id.fields", "order_id");
    return p;
  }

  private static Map<String, String> common(String connectorClass) {
    Map<String, String> p = new HashMap<>(collections());
    p.put("connector.class", connectorClass);
    p.put("tasks.max", "1");
    p.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("key.converter.schemas.enable", "false");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    return p;
  }

  private static void startConnectors() {
    Map<String, String> source = common(MongoSourceConnector.class.getName());
    connect.configureConnector("mongo-source", source);
    Map<String, String> sink = common(DittoSinkConnector.class.getName());
    sink.keySet().removeIf(k -> k.startsWith("collection") || k.startsWith("mongodb."));
    sink.put("topics", "mongoditto.inventory,mongoditto.orders");
    sink.put("ditto.endpoint", ditto.endpoint());
    sink.put("ditto.api.key", ditto.apiKey());
    connect.configureConnector("ditto-sink", sink);
    Map<String, String> reverse = common(MongoSinkConnector.class.getName());
    reverse.put("topics", CDC_TOPIC);
    reverse.put("ditto.endpoint", ditto.endpoint());
    reverse.put("ditto.api.key", ditto.apiKey());
    // CDC messages are JSON text; the task reads text, bytes or maps alike.
    reverse.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    reverse.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    reverse.put("errors.tolerance", "all");
    reverse.put("errors.deadletterqueue.topic.name", DLQ);
    reverse.put("errors.deadletterqueue.topic.replication.factor", "1");
    reverse.put("errors.deadletterqueue.context.headers.enable", "true");
    connect.configureConnector("mongo-sink", reverse);
  }

  @Test
  void editsOnBothSidesConvergeAndThenNothingMoves() throws Exception {
    MongoDatabase db = client.getDatabase(DB);
    for (String name : List.of("inventory", "orders")) {
      db.createCollection(
          name,
          new CreateCollectionOptions()
              .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    }
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
    startConnectors();
    awaitDitto("inventory", 20);
    awaitDitto("orders", 20);

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
    produce(CDC_TOPIC, first.key(), first.value());
    produce(CDC_TOPIC, null, "{\"type\": \"documentChanged\"}".getBytes(StandardCharsets.UTF_8));
    Awaitility.await("the poison message dead-lettered")
        .atMost(Duration.ofSeconds(60))
        .until(() -> countRecords(DLQ) >= 1);
    assertEquals(100, inventory.find(eq("_id", inv.get(0))).first().getInteger("qty"));

    awaitBothSidesEqual(db);
    assertQuiet(db, Duration.ofSeconds(8));
    awaitBothSidesEqual(db);
  }

  private void awaitDitto(String collection, int count) {
    Awaitility.await(collection + " in Ditto")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> dittoClient.select(collection).size() == count);
  }

  private static void awaitMongo(java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(condition);
  }

  /** Every MongoDB document, mapped, is in Ditto with the same fields, and Ditto holds no other. */
  private static void awaitBothSidesEqual(MongoDatabase db) {
    List<CollectionConfig> configs = CollectionsParser.parse(collections()).collections();
    Awaitility.await("Ditto equals the mapped MongoDB")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (CollectionConfig c : configs) {
                assertTrue(c.syncs(Direction.BOTH));
                ChangeEventMapper mapper =
                    new ChangeEventMapper(c.mapping(), new ConversionStats());
                Map<String, Map<String, Object>> expected = new HashMap<>();
                for (RawBsonDocument d : db.getCollection(c.name(), RawBsonDocument.class).find()) {
                  Map<String, Object> mapped = mapper.dittoDocument(BsonDocument.parse(d.toJson()));
                  expected.put(String.valueOf(mapped.get("_id")), mapped);
                }
                Map<String, Map<String, Object>> actual = new HashMap<>();
                for (Map<String, Object> d : dittoClient.select(c.name())) {
                  actual.put(String.valueOf(d.get("_id")), DittoMetadata.without(d));
                }
                assertEquals(expected.keySet(), actual.keySet(), c.name() + ": the same documents");
                for (String id : expected.keySet()) {
                  assertTrue(
                      DittoValues.same(expected.get(id), actual.get(id)),
                      c.name()
                          + " "
                          + id
                          + ": MongoDB "
                          + expected.get(id)
                          + " Ditto "
                          + actual.get(id));
                }
              }
            });
  }

  /** Neither side changes during {@code period}: no echo loop. */
  private void assertQuiet(MongoDatabase db, Duration period) {
    long cdcBefore = countRecords(CDC_TOPIC);
    int mongoChanges = 0;
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream =
        db.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS).cursor()) {
      long end = System.nanoTime() + period.toNanos();
      while (System.nanoTime() < end) {
        ChangeStreamDocument<Document> e = stream.tryNext();
        if (e != null && !e.getNamespace().getCollectionName().startsWith("mongoditto")) {
          mongoChanges++;
        }
      }
    }
    long cdcAfter = countRecords(CDC_TOPIC);
    assertEquals(0, mongoChanges, "MongoDB changes during the quiet period");
    assertEquals(cdcBefore, cdcAfter, "Ditto CDC events during the quiet period");
  }

  private static ConsumerRecord<byte[], byte[]> firstCdcEventSetting(String id, int qty) {
    try (Consumer<byte[], byte[]> c =
        connect
            .kafka()
            .createConsumerAndSubscribeTo(Map.of("auto.offset.reset", "earliest"), CDC_TOPIC)) {
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

  private static long countRecords(String topic) {
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Consumer<byte[], byte[]> c = connect.kafka().createConsumer(Map.of())) {
      return c.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static void produce(String topic, byte[] key, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = connect.kafka().createProducer(Map.of())) {
      p.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }
}
