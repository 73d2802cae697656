package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.StartupMode;
import io.mongoditto.mapping.IdMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class MongoSourceConfigTest {

  static Map<String, String> base() {
    Map<String, String> p = new HashMap<>();
    p.put("mongodb.uri", "mongodb://user:s3cret@localhost:27017");
    p.put("mongodb.database", "zava");
    p.put("collections", "customers,categories");
    p.put("collection.customers.id.mode", "single_field");
    p.put("collection.customers.id.fields", "customer_id");
    return p;
  }

  @Test
  void parsesCollectionsWithDefaults() {
    MongoSourceConfig c = MongoSourceConfig.of(base());
    assertEquals(2, c.collections().size());
    CollectionConfig customers = c.collections().get(0);
    assertEquals(IdMode.SINGLE_FIELD, customers.mapping().idMode());
    assertEquals(List.of("customer_id"), customers.mapping().idFields());
    assertEquals("customers", customers.mapping().dittoCollection());
    assertEquals("mongoditto.customers", customers.topic());
    assertFalse(customers.mapping().keepMongoId());
    CollectionConfig categories = c.collections().get(1);
    assertEquals(IdMode.MATCH_IDS, categories.mapping().idMode());
    assertNull(c.errorsTopic());
    assertEquals(MongoSourceConfig.HistoryLostPolicy.FAIL, c.historyLostPolicy());
  }

  @Test
  void perCollectionOverrides() {
    Map<String, String> p = base();
    p.put("topic.prefix", "zava");
    p.put("collection.categories.topic", "cats");
    p.put("collection.categories.ditto.collection", "product_categories");
    p.put("collection.customers.id.keep.mongo.id", "true");
    p.put("collections", "customers,categories,product_embeddings");
    p.put("collection.product_embeddings.enabled", "false");
    p.put("errors.topic", "zava.errors");
    MongoSourceConfig c = MongoSourceConfig.of(p);
    assertEquals("cats", c.collections().get(1).topic());
    assertEquals("product_categories", c.collections().get(1).mapping().dittoCollection());
    assertEquals("zava.customers", c.collections().get(0).topic());
    assertTrue(c.collections().get(0).mapping().keepMongoId());
    assertEquals(
        List.of("customers", "categories"),
        c.streamedCollections().stream().map(CollectionConfig::name).toList());
    assertEquals("zava.errors", c.errorsTopic());
  }

  @Test
  void twoCollectionsIntoOneDittoCollectionAreRefusedUnlessNothingSweeps() {
    Map<String, String> p = base();
    p.put("collection.categories.ditto.collection", "customers");
    Map<String, List<String>> errors = MongoSourceConfig.parse(p).errors();
    String message = errors.get("collection.categories.ditto.collection").get(0);
    assertTrue(
        message.contains("also the Ditto collection of 'customers'")
            && message.contains("snapshot.sweep=never"),
        message);
    p.put("snapshot.sweep", "never");
    assertEquals(Map.of(), MongoSourceConfig.parse(p).errors());
    p.put("snapshot.sweep", "always");
    p.put("collections", "customers,categories,old_categories");
    p.put("collection.categories.ditto.collection", "categories");
    p.put("collection.old_categories.ditto.collection", "categories");
    p.put("collection.old_categories.enabled", "false");
    assertEquals(
        Map.of(), MongoSourceConfig.parse(p).errors(), "a disabled collection writes nothing");
  }

  @Test
  void topicPartitionsFollowConnectsTopicCreationUnlessSet() {
    Map<String, String> p = base();
    assertEquals(1, MongoSourceConfig.of(p).topicPartitions());
    p.put("topic.creation.default.partitions", "6");
    assertEquals(6, MongoSourceConfig.of(p).topicPartitions());
    p.put("topic.creation.default.partitions", "-1");
    assertEquals(
        1, MongoSourceConfig.of(p).topicPartitions(), "the broker's default: unknown here");
    p.put("topic.partitions", "3");
    assertEquals(3, MongoSourceConfig.of(p).topicPartitions());
  }

  @Test
  void sourceLevelCollectionRules() {
    assertError("collections", "twice", Map.of("collections", "customers,customers"));
    assertError(
        "collections",
        "no collection is enabled",
        Map.of("collection.customers.enabled", "false", "collection.categories.enabled", "false"));
    assertError(
        "collection.categories.topic",
        "already used",
        Map.of("collection.categories.topic", "mongoditto.customers"));
    assertError(
        "collection.customers.id.fields",
        "exactly one",
        Map.of("collection.customers.id.fields", "a,b"));
  }

  @Test
  void onlyCollectionsSyncedFromMongoToDittoAreStreamed() {
    Map<String, String> p = base();
    p.put("collections", "customers,categories,devices");
    p.put("collection.devices.direction", "ditto_to_mongo");
    // a Ditto -> MongoDB collection may share a topic name: the source never writes it
    p.put("collection.devices.topic", "mongoditto.customers");
    MongoSourceConfig c = MongoSourceConfig.of(p);
    assertEquals(3, c.collections().size());
    assertEquals(
        List.of("customers", "categories"),
        c.streamedCollections().stream().map(CollectionConfig::name).toList());
    p.put("collection.customers.direction", "ditto_to_mongo");
    p.put("collection.categories.direction", "DITTO_TO_MONGO");
    p.remove("collection.devices.topic");
    Map<String, List<String>> errors = MongoSourceConfig.parse(p).errors();
    assertTrue(
        errors.get("collections").get(0).contains("no enabled collection is synced from MongoDB"),
        errors.toString());
  }

  @Test
  void theSourceIdIsTheConnectorsNameUnlessSet() {
    Map<String, String> p = base();
    assertEquals("mongo-source", MongoSourceConfig.of(p).sourceId());
    p.put("name", "zava-retail-mongo");
    assertEquals("zava-retail-mongo", MongoSourceConfig.of(p).sourceId());
    assertEquals("zava-retail-mongo", MongoSourceConfig.of(p).recordOrigin());
    p.put("source.id", " zava-eu ");
    assertEquals("zava-eu", MongoSourceConfig.of(p).sourceId());
    p.put("snapshot.sweep", "never");
    assertNull(
        MongoSourceConfig.of(p).recordOrigin(), "a source that never sweeps names no origin");
    assertError("source.id", "control characters", Map.of("source.id", "a\tb"));
  }

  @Test
  void startupModesPerConnectorAndPerCollection() {
    Map<String, String> p = base();
    p.put("startup.mode", "latest");
    p.put("collection.categories.startup.mode", "snapshot_only");
    p.put("history.lost.policy", "resnapshot");
    p.put("snapshot.chunk.size", "50");
    MongoSourceConfig c = MongoSourceConfig.of(p);
    assertEquals(StartupMode.LATEST, c.collections().get(0).startupMode());
    assertEquals(StartupMode.SNAPSHOT_ONLY, c.collections().get(1).startupMode());
    assertEquals(MongoSourceConfig.HistoryLostPolicy.RESNAPSHOT, c.historyLostPolicy());
    assertEquals(50, c.snapshotChunkSize());
    assertEquals(
        StartupMode.INITIAL, MongoSourceConfig.of(base()).collections().get(0).startupMode());
    assertError(
        "collection.categories.startup.mode",
        "not one of",
        Map.of("collection.categories.startup.mode", "now"));
    assertError(
        "startup.timestamp",
        "needs the cluster time",
        Map.of("collection.categories.startup.mode", "timestamp"));
    Map<String, String> t = base();
    t.put("startup.mode", "timestamp");
    t.put("startup.timestamp", "1764000000");
    assertEquals(1764000000L, MongoSourceConfig.of(t).startupTimestamp());
  }

  @Test
  void invalidConfigThrowsWithoutTheUri() {
    Map<String, String> p = base();
    p.put("collection.customers.id.feilds", "x");
    ConfigException e = assertThrows(ConfigException.class, () -> MongoSourceConfig.of(p));
    assertTrue(e.getMessage().contains("id.feilds"));
    assertFalse(e.getMessage().contains("s3cret"));
  }

  @Test
  void uriIsAPassword() {
    assertEquals("[hidden]", MongoSourceConfig.of(base()).connection().uri().toString());
  }

  @Test
  void taskCollectionsRestrictTheAssignment() {
    Map<String, String> p = base();
    p.put(MongoSourceConfigDef.TASK_COLLECTIONS, "categories");
    assertEquals(
        List.of("categories"),
        MongoSourceConfig.of(p).assignedCollections().stream()
            .map(CollectionConfig::name)
            .toList());
  }

  private static void assertError(String key, String fragment, Map<String, String> overrides) {
    Map<String, String> p = base();
    p.putAll(overrides);
    Map<String, List<String>> errors = MongoSourceConfig.parse(p).errors();
    assertTrue(
        errors.containsKey(key) && errors.get(key).stream().anyMatch(m -> m.contains(fragment)),
        "expected an error on " + key + " containing '" + fragment + "', got " + errors);
  }
}
