package io.mongoditto.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongoditto.change.DittoMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.TestAbortedException;

/**
 * The whole pipeline as an operator runs it: both connectors created over the worker's REST API
 * with the configs of config/, changes written to MongoDB, and the Ditto collections compared
 * document by document (every field, nested keys included) with the mapped state expected from
 * those writes. Subclasses say where it runs (separate local processes, or containers).
 *
 * <p>The steps build on each other, in order, on one environment per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractPipelineIT {

  static final String DATABASE = "zava";
  static final List<String> ZAVA_COLLECTIONS =
      List.of(
          "stores",
          "customers",
          "categories",
          "products",
          "product_embeddings",
          "inventory",
          "orders",
          "order_items");
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WITNESS_SOURCE = "witness-source";
  private static final String WITNESS_SINK = "witness-sink";
  private static final String WITNESS_COLLECTION = "witness_categories";
  private static final String INVENTORY_ID = "7d9f3c1e-2b8a-4f61-9e0d-5a4b3c2d1e0f";

  /** Ditto's expected state, per collection and _id, as the steps change MongoDB. */
  private final Map<String, Map<Object, Map<String, Object>>> expected = new TreeMap<>();

  private PipelineEnvironment env;
  private MongoDatabase db;
  private final Map<String, String> sourceConfig = ConnectorConfigs.source();
  private Map<String, String> sinkConfig;

  /**
   * Starts the environment; may skip (Assumptions) when it cannot run on this machine. It points
   * the configs at its MongoDB and Ditto with {@link ConnectorConfigs#bind} (through the worker's
   * environment where the configs read ${env:...}).
   */
  protected abstract PipelineEnvironment startEnvironment(
      Map<String, String> source, Map<String, String> sink);

  /** Why this environment cannot run here; every step then reports itself skipped with it. */
  private String skipReason;

  @BeforeAll
  void startAll() {
    // The shipped sink config is part of what is tested: its absence is a failure, not a skip.
    assertTrue(
        ConnectorConfigs.sinkFile().isPresent(),
        "no sink connector config (config/ditto-sink.json or config/ditto-sink-local.json): the"
            + " pipeline cannot be created as an operator would");
    sinkConfig = ConnectorConfigs.sink();
    try {
      env = startEnvironment(sourceConfig, sinkConfig);
    } catch (TestAbortedException e) {
      // reported per step (a class-level abort shows as "0 tests run" in Surefire reports)
      skipReason = String.valueOf(e.getMessage()).replaceFirst("^Assumption failed: ", "");
      return;
    }
    db = env.mongo().getDatabase(DATABASE);
    // As docker/mongo-enable-pre-post-images.js does: the collections exist, with pre- and
    // post-images (single_field collections need them for deletes).
    for (String name : ZAVA_COLLECTIONS) {
      db.createCollection(
          name,
          new CreateCollectionOptions()
              .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    }
  }

  @BeforeEach
  void requireEnvironment() {
    Assumptions.assumeTrue(skipReason == null, skipReason);
  }

  @AfterAll
  void stopAll() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @Order(1)
  void theWorkerLoadsBothConnectorsFromThePluginPath() {
    JsonNode plugins = env.connect().get("connector-plugins").requireStatus(200).body();
    List<String> classes = new ArrayList<>();
    plugins.forEach(p -> classes.add(p.path("class").asText() + ":" + p.path("type").asText()));
    assertTrue(classes.contains(ConnectorConfigs.SOURCE_CLASS + ":source"), "plugins: " + plugins);
    assertTrue(classes.contains(ConnectorConfigs.SINK_CLASS + ":sink"), "plugins: " + plugins);
  }

  @Test
  @Order(2)
  void bothConnectorsAreCreatedOverRestAndRun() {
    if (existingDocumentsExpected() != null) {
      // written before the source exists: what startup.mode says about them is checked in step 3
      db.getCollection("categories")
          .insertOne(
              new Document("_id", "pre1").append("name", "Existing").append("tags", List.of("x")));
      db.getCollection("stores")
          .insertOne(new Document("store_id", "s0").append("name", "Old Town"));
    }
    env.connect().putConnectorConfig(ConnectorConfigs.SOURCE_NAME, sourceConfig);
    env.connect().putConnectorConfig(ConnectorConfigs.SINK_NAME, sinkConfig);
    awaitState(ConnectorConfigs.SOURCE_NAME, "RUNNING");
    awaitState(ConnectorConfigs.SINK_NAME, "RUNNING");
    // The source streams from where it started: wait until a first change has made the whole trip.
    awaitFirstChangeThrough();
  }

  @Test
  @Order(3)
  void insertsUpdatesReplacesAndDeletesEndUpInDitto() {
    MongoCollection<Document> stores = db.getCollection("stores");
    stores.insertOne(
        new Document("store_id", "s1")
            .append("name", "Downtown")
            .append("address", new Document("city", "Seattle").append("zip", "98101"))
            .append("open", true));
    stores.insertOne(
        new Document("store_id", "s2")
            .append("name", "Airport")
            .append("address", new Document("city", "SeaTac")));
    stores.updateOne(
        Filters.eq("store_id", "s1"),
        Updates.combine(Updates.set("name", "Downtown Seattle"), Updates.unset("address.zip")));
    stores.deleteOne(Filters.eq("store_id", "s2"));

    MongoCollection<Document> categories = db.getCollection("categories");
    categories.insertOne(
        new Document("_id", "c1").append("name", "Tools").append("tags", List.of("hand", "power")));
    categories.insertOne(new Document("_id", "c2").append("name", "Paint"));
    categories.replaceOne(
        Filters.eq("_id", "c1"),
        new Document("_id", "c1").append("name", "Hand tools").append("parent", "c0"));

    MongoCollection<Document> inventory = db.getCollection("inventory");
    inventory.insertOne(
        new Document("_id", INVENTORY_ID)
            .append("store_id", "s1")
            .append("product_id", "p1")
            .append("quantity", 5));
    inventory.updateOne(
        Filters.eq("_id", INVENTORY_ID),
        Updates.combine(
            Updates.inc("quantity", 3),
            Updates.set("location", new Document("aisle", 4).append("bin", "b"))));
    // a $set of a whole sub-object removes its other keys
    inventory.updateOne(
        Filters.eq("_id", INVENTORY_ID), Updates.set("location", new Document("aisle", 5)));

    MongoCollection<Document> orders = db.getCollection("orders");
    orders.insertOne(
        new Document("order_id", "o1")
            .append("customer_id", "cu1")
            .append("total", 12.5)
            .append("status", "new"));
    orders.updateOne(Filters.eq("order_id", "o1"), Updates.set("status", "shipped"));

    // disabled in config/: never synced (its documents are too large for devices)
    db.getCollection("product_embeddings")
        .insertOne(
            new Document("_id", "e1")
                .append("product_id", "p1")
                .append("embedding", List.of(0.1, 0.2)));

    expected.put(
        "stores",
        byId(
            doc(
                "_id",
                "s1",
                "store_id",
                "s1",
                "name",
                "Downtown Seattle",
                "address",
                doc("city", "Seattle"),
                "open",
                true)));
    expected.put(
        "categories",
        byId(
            doc("_id", "c1", "name", "Hand tools", "parent", "c0"),
            doc("_id", "c2", "name", "Paint")));
    if (Boolean.TRUE.equals(existingDocumentsExpected())) {
      // startup.mode initial: the documents that existed before the source started were copied
      expected.get("stores").put("s0", doc("_id", "s0", "store_id", "s0", "name", "Old Town"));
      expected
          .get("categories")
          .put("pre1", doc("_id", "pre1", "name", "Existing", "tags", List.of("x")));
    }
    expected.put(
        "inventory",
        byId(
            doc(
                "_id",
                INVENTORY_ID,
                "store_id",
                "s1",
                "product_id",
                "p1",
                "quantity",
                8,
                "location",
                doc("aisle", 5))));
    expected.put(
        "orders",
        byId(
            doc(
                "_id",
                "o1",
                "order_id",
                "o1",
                "customer_id",
                "cu1",
                "total",
                12.5,
                "status",
                "shipped")));
    expected.put("product_embeddings", Map.of());
    awaitDitto(expected);
  }

  @Test
  @Order(4)
  void aPausedSourceHoldsChangesBackAndResumeDeliversThem() {
    // A witness pipeline (a second source and sink, categories into another Ditto collection)
    // stays running: once it has delivered c3, a paused source that still delivered would have.
    startWitness();
    env.connect()
        .put("connectors/" + ConnectorConfigs.SOURCE_NAME + "/pause", null)
        .requireStatus(202);
    awaitState(ConnectorConfigs.SOURCE_NAME, "PAUSED");
    db.getCollection("categories").insertOne(new Document("_id", "c3").append("name", "Garden"));
    await(
        "c3 through the witness pipeline",
        () -> env.ditto().selectById(WITNESS_COLLECTION).containsKey("c3"));
    assertFalse(
        env.ditto().selectById("categories").containsKey("c3"), "a paused source still delivered");
    for (String witness : List.of(WITNESS_SOURCE, WITNESS_SINK)) {
      env.connect().delete("connectors/" + witness).requireStatus(204);
    }

    env.connect()
        .put("connectors/" + ConnectorConfigs.SOURCE_NAME + "/resume", null)
        .requireStatus(202);
    awaitState(ConnectorConfigs.SOURCE_NAME, "RUNNING");
    expected.get("categories").put("c3", doc("_id", "c3", "name", "Garden"));
    awaitDitto(expected);
  }

  @Test
  @Order(5)
  void changesMadeWhileNoWorkerRunsArriveAfterItStartsAgain() {
    env.stopWorker();
    db.getCollection("categories").insertOne(new Document("_id", "c4").append("name", "Lighting"));
    db.getCollection("categories").deleteOne(Filters.eq("_id", "c2"));
    db.getCollection("stores").updateOne(Filters.eq("store_id", "s1"), Updates.set("open", false));
    env.startWorker();

    awaitState(ConnectorConfigs.SOURCE_NAME, "RUNNING");
    awaitState(ConnectorConfigs.SINK_NAME, "RUNNING");
    expected.get("categories").put("c4", doc("_id", "c4", "name", "Lighting"));
    expected.get("categories").remove("c2");
    expected.get("stores").get("s1").put("open", false);
    awaitDitto(expected);
  }

  @Test
  @Order(6)
  void offsetsAreVisibleAndBothConnectorsAreDeleted() {
    for (String name : List.of(ConnectorConfigs.SOURCE_NAME, ConnectorConfigs.SINK_NAME)) {
      JsonNode offsets =
          env.connect().get("connectors/" + name + "/offsets").requireStatus(200).body();
      assertFalse(
          offsets.path("offsets").isEmpty(), name + " has no committed offsets: " + offsets);
    }
    for (String name : List.of(ConnectorConfigs.SOURCE_NAME, ConnectorConfigs.SINK_NAME)) {
      env.connect().delete("connectors/" + name).requireStatus(204);
    }
    await("both connectors gone", () -> env.connect().get("connectors").body().isEmpty());
  }

  // --- helpers

  /**
   * Whether documents that exist before the source starts must reach Ditto, per the config's
   * startup.mode: true for initial/snapshot_only (copied), false for latest/timestamp (only later
   * changes), null when the config does not say (then no such documents are written).
   */
  private Boolean existingDocumentsExpected() {
    String mode = sourceConfig.get("startup.mode");
    if (mode == null) {
      return null;
    }
    return Set.of("initial", "snapshot_only")
        .contains(mode.trim().toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * The witness: the source's config streaming from now into topics witness.*, categories mapped to
   * the Ditto collection {@link #WITNESS_COLLECTION}, and a sink reading that topic.
   */
  private void startWitness() {
    Map<String, String> source = new LinkedHashMap<>(sourceConfig);
    source.put("topic.prefix", "witness");
    source.put("errors.topic", "witness.errors");
    source.put("startup.mode", "latest");
    source.put("tasks.max", "1");
    source.put("collection.categories.ditto.collection", WITNESS_COLLECTION);
    Map<String, String> sink = new LinkedHashMap<>(sinkConfig);
    sink.put("topics", "witness.categories");
    sink.put("errors.deadletterqueue.topic.name", "witness.dlq");
    sink.put("tasks.max", "1");
    env.connect().putConnectorConfig(WITNESS_SOURCE, source);
    env.connect().putConnectorConfig(WITNESS_SINK, sink);
    awaitState(WITNESS_SOURCE, "RUNNING");
    awaitState(WITNESS_SINK, "RUNNING");
    awaitFirstChangeThrough(WITNESS_COLLECTION);
  }

  private void awaitFirstChangeThrough() {
    awaitFirstChangeThrough("categories");
  }

  /** Probes categories until a change has reached {@code dittoCollection}; removes the probes. */
  private void awaitFirstChangeThrough(String dittoCollection) {
    MongoCollection<Document> categories = db.getCollection("categories");
    long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
    List<String> probes = new ArrayList<>();
    boolean through = false;
    while (!through && System.nanoTime() < deadline) {
      String id = "probe-" + probes.size();
      probes.add(id);
      categories.insertOne(new Document("_id", id).append("name", "probe"));
      long probeDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!through && System.nanoTime() < probeDeadline) {
        failFastIfFailed();
        through =
            env.ditto().selectById(dittoCollection).keySet().stream().anyMatch(probes::contains);
        sleep(500);
      }
    }
    assertTrue(
        through, "no change reached Ditto within " + SYNC_TIMEOUT + "\n" + env.diagnostics());
    for (String id : probes) {
      categories.deleteOne(Filters.eq("_id", id));
    }
  }

  /** Waits until each named Ditto collection holds exactly the expected documents. */
  private void awaitDitto(Map<String, Map<Object, Map<String, Object>>> expected) {
    try {
      Awaitility.await("Ditto equal to the expected state")
          .atMost(SYNC_TIMEOUT)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                failFastIfFailed();
                Map<String, Object> mismatches = mismatches(expected);
                assertTrue(
                    mismatches.isEmpty(),
                    () -> "per collection, expected vs actual: " + mismatches);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + env.diagnostics(), e);
    }
  }

  private Map<String, Object> mismatches(Map<String, Map<Object, Map<String, Object>>> expected) {
    Map<String, Object> out = new LinkedHashMap<>();
    expected.forEach(
        (collection, docs) -> {
          JsonNode want = JSON.valueToTree(docs);
          JsonNode got = JSON.valueToTree(byIdText(env.ditto().selectById(collection)));
          if (!want.equals(NUMERIC_VALUE, got)) {
            out.put(collection, Map.of("expected", want, "actual", got));
          }
        });
    return out;
  }

  /** Numbers compare by value: Ditto may answer 8 as 8.0 or a long. */
  private static final Comparator<JsonNode> NUMERIC_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private void failFastIfFailed() {
    env.connect().requireNotFailed(ConnectorConfigs.SOURCE_NAME);
    env.connect().requireNotFailed(ConnectorConfigs.SINK_NAME);
  }

  private void awaitState(String connector, String state) {
    await(
        connector + " " + state,
        () -> {
          env.connect().requireNotFailed(connector);
          return env.connect().allIn(connector, state);
        });
  }

  private void await(String what, BooleanSupplier condition) {
    try {
      Awaitility.await(what)
          .atMost(SYNC_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + env.diagnostics(), e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> doc(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @SafeVarargs
  private static Map<Object, Map<String, Object>> byId(Map<String, Object>... docs) {
    Map<Object, Map<String, Object>> m = new TreeMap<>(Comparator.comparing(String::valueOf));
    for (Map<String, Object> d : docs) {
      m.put(d.get("_id"), d);
    }
    return m;
  }

  private static Map<String, Map<String, Object>> byIdText(Map<Object, Map<String, Object>> docs) {
    Map<String, Map<String, Object>> m = new TreeMap<>();
    // the mapped document: the sink's metadata field (_mongoditto) is not part of it
    docs.forEach((id, d) -> m.put(String.valueOf(id), DittoMetadata.without(d)));
    return m;
  }
}
