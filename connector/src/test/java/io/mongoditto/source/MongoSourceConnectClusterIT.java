package io.mongoditto.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.MappingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source connector on a real in-JVM Connect cluster (1 broker, 1 worker), driven only through
 * the worker's REST API, against the local MongoDB. The whole suite shares one cluster.
 */
class MongoSourceConnectClusterIT {

  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final List<String> ZAVA =
      List.of(
          "stores",
          "customers",
          "categories",
          "products",
          "product_embeddings",
          "inventory",
          "orders",
          "order_items");
  private static final Map<String, String> BUSINESS_ID =
      Map.of(
          "stores",
          "store_id",
          "customers",
          "customer_id",
          "products",
          "product_id",
          "orders",
          "order_id");

  private static SourceConnectCluster cluster;
  private static EmbeddedConnectCluster connect;
  private static LocalMongo mongo;
  private static MongoClient client;
  private static TopicContents topics;

  @BeforeAll
  static void start() {
    cluster =
        SourceConnectCluster.start(
            "mongo-source-it",
            Map.of(
                // A departed worker's tasks move at once instead of after the default five minutes.
                "scheduled.rebalance.max.delay.ms", "1000"),
            UuidRepresentation.STANDARD);
    mongo = cluster.mongo;
    client = cluster.client;
    connect = cluster.connect;
    topics = cluster.topics;
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * A filtered, transformed collection on Connect, and a PUT of new rules: the restarted task
   * applies them to new changes (a document that starts matching arrives whole, in the new shape),
   * documents already sent keep their old shape, and the offsets carry the new rules' fingerprint.
   */
  @Test
  void aPutOfNewRulesAppliesToNewChanges() throws Exception {
    String name = "filtered-put";
    MongoDatabase db = client.getDatabase("filtered_put");
    db.createCollection(
        "customers",
        new CreateCollectionOptions()
            .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    MongoCollection<Document> customers = db.getCollection("customers");
    customers.insertOne(
        new Document("customer_id", "c1").append("active", true).append("notes", "n1"));
    customers.insertOne(
        new Document("customer_id", "c2").append("active", false).append("notes", "n2"));
    Map<String, String> config =
        SourceConnectCluster.sourceConfig(mongo, db.getName(), "customers", "fp");
    config.put("collection.customers.id.mode", "single_field");
    config.put("collection.customers.id.fields", "customer_id");
    config.put("collection.customers.filter", "{\"active\": true}");
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "filtered connector");
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertEquals(
                    Map.of(
                        TopicContents.idKey("c1"),
                        Map.of("_id", "c1", "customer_id", "c1", "active", true, "notes", "n1")),
                    DittoStateFold.fold(topics.read("fp.customers"))));

    config.put("collection.customers.fields.exclude", "notes");
    connect.configureConnector(name, config); // PUT .../config
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "reconfigured");
    // The old task runs on until Connect replaced it: wait for a marker written in the new shape.
    AtomicInteger markers = new AtomicInteger();
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              customers.insertOne(
                  new Document("customer_id", "m" + markers.incrementAndGet())
                      .append("active", true)
                      .append("notes", "marker"));
              return DittoStateFold.fold(topics.read("fp.customers")).values().stream()
                  .anyMatch(
                      doc ->
                          doc instanceof Map<?, ?> m
                              && String.valueOf(m.get("_id")).startsWith("m")
                              && !m.containsKey("notes"));
            });
    customers.updateOne(Filters.eq("customer_id", "c2"), Updates.set("active", true));
    customers.insertOne(
        new Document("customer_id", "c3").append("active", true).append("notes", "n3"));
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertEquals(
                    Map.of(
                        TopicContents.idKey("c1"),
                            Map.of("_id", "c1", "customer_id", "c1", "active", true, "notes", "n1"),
                        TopicContents.idKey("c2"),
                            Map.of("_id", "c2", "customer_id", "c2", "active", true),
                        TopicContents.idKey("c3"),
                            Map.of("_id", "c3", "customer_id", "c3", "active", true)),
                    withoutMarkers(DittoStateFold.fold(topics.read("fp.customers")))));

    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "stopped");
    String fingerprint = MongoSourceConfig.of(config).collections().get(0).rules().fingerprint();
    ConnectorOffsets offsets = connect.connectorOffsets(name);
    assertEquals(1, offsets.offsets().size(), offsets.toString());
    assertEquals(
        fingerprint,
        offsets.offsets().get(0).offset().get(SyncRulesChange.OFFSET_KEY),
        offsets.toString());
    connect.deleteConnector(name);
  }

  /**
   * A re-sync (offsets reset) after the filter got narrower, with snapshot.sweep=always: the copy's
   * sweep deletes what no longer matches, so the topic implies exactly the matching documents.
   */
  @Test
  void aResyncThatSweepsDeletesWhatANarrowerFilterNoLongerMatches() throws Exception {
    String name = "resync-sweep";
    MongoDatabase db = client.getDatabase("resync_sweep");
    MongoCollection<Document> customers = db.getCollection("customers");
    for (int i = 0; i < 6; i++) {
      customers.insertOne(new Document("_id", "c" + i).append("active", i % 2 == 0));
    }
    Map<String, String> config =
        SourceConnectCluster.sourceConfig(mongo, db.getName(), "customers", "rs");
    config.put("topic.creation.default.partitions", "2");
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "unfiltered");
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> assertEquals(6, DittoStateFold.fold(topics.read("rs.customers")).size()));

    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "stopped");
    connect.resetConnectorOffsets(name);
    config.put("collection.customers.filter", "{\"active\": true}");
    config.put("snapshot.sweep", "always");
    connect.configureConnector(name, config);
    connect.resumeConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "re-synced");
    Map<String, Object> expected = new TreeMap<>();
    for (int i = 0; i < 6; i += 2) {
      expected.put(TopicContents.idKey("c" + i), Map.of("_id", "c" + i, "active", true));
    }
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> assertEquals(expected, DittoStateFold.fold(topics.read("rs.customers"))));
    connect.deleteConnector(name);
  }

  /**
   * A document over Kafka's default 1 MiB record limit but under Ditto's 5 MiB: with default
   * producer and broker limits it goes to the errors topic with its size, the task keeps running
   * and its neighbour arrives (without the guard the producer's refusal would fail the task).
   */
  @Test
  void aDocumentOverKafkasRecordLimitGoesToTheErrorsTopicAndTheTaskGoesOn() throws Exception {
    String name = "large-document";
    MongoDatabase db = client.getDatabase("large_doc");
    MongoCollection<Document> notes = db.getCollection("notes");
    notes.insertOne(new Document("_id", "before").append("text", "small"));
    Map<String, String> config =
        SourceConnectCluster.sourceConfig(mongo, db.getName(), "notes", "ld");
    config.put("errors.topic", "ld.errors");
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
    await().atMost(CONVERGE).until(() -> DittoStateFold.fold(topics.read("ld.notes")).size() == 1);

    notes.insertOne(new Document("_id", "large").append("text", "x".repeat(1_500_000)));
    notes.insertOne(new Document("_id", "after").append("text", "small"));
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertEquals(
                    Set.of(TopicContents.idKey("before"), TopicContents.idKey("after")),
                    DittoStateFold.fold(topics.read("ld.notes")).keySet()));
    List<TopicContents.Rec> errors = topics.read("ld.errors");
    assertEquals(1, errors.size(), errors.toString());
    String reason = errors.get(0).headers().get(ChangeRecordFactory.HEADER_REASON);
    assertTrue(reason.contains("1500") && reason.contains("record.max.bytes=1000000"), reason);
    assertEquals(
        "\"large\"",
        errors.get(0).headers().get(ChangeRecordFactory.HEADER_MONGO_ID),
        "as the mapper renders ids");
    assertTrue(
        String.valueOf(errors.get(0).value()).contains("left out"),
        "the event's documents are left out");
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "still running");
    connect.deleteConnector(name);
  }

  private static Map<String, Object> withoutMarkers(Map<String, Object> state) {
    Map<String, Object> out = new TreeMap<>(state);
    out.keySet().removeIf(id -> id.startsWith("\"m"));
    return out;
  }

  /** The shipped Zava Retail config with this test's URI, database and topics. */
  private static Map<String, String> zavaConfig(String database, String prefix) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> file =
        TopicContents.JSON.readValue(
            Files.readAllBytes(Path.of("..", "config", "zava-retail-source.json")), Map.class);
    Map<String, String> config = new HashMap<>();
    file.forEach((k, v) -> config.put(k, String.valueOf(v)));
    config.put("mongodb.uri", mongo.connectionString());
    config.put("mongodb.database", database);
    config.put("topic.prefix", prefix);
    config.put("errors.topic", prefix + ".errors");
    config.put("topic.creation.default.replication.factor", "1");
    config.put("topic.creation.default.partitions", "1");
    return config;
  }

  private static MongoDatabase createZava(String name) {
    MongoDatabase db = client.getDatabase(name);
    for (String c : ZAVA) {
      CreateCollectionOptions options = new CreateCollectionOptions();
      if (BUSINESS_ID.containsKey(c)) {
        options.changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true));
      }
      db.createCollection(c, options);
    }
    return db;
  }

  @Test
  void zavaRetailThroughTheWholeConnectorLifecycle() throws Exception {
    String name = "zava-retail-mongo-lifecycle";
    String prefix = "zl";
    MongoDatabase db = createZava("zava_lifecycle");
    Map<String, String> config = zavaConfig(db.getName(), prefix);
    assertEquals("3", config.get("tasks.max"));

    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 3, "three tasks");
    assertTasksSplitCollections(name);
    warmUp(db, prefix);

    ZavaWriter writer = new ZavaWriter(db);
    writer.phase(1);
    Object poisonId =
        db.getCollection("customers")
            .insertOne(new Document("name", "no customer_id"))
            .getInsertedId()
            .asObjectId()
            .getValue()
            .toHexString();
    assertConverged(db, prefix);
    assertUpdateShapes(prefix);
    assertPoisonInErrorsTopic(prefix, poisonId);
    assertTrue(
        topics.read(prefix + ".product_embeddings").isEmpty(), "product_embeddings is disabled");
    assertEquals(1L, metric(name, "customers", "bad-documents-total"));
    assertTrue(metric(name, "stores", "records-total") >= 11, "phase 1 made 11 changes to stores");

    // pause: nothing is produced while paused; resume delivers what happened meanwhile. A witness
    // connector streams the same collections meanwhile: once it has delivered a sentinel written
    // after phase 2 in every collection, a paused connector that still produced would have too.
    String witness = name + "-witness";
    Map<String, String> witnessConfig = zavaConfig(db.getName(), prefix + "w");
    witnessConfig.put("startup.mode", "latest");
    witnessConfig.put("tasks.max", "1");
    connect.configureConnector(witness, witnessConfig);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(witness, 1, "witness");
    warmUp(db, prefix + "w");
    connect.pauseConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksArePaused(name, 3, "paused");
    Map<String, Integer> counts = recordCounts(prefix);
    writer.phase(2);
    awaitSentinels(db, prefix + "w", "sentinel-paused");
    assertEquals(counts, recordCounts(prefix), "no records while paused");
    connect.deleteConnector(witness);
    connect.resumeConnector(name);
    connect
        .assertions()
        .assertConnectorAndExactlyNumTasksAreRunning(name, 3, "resumed after pause");
    assertConverged(db, prefix);

    // stop: the tasks go away, offsets are visible; changes made while stopped arrive after resume
    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "stopped");
    ConnectorOffsets offsets = connect.connectorOffsets(name);
    Set<String> namespaces = new HashSet<>();
    for (ConnectorOffset o : offsets.offsets()) {
      namespaces.add(String.valueOf(o.partition().get(SourceOffsets.NAMESPACE)));
      assertTrue(o.offset().get(SourceOffsets.RESUME_TOKEN) instanceof String, o.toString());
    }
    assertEquals(
        Set.of(
                "stores",
                "customers",
                "categories",
                "products",
                "inventory",
                "orders",
                "order_items")
            .stream()
            .map(c -> db.getName() + "." + c)
            .collect(java.util.stream.Collectors.toSet()),
        namespaces);
    writer.phase(3);
    connect.resumeConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 3, "resumed after stop");
    assertConverged(db, prefix);

    // restart a worker: a new one joins, the old one leaves; its tasks carry on from the offsets
    Set<WorkerHandle> before = new HashSet<>(connect.workers());
    WorkerHandle added = connect.addWorker();
    for (WorkerHandle w : before) {
      connect.removeWorker(w);
    }
    writer.phase(4);
    connect.assertions().assertExactlyNumWorkersAreUp(1, "one worker");
    connect
        .assertions()
        .assertConnectorAndExactlyNumTasksAreRunning(name, 3, "running on " + added.url());
    assertConverged(db, prefix);

    connect.deleteConnector(name);
    connect.assertions().assertConnectorDoesNotExist(name, "deleted");
  }

  @Test
  void initialSnapshotResumesMidCollectionAndHandsOverToTheStreamWithoutLoss() throws Exception {
    String name = "zava-snapshot";
    String prefix = "zs";
    int orders = 20_000;
    int untouchedFrom = 200;
    MongoDatabase db = createZava("zava_snap");
    for (String c : ZAVA) {
      int n = c.equals("orders") ? orders : c.equals("categories") ? 20 : 300;
      List<Document> docs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        docs.add(ZavaWriter.doc(c, "s-" + i));
      }
      db.getCollection(c).insertMany(docs);
    }
    // The snapshot must not write: nothing else writes categories, so its stream must stay empty.
    var quiet = db.getCollection("categories").watch().cursor();
    Map<String, String> config = zavaConfig(db.getName(), prefix);
    config.put("snapshot.chunk.size", "100");
    config.put("snapshot.parallelism", "2");
    config.put("buffer.capacity", "200");
    connect.configureConnector(name, config);

    AtomicInteger written = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              MongoCollection<Document> o = db.getCollection("orders");
              MongoCollection<Document> items = db.getCollection("order_items");
              for (int i = 0; i < 300; i++) {
                o.updateOne(
                    Filters.eq("order_id", "order-s-" + (i % untouchedFrom)),
                    Updates.inc("qty", 1));
                o.insertOne(ZavaWriter.doc("orders", "during-" + i));
                items.deleteOne(
                    Filters.eq("_id", ZavaWriter.doc("order_items", "s-" + i).get("_id")));
                items.updateOne(
                    Filters.eq("_id", ZavaWriter.doc("order_items", "s-" + (i + 1)).get("_id")),
                    Updates.unset("nested.b"));
                written.incrementAndGet();
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "concurrent-writes");
    writer.start();

    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertTrue(
                    topics.read(prefix + ".orders").size() >= orders / 10, () -> statusText(name)));
    // The worker running the copy goes away mid-collection; a new one takes the tasks over. The
    // connector is paused first: a paused task polls no more, so its full buffer holds the copy
    // where it is (a worker's stop, or start-up, took long enough in CI for the copy to end).
    connect.pauseConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksArePaused(name, 3, "paused mid-copy");
    Set<WorkerHandle> before = new HashSet<>(connect.workers());
    for (WorkerHandle w : before) {
      connect.removeWorker(w);
    }
    connect.addWorker();
    int copiedBeforeStop = untouchedCopies(prefix, untouchedFrom, orders);
    Map<String, ?> ordersOffset =
        connect.connectorOffsets(name).offsets().stream()
            .filter(
                o -> (db.getName() + ".orders").equals(o.partition().get(SourceOffsets.NAMESPACE)))
            .findFirst()
            .orElseThrow()
            .offset();
    assertTrue(
        ordersOffset.containsKey(SourceOffsets.SNAPSHOT_RANGES),
        "the worker left in the middle of the orders copy: "
            + ordersOffset
            + " after "
            + copiedBeforeStop
            + " copies");
    connect.resumeConnector(name);
    connect
        .assertions()
        .assertConnectorAndExactlyNumTasksAreRunning(name, 3, "running on the new worker");
    writer.join();
    assertEquals(300, written.get());
    assertConverged(db, prefix);

    // The worker stopped gracefully, so Connect committed the offset of every record it had
    // written: the new worker continues right after the last copied _id, and each untouched order
    // is copied exactly once (any rewind, even of a few chunks, copies some twice).
    int copies = untouchedCopies(prefix, untouchedFrom, orders);
    assertEquals(
        orders - untouchedFrom,
        copies,
        "the copy continued after the last copied _id instead of rewinding: "
            + copies
            + " copies, "
            + copiedBeforeStop
            + " before the stop");
    assertNull(quiet.tryNext(), "the snapshot wrote to MongoDB");
    quiet.close();
    connect.deleteConnector(name);
  }

  /**
   * Records on the orders topic for seeded orders the concurrent writer never touches: snapshot
   * copies.
   */
  private static int untouchedCopies(String prefix, int untouchedFrom, int orders) {
    Set<String> untouched = new HashSet<>();
    for (int i = untouchedFrom; i < orders; i++) {
      untouched.add("order-s-" + i);
    }
    return (int)
        topics.read(prefix + ".orders").stream().filter(r -> untouched.contains(r.key())).count();
  }

  @Test
  void resnapshotPolicyCopiesAgainAfterLostHistoryAndConverges() throws Exception {
    try (LocalMongo small = LocalMongo.builder().historySize(20).start();
        MongoClient c = MongoClients.create(small.connectionString())) {
      String name = "history-resnapshot";
      MongoDatabase db = c.getDatabase("resnap");
      db.createCollection("categories");
      Map<String, String> config =
          SourceConnectCluster.sourceConfig(small, "resnap", "categories", "resnap");
      config.put("history.lost.policy", "resnapshot");
      // three partitions: the sweep markers go to each, and each sweeps only its own documents
      config.put("topic.creation.default.partitions", "3");
      connect.configureConnector(name, config);
      connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
      MongoCollection<Document> cats = db.getCollection("categories");
      AtomicInteger n = new AtomicInteger();
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                cats.insertOne(new Document("_id", "warm-" + n.incrementAndGet()).append("v", 0));
                assertFalse(topics.read("resnap.categories").isEmpty(), () -> statusText(name));
              });
      connect.stopConnector(name);
      connect.assertions().assertConnectorIsStopped(name, "stopped");
      for (int i = 0; i < 50; i++) {
        cats.insertOne(new Document("_id", "later-" + i).append("v", i));
      }
      cats.updateMany(Filters.regex("_id", "^warm-"), Updates.set("v", 99));
      // deleted while the stream cannot read it: only the sweep after the new copy removes it
      cats.deleteOne(Filters.eq("_id", "warm-1"));
      connect.resumeConnector(name);
      connect
          .assertions()
          .assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running after resnapshot");
      ChangeEventMapper mapper =
          new ChangeEventMapper(
              io.mongoditto.mapping.CollectionMapping.matchIds("categories"),
              new ConversionStats());
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                Map<String, Object> expected = new TreeMap<>();
                for (BsonDocument doc : db.getCollection("categories", BsonDocument.class).find()) {
                  var change = mapper.mapSnapshot(doc, 0).changes().get(0);
                  expected.put(
                      TopicContents.idKey(change.id()), TopicContents.normalize(change.document()));
                }
                assertEquals(expected, DittoStateFold.fold(topics.read("resnap.categories")));
              });
      connect.deleteConnector(name);
    }
  }

  @Test
  void heartbeatsKeepAQuietCollectionsPositionInsideTheOplog() throws Exception {
    try (LocalMongo small = LocalMongo.builder().historySize(20).start();
        MongoClient c = MongoClients.create(small.connectionString())) {
      String name = "heartbeats";
      MongoDatabase db = c.getDatabase("hb");
      db.createCollection("categories");
      db.createCollection("stores");
      Map<String, String> config =
          SourceConnectCluster.sourceConfig(small, "hb", "categories,stores", "hb");
      config.put("startup.mode", "latest");
      config.put("heartbeat.interval.ms", "300");
      config.put("change.stream.max.await.time.ms", "200");
      connect.configureConnector(name, config);
      connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
      for (String coll : List.of("categories", "stores")) {
        AtomicInteger n = new AtomicInteger();
        await()
            .atMost(CONVERGE)
            .pollInterval(Duration.ofMillis(300))
            .untilAsserted(
                () -> {
                  db.getCollection(coll)
                      .insertOne(new Document("_id", "warm-" + n.incrementAndGet()));
                  assertFalse(topics.read("hb." + coll).isEmpty(), () -> statusText(name));
                });
      }
      // Only stores changes: far more events than the server keeps, while categories stays quiet.
      for (int i = 0; i < 60; i++) {
        db.getCollection("stores").insertOne(new Document("_id", "busy-" + i));
        Thread.sleep(40);
      }
      long afterBusy = System.currentTimeMillis();
      // One more change after the mark: the quiet stream's position moves once more, so its next
      // heartbeat comes after the mark. Without it, the heartbeat of the last busy write could land
      // between that write and the mark, and then none follows (CI: the last one 7 ms before it).
      db.getCollection("stores").insertOne(new Document("_id", "after-busy"));
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () ->
                  assertEquals(
                      60,
                      topics.read("hb.stores").stream()
                          .filter(r -> String.valueOf(r.key()).startsWith("busy-"))
                          .count()));
      // the quiet stream's heartbeat after the last busy write carries a position past them all
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () ->
                  assertTrue(
                      topics.read("hb.heartbeat").stream()
                          .anyMatch(
                              r ->
                                  String.valueOf(r.key()).contains("hb.categories")
                                      && r.timestamp() != null
                                      && r.timestamp() > afterBusy),
                      () ->
                          "a heartbeat of the quiet collection after the busy writes ("
                              + afterBusy
                              + "): "
                              + topics.read("hb.heartbeat").stream()
                                  .map(r -> r.key() + "@" + r.timestamp())
                                  .toList()));
      connect.stopConnector(name);
      connect.assertions().assertConnectorIsStopped(name, "stopped");
      connect.resumeConnector(name);
      connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running again");
      db.getCollection("categories").insertOne(new Document("_id", "after-restart"));
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () ->
                  assertTrue(
                      topics.read("hb.categories").stream()
                          .anyMatch(r -> "after-restart".equals(r.key())),
                      () -> statusText(name)));
      connect.deleteConnector(name);
    }
  }

  private static long metric(String connector, String collection, String attribute)
      throws Exception {
    return SourceConnectCluster.metric(connector, collection, attribute);
  }

  private static String statusText(String name) {
    ConnectorStateInfo status;
    try {
      status = connect.connectorStatus(name);
    } catch (RuntimeException e) {
      // a failure message must not fail itself (no status yet right after creation or a rebalance)
      return "status unavailable: " + e.getMessage();
    }
    StringBuilder sb = new StringBuilder("connector " + status.connector().state());
    status
        .tasks()
        .forEach(
            t ->
                sb.append("\ntask ")
                    .append(t.id())
                    .append(' ')
                    .append(t.state())
                    .append(' ')
                    .append(t.trace() == null ? "" : t.trace().lines().limit(8).toList()));
    return sb.toString();
  }

  @Test
  void lostHistoryFailsTheTaskWithInstructionsAndProducesNothing() throws Exception {
    try (LocalMongo small = LocalMongo.builder().historySize(20).start();
        MongoClient c = MongoClients.create(small.connectionString())) {
      String name = "history-lost";
      MongoDatabase db = c.getDatabase("hist");
      db.createCollection("categories");
      Map<String, String> config =
          SourceConnectCluster.sourceConfig(small, "hist", "categories", "hist");
      connect.configureConnector(name, config);
      connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
      MongoCollection<Document> cats = db.getCollection("categories");
      AtomicInteger n = new AtomicInteger();
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                cats.insertOne(new Document("_id", "warm-" + n.incrementAndGet()));
                return !topics.read("hist.categories").isEmpty();
              });
      connect.stopConnector(name);
      connect.assertions().assertConnectorIsStopped(name, "stopped");
      int produced = topics.read("hist.categories").size();
      for (int i = 0; i < 50; i++) {
        cats.insertOne(new Document("_id", "later-" + i));
      }
      connect.resumeConnector(name);
      connect
          .assertions()
          .assertConnectorIsRunningAndTasksHaveFailed(name, 1, "the task fails on error 286");
      ConnectorStateInfo status = connect.connectorStatus(name);
      String trace = status.tasks().get(0).trace();
      assertTrue(
          trace.contains("ChangeStreamHistoryLost")
              && trace.contains("DELETE /connectors/" + name + "/offsets"),
          trace);
      Thread.sleep(1000);
      assertEquals(produced, topics.read("hist.categories").size(), "never a silent jump to now");
      connect.deleteConnector(name);
    }
  }

  @Test
  void droppedCollectionStopsItsStreamWithAClearTaskError() throws Exception {
    String name = "dropped";
    MongoDatabase db = client.getDatabase("dropdb");
    db.createCollection("categories");
    Map<String, String> config =
        SourceConnectCluster.sourceConfig(mongo, "dropdb", "categories", "dropped");
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
    MongoCollection<Document> cats = db.getCollection("categories");
    AtomicInteger n = new AtomicInteger();
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              cats.insertOne(new Document("_id", "warm-" + n.incrementAndGet()));
              return !topics.read("dropped.categories").isEmpty();
            });
    cats.drop();
    connect
        .assertions()
        .assertConnectorIsRunningAndTasksHaveFailed(name, 1, "the task fails on a drop");
    String trace = connect.connectorStatus(name).tasks().get(0).trace();
    assertTrue(trace.contains("dropdb.categories was dropped"), trace);
    connect.deleteConnector(name);
  }

  /**
   * Issue 15 item 6: the validate call of docs/source-connector.md, with the body the doc builds
   * (config/zava-retail-source.json plus "name", which Connect's validate requires), reports no
   * error; the file alone is refused for the missing name, as users saw.
   */
  @Test
  void theDocumentedValidateCallWorks() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "source-connector.md"));
    assertTrue(
        doc.contains("jq '. + {\"name\": \"zava-retail-mongo\"}' config/zava-retail-source.json"),
        "the doc builds the validate body this test sends");
    createZava("zava_docs_validate");
    com.fasterxml.jackson.databind.node.ObjectNode body =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            TopicContents.JSON.readTree(
                Files.readAllBytes(Path.of("..", "config", "zava-retail-source.json")));
    // what the worker's env config provider would resolve; this worker has none
    body.put("mongodb.uri", mongo.connectionString());
    body.put("mongodb.database", "zava_docs_validate");
    String url =
        connect.endpointForResource("connector-plugins/MongoSourceConnector/config/validate");
    assertEquals(
        Map.of(
            "name", List.of("Missing required configuration \"name\" which has no default value.")),
        validateErrors(url, body.toString()),
        "the file alone");
    body.put("name", "zava-retail-mongo");
    assertEquals(Map.of(), validateErrors(url, body.toString()), "the file plus name");
  }

  /** The errors a PUT .../config/validate answers, by key. */
  private static Map<String, List<String>> validateErrors(String url, String body)
      throws Exception {
    jakarta.ws.rs.core.Response response = connect.requestPut(url, body);
    String answer = String.valueOf(response.getEntity());
    assertEquals(200, response.getStatus(), answer);
    Map<String, List<String>> errors = new TreeMap<>();
    for (com.fasterxml.jackson.databind.JsonNode c :
        TopicContents.JSON.readTree(answer).get("configs")) {
      List<String> messages = new ArrayList<>();
      c.get("value").get("errors").forEach(e -> messages.add(e.asText()));
      if (!messages.isEmpty()) {
        errors.put(c.get("value").get("name").asText(), messages);
      }
    }
    return errors;
  }

  @Test
  void validationThroughRestReportsTheTypoOnItsKey() throws Exception {
    Map<String, String> config = zavaConfig("zava_validate", "zv");
    createZava("zava_validate");
    config.put("name", "zava-validate");
    config.put("collection.customers.id.feilds", "customer_id");
    var infos = connect.validateConnectorConfig(MongoSourceConnector.class.getSimpleName(), config);
    List<String> errorKeys = new ArrayList<>();
    infos
        .configs()
        .forEach(
            i -> {
              if (i.configValue() != null && !i.configValue().errors().isEmpty()) {
                errorKeys.add(i.configValue().name());
              }
            });
    assertEquals(List.of("collection.customers.id.feilds"), errorKeys);
  }

  private static void assertTasksSplitCollections(String name) {
    List<TaskInfo> tasks = connect.taskConfigs(name);
    assertEquals(3, tasks.size());
    Set<String> all = new HashSet<>();
    for (TaskInfo t : tasks) {
      String assigned = t.config().get(MongoSourceConfigDef.TASK_COLLECTIONS);
      assertFalse(assigned == null || assigned.isBlank(), "every task streams something");
      for (String c : assigned.split(",")) {
        assertTrue(all.add(c), c + " assigned twice");
      }
    }
    assertEquals(
        Set.of(
            "stores", "customers", "categories", "products", "inventory", "orders", "order_items"),
        all);
  }

  /**
   * Streams open asynchronously: write a marker per collection until it shows up, then remove them.
   */
  private static void warmUp(MongoDatabase db, String prefix) {
    for (String c : ZAVA) {
      if (c.equals("product_embeddings")) {
        continue;
      }
      MongoCollection<Document> coll = db.getCollection(c);
      AtomicInteger n = new AtomicInteger();
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(300))
          .until(
              () -> {
                coll.insertOne(
                    ZavaWriter.doc(c, "warm-" + n.incrementAndGet()).append("warmup", true));
                return !topics.read(prefix + "." + c).isEmpty();
              });
      coll.deleteMany(Filters.eq("warmup", true));
    }
  }

  /**
   * Writes a sentinel document into every enabled collection and waits until each has reached its
   * topic under {@code prefix}: every change made to a collection before its sentinel was
   * delivered.
   */
  private static void awaitSentinels(MongoDatabase db, String prefix, String key) {
    List<String> enabled = ZAVA.stream().filter(c -> !c.equals("product_embeddings")).toList();
    for (String c : enabled) {
      db.getCollection(c).insertOne(ZavaWriter.doc(c, key));
    }
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              for (String c : enabled) {
                assertTrue(
                    topics.read(prefix + "." + c).stream()
                        .anyMatch(r -> String.valueOf(r.value()).contains(c + " " + key)),
                    "sentinel in " + prefix + "." + c);
              }
            });
  }

  /** Every enabled collection's topic folds to exactly the mapped MongoDB documents. */
  private static void assertConverged(MongoDatabase db, String prefix) {
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (String c : ZAVA) {
                if (c.equals("product_embeddings")) {
                  continue;
                }
                assertEquals(
                    expected(db, c),
                    DittoStateFold.fold(topics.read(prefix + "." + c)),
                    "collection " + c);
              }
            });
  }

  /** The Ditto state MongoDB implies now: each document mapped as a snapshot copy would be. */
  private static Map<String, Object> expected(MongoDatabase db, String collection)
      throws Exception {
    MongoSourceConfig config = MongoSourceConfig.of(zavaConfig(db.getName(), "x"));
    CollectionConfig settings =
        config.collections().stream()
            .filter(s -> s.name().equals(collection))
            .findFirst()
            .orElseThrow();
    ChangeEventMapper mapper = new ChangeEventMapper(settings.mapping(), new ConversionStats());
    Map<String, Object> state = new TreeMap<>();
    for (BsonDocument doc : db.getCollection(collection, BsonDocument.class).find()) {
      MappingResult r = mapper.mapSnapshot(doc, 0);
      if (r.failed()) {
        continue; // the poison document: checked in the errors topic
      }
      state.put(
          TopicContents.idKey(r.changes().get(0).id()),
          TopicContents.normalize(r.changes().get(0).document()));
    }
    return state;
  }

  /**
   * The $unset and the whole-sub-object $set of phase 1 reach the topic as removed paths, keyed by
   * the Ditto id.
   */
  private static void assertUpdateShapes(String prefix) {
    List<TopicContents.Rec> stores = topics.read(prefix + ".stores");
    TopicContents.Rec unset =
        stores.stream()
            .filter(r -> "store-1-1".equals(r.key()) && r.valueMap().containsKey("unset"))
            .findFirst()
            .orElseThrow();
    assertTrue(((List<?>) unset.valueMap().get("unset")).contains("nested.b"), unset.toString());
    assertEquals("upsert", unset.valueMap().get("op"));
    assertTrue(unset.timestamp() > 0);
    TopicContents.Rec wholeSet =
        stores.stream()
            .filter(r -> "store-1-2".equals(r.key()) && r.valueMap().containsKey("unset"))
            .findFirst()
            .orElseThrow();
    List<?> removed = (List<?>) wholeSet.valueMap().get("unset");
    assertTrue(
        removed.contains("nested") || removed.containsAll(List.of("nested.a", "nested.b")),
        wholeSet.toString());
    TopicContents.Rec delete =
        stores.stream()
            .filter(r -> "store-1-4".equals(r.key()) && "delete".equals(r.valueMap().get("op")))
            .findFirst()
            .orElseThrow();
    assertFalse(delete.valueMap().containsKey("doc"));
  }

  private static void assertPoisonInErrorsTopic(String prefix, Object poisonId) {
    List<TopicContents.Rec> errors = topics.read(prefix + ".errors");
    assertEquals(1, errors.size(), errors.toString());
    TopicContents.Rec e = errors.get(0);
    assertEquals("customers", e.headers().get(ChangeRecordFactory.HEADER_COLLECTION));
    assertTrue(
        e.headers().get(ChangeRecordFactory.HEADER_MONGO_ID).contains(poisonId.toString()),
        e.headers().toString());
    assertEquals(
        "customer_id", e.headers().get(ChangeRecordFactory.HEADER_FIELD), e.headers().toString());
    assertTrue(
        e.headers().get(ChangeRecordFactory.HEADER_REASON).contains("missing"),
        e.headers().toString());
    assertTrue(
        e.value() instanceof String s && s.contains("no customer_id"), String.valueOf(e.value()));
  }

  private static Map<String, Integer> recordCounts(String prefix) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String c : ZAVA) {
      counts.put(c, topics.read(prefix + "." + c).size());
    }
    return counts;
  }

  /**
   * Inserts, nested $set, $unset, whole-sub-object $set, replace and delete on every Zava
   * collection.
   */
  static final class ZavaWriter {
    private final MongoDatabase db;

    ZavaWriter(MongoDatabase db) {
      this.db = db;
    }

    static Document doc(String collection, String key) {
      Document d = new Document();
      String field = BUSINESS_ID.get(collection);
      if (field != null) {
        d.append(
            field, collection.replaceAll("s$", "").replace("categorie", "category") + "-" + key);
      } else if (collection.equals("categories")) {
        d.append("_id", "category-" + key);
      } else {
        d.append("_id", UUID.nameUUIDFromBytes((collection + key).getBytes()));
      }
      return d.append("name", collection + " " + key)
          .append("nested", new Document("a", 1).append("b", 2))
          .append("tags", List.of("x", "y"))
          .append("price", new Decimal128(new java.math.BigDecimal("12.34")))
          .append("updated", new Date(1_764_000_000_000L))
          .append("qty", 3L);
    }

    private static org.bson.conversions.Bson idFilter(String collection, Document d) {
      String field = BUSINESS_ID.get(collection);
      return field == null ? Filters.eq("_id", d.get("_id")) : Filters.eq(field, d.get(field));
    }

    void phase(int p) {
      for (String c : ZAVA) {
        MongoCollection<Document> coll = db.getCollection(c);
        List<Document> docs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
          docs.add(doc(c, p + "-" + i));
        }
        coll.insertMany(docs.stream().map(Document::new).toList());
        coll.updateOne(
            idFilter(c, docs.get(0)),
            Updates.combine(
                Updates.set("nested.a", 10),
                Updates.set("name", "renamed"),
                Updates.unset("nested.b")));
        coll.updateOne(idFilter(c, docs.get(1)), Updates.set("nested", new Document("c", 3)));
        Document replacement = new Document();
        String field = BUSINESS_ID.get(c);
        if (field != null) {
          replacement.append(field, docs.get(2).get(field));
        }
        coll.replaceOne(idFilter(c, docs.get(2)), replacement.append("other", true));
        coll.deleteOne(idFilter(c, docs.get(3)));
        coll.updateOne(idFilter(c, docs.get(0)), Updates.unset("tags"));
        coll.updateOne(idFilter(c, docs.get(4)), Updates.inc("qty", 1));
      }
    }
  }
}
