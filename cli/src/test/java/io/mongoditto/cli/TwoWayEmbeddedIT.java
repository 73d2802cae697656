package io.mongoditto.cli;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.cli.embedded.DittoToMongoSync;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.cli.ops.HealthMonitor;
import io.mongoditto.cli.ops.HealthThresholds;
import io.mongoditto.cli.ops.OpsServer;
import io.mongoditto.cli.ops.StatusLine;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.DittoValues;
import io.mongoditto.mongosink.MongoSinkMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both directions in the embedded runner, without a Kafka of the user's own: the runner reads the
 * local Ditto's CDC feed (a one-node broker in this JVM, the same consumer code as for Ditto's
 * cloud Kafka) through the {@code ditto.cdc.*} settings. MongoDB's edits reach Ditto, Ditto's edits
 * (inserts, nested updates, deletes) reach MongoDB with MongoDB ids; after convergence neither side
 * changes (no echo loop); a restart from the offsets file reads only the CDC events that came after
 * the stop, and is quiet again; status line and /health show both directions.
 */
class TwoWayEmbeddedIT {

  private static final String DB = "twoway_embedded";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalMongo mongo;
  private static MongoClient client;
  private static LocalDitto ditto;
  private static LocalDittoClient dittoClient;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
    ditto = LocalDitto.start(LocalDitto.Options.defaults().withCdc(CdcOptions.inProcessBroker()));
    dittoClient = new LocalDittoClient(ditto);
  }

  @AfterAll
  static void stop() {
    if (ditto != null) {
      ditto.close();
    }
    if (client != null) {
      client.close();
    }
    if (mongo != null) {
      mongo.close();
    }
  }

  private static Map<String, String> settings() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("name", "two-way-embedded");
    p.put("mongodb.uri", mongo.connectionString());
    p.put("mongodb.database", DB);
    p.put("topic.prefix", "tw");
    p.put("collections", "inventory,orders");
    p.put("collection.orders.id.mode", "single_field");
    p.put("collection.orders.id.fields", "order_id");
    p.put("ditto.endpoint", ditto.endpoint());
    p.put("ditto.api.key", ditto.apiKey());
    p.put("ditto.cdc.bootstrap.servers", ditto.cdcBootstrapServers());
    p.put("ditto.cdc.topic", ditto.cdcTopic());
    return p;
  }

  private EmbeddedSync startSync() throws InterruptedException {
    EmbeddedSync sync =
        EmbeddedSync.start(
            new EmbeddedSync.Options(
                settings(),
                dir.resolve("offsets.dat"),
                dir.resolve("dead-letters.jsonl"),
                Duration.ofMillis(500)));
    assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync started");
    assertTrue(sync.dittoToMongo().isPresent(), "the Ditto -> MongoDB direction runs");
    return sync;
  }

  @Test
  void bothDirectionsConvergeGoQuietAndResumeFromTheOffsetsFile() throws Exception {
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
    for (int i = 0; i < 10; i++) {
      ObjectId id = new ObjectId();
      inv.add(id);
      inventory.insertOne(new Document("_id", id).append("store_id", i % 3).append("qty", 10 + i));
      orders.insertOne(
          new Document("order_id", "O-" + i)
              .append("status", "open")
              .append("notes", new Document("by", "pos").append("lane", i)));
    }

    EmbeddedSync sync = startSync();
    try {
      awaitDitto("inventory", 10);
      awaitDitto("orders", 10);

      String inv0 = inv.get(0).toHexString();
      dittoClient.execute("UPDATE inventory SET qty = 99 WHERE _id = :id", Map.of("id", inv0));
      dittoClient.execute(
          "INSERT INTO orders DOCUMENTS (:d)",
          Map.of("d", Map.of("_id", "O-EDGE", "order_id", "O-EDGE", "status", "new")));
      dittoClient.execute("UPDATE orders SET notes.by = 'device' WHERE _id = 'O-3'", Map.of());
      dittoClient.execute("DELETE FROM orders WHERE _id = 'O-5'", Map.of());
      inventory.updateOne(eq("_id", inv.get(1)), set("qty", 7));

      Awaitility.await("Ditto's edits in MongoDB")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () -> {
                assertEquals(99, inventory.find(eq("_id", inv.get(0))).first().get("qty"));
                Document edge = orders.find(eq("order_id", "O-EDGE")).first();
                assertTrue(edge != null, "the order taken at the edge is in MongoDB");
                assertInstanceOf(ObjectId.class, edge.get("_id"), "with a MongoDB _id");
                Document notes =
                    orders.find(eq("order_id", "O-3")).first().get("notes", Document.class);
                assertEquals("device", notes.get("by"));
                assertEquals(3, notes.get("lane"), "a field the edge did not touch is kept");
                assertNull(orders.find(eq("order_id", "O-5")).first());
              });
      awaitBothSidesEqual(db);
      assertQuiet(db, Duration.ofSeconds(5));

      MongoSinkMetrics reverse = sync.dittoToMongo().orElseThrow().metrics();
      assertTrue(reverse.written.count() >= 4, "Ditto's edits written: " + reverse.totals());
      assertTrue(reverse.echoes.count() > 0, "the forward writes came back as echoes");
      String status = StatusLine.of(sync);
      assertTrue(status.startsWith("MongoDB -> Ditto: applied "), status);
      assertTrue(
          status.contains(" | Ditto -> MongoDB: applied " + reverse.written.count() + ", echoes "),
          status);
      JsonNode health =
          JSON.readTree(
              OpsServer.toJson(
                  new HealthMonitor(
                          sync,
                          settings(),
                          CollectionsParser.parse(settings()).collections(),
                          HealthThresholds.DEFAULTS)
                      .evaluate()));
      assertEquals("green", health.get("state").asText(), health.toString());
      assertEquals(
          reverse.written.count(),
          health.at("/directions/ditto_to_mongo/applied").asLong(),
          health.toString());
      assertTrue(health.at("/directions/mongo_to_ditto/applied").asLong() >= 21, health.toString());
      assertFalse(health.at("/directions/ditto_to_mongo/lag_seconds").isMissingNode());
    } finally {
      sync.close();
    }
    assertFalse(sync.isRunning());
    assertNull(sync.failure(), "a clean stop is no failure");

    // While the runner is down: one edit on each side.
    long cdcAtStop = cdcEvents();
    dittoClient.execute(
        "UPDATE inventory SET qty = 55 WHERE _id = :id", Map.of("id", inv.get(2).toHexString()));
    orders.updateOne(eq("order_id", "O-7"), set("status", "shipped"));
    Awaitility.await("the Ditto edit on the CDC topic")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cdcEvents() > cdcAtStop);

    EmbeddedSync again = startSync();
    try {
      awaitMongo(() -> inventory.find(eq("_id", inv.get(2))).first().getInteger("qty") == 55);
      awaitBothSidesEqual(db);
      assertQuiet(db, Duration.ofSeconds(5));
      MongoSinkMetrics reverse = again.dittoToMongo().orElseThrow().metrics();
      assertEquals(
          cdcEvents() - cdcAtStop,
          reverse.events.count(),
          "after the restart only the CDC events after the stop are read: " + reverse.totals());
      assertEquals(
          1, reverse.written.count(), "only the edit made while down: " + reverse.totals());
      assertEquals(0, reverse.deadLettered.count());
    } finally {
      again.close();
    }
    assertNull(again.failure());
  }

  @Test
  void latestStartsAtTheFeedsEndAndKeepsThatPositionFromTheStart() throws Exception {
    dittoClient.execute(
        "INSERT INTO shelves DOCUMENTS (:d)", Map.of("d", Map.of("_id", "before", "n", 1)));
    long before = cdcEvents();
    Awaitility.await("the earlier edit on the CDC topic")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cdcEvents() > 0);
    MongoDatabase db = client.getDatabase(DB + "_latest");
    db.createCollection("shelves");
    Map<String, String> s = settings();
    s.put("name", "latest");
    s.put("mongodb.database", DB + "_latest");
    s.put("collections", "shelves");
    s.keySet().removeIf(k -> k.startsWith("collection.orders"));
    s.put("ditto.cdc.consumer.auto.offset.reset", "latest");
    long atStart = Math.max(before, cdcEvents());
    EmbeddedSync sync =
        EmbeddedSync.start(
            new EmbeddedSync.Options(
                s,
                dir.resolve("latest.offsets"),
                dir.resolve("latest.jsonl"),
                Duration.ofMillis(500)));
    try {
      assertTrue(sync.awaitStarted(Duration.ofSeconds(60)));
      MongoSinkMetrics reverse = sync.dittoToMongo().orElseThrow().metrics();
      // Once positioned (its start stored), a later edit must be read.
      Awaitility.await("the reverse direction positioned at the feed's end")
          .atMost(Duration.ofSeconds(60))
          .until(() -> sync.dittoToMongo().orElseThrow().isReading());
      dittoClient.execute(
          "INSERT INTO shelves DOCUMENTS (:d)", Map.of("d", Map.of("_id", "after", "n", 2)));
      MongoCollection<Document> shelves = db.getCollection("shelves");
      awaitMongo(() -> shelves.find(eq("_id", "after")).first() != null);
      assertNull(shelves.find(eq("_id", "before")).first(), "an event before the start is skipped");
      assertEquals(cdcEvents() - atStart, reverse.events.count(), reverse.totals().toString());
    } finally {
      sync.close();
    }
  }

  @Test
  void aCdcFeedThatCannotBeReadStopsTheSyncWithAClearMessage() throws Exception {
    MongoDatabase db = client.getDatabase(DB + "_bad");
    db.createCollection("inventory");
    Map<String, String> s = settings();
    s.put("mongodb.database", DB + "_bad");
    s.put("collections", "inventory");
    s.keySet().removeIf(k -> k.startsWith("collection.orders"));
    s.put("ditto.cdc.topic", "no-such-bridge-topic");
    s.put("ditto.cdc.consumer.allow.auto.create.topics", "false");
    s.put("ditto.cdc.consumer.default.api.timeout.ms", "3000");
    EmbeddedSync sync =
        EmbeddedSync.start(
            new EmbeddedSync.Options(
                s, dir.resolve("bad.offsets"), dir.resolve("bad.jsonl"), Duration.ofMillis(500)));
    try {
      assertTrue(sync.awaitStopped(Duration.ofSeconds(120)), "the sync stopped");
      Throwable failure = sync.failure();
      assertTrue(failure != null, "a failure is reported");
      assertTrue(failure.getMessage().startsWith("Ditto -> MongoDB: "), failure.getMessage());
      assertTrue(failure.getMessage().contains("no-such-bridge-topic"), failure.getMessage());
      DittoToMongoSync reverse = sync.dittoToMongo().orElseThrow();
      assertFalse(reverse.isRunning());
    } finally {
      sync.close();
    }
  }

  private static void awaitDitto(String collection, int count) {
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
    List<CollectionConfig> configs = CollectionsParser.parse(settings()).collections();
    Awaitility.await("Ditto equals the mapped MongoDB")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (CollectionConfig c : configs) {
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
  private static void assertQuiet(MongoDatabase db, Duration period) {
    long cdcBefore = cdcEvents();
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
    assertEquals(0, mongoChanges, "MongoDB changes during the quiet period");
    assertEquals(cdcBefore, cdcEvents(), "Ditto CDC events during the quiet period");
  }

  /** Events on the CDC topic so far (the sum of its partitions' end offsets). */
  private static long cdcEvents() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", ditto.cdcBootstrapServers());
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor(ditto.cdcTopic(), Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      return c.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
