package io.mongoditto.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.cli.UserException;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mapping.IdMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsTest {

  @TempDir Path dir;

  @Test
  void connectRestJsonThenEnvironmentThenFlags() throws Exception {
    Path file = dir.resolve("source.json");
    Files.writeString(
        file,
        """
        {"name": "zava", "config": {
          "connector.class": "io.mongoditto.source.MongoSourceConnector",
          "mongodb.uri": "mongodb://from-file", "mongodb.database": "filedb",
          "collections": "stores, customers,inventory, product_embeddings",
          "collection.stores.id.mode": "single_field", "collection.stores.id.fields": "store_id",
          "collection.customers.id.mode": "multiple_fields", "collection.customers.id.fields": "a,b",
          "collection.product_embeddings.enabled": false, "tasks.max": 2}}
        """);
    MongoOptions options = new MongoOptions();
    new CommandLine(options).parseArgs("-c", file.toString(), "--database", "flagdb");
    Settings s =
        options.settings(
            Map.of("MONGODB_CONNECTION_STRING", "mongodb://from-env", "MONGODB_DATABASE", "envdb"));
    assertEquals("mongodb://from-env", options.mongodbUri(s));
    assertEquals("flagdb", options.databaseName(s));
    assertEquals("2", s.get("tasks.max").orElseThrow());

    List<CollectionConfig> all = s.collections();
    assertEquals(
        List.of("stores", "customers", "inventory", "product_embeddings"),
        all.stream().map(CollectionConfig::name).toList());
    assertEquals(IdMode.SINGLE_FIELD, all.get(0).mapping().idMode());
    assertEquals(List.of("store_id"), all.get(0).mapping().idFields());
    assertEquals(List.of("a", "b"), all.get(1).mapping().idFields());
    assertEquals(IdMode.MATCH_IDS, all.get(2).mapping().idMode());
    assertFalse(all.get(3).enabled());
    assertEquals(3, s.collectionsSyncedToDitto().size());
  }

  @Test
  void connectEnvPlaceholdersAreResolved() throws Exception {
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"mongodb.uri\": \"${env:MY_URI}\", \"x\": \"a-${env:NOPE}\"}");
    Settings s = Settings.load(file).resolveEnv(Map.of("MY_URI", "mongodb://resolved"));
    assertEquals("mongodb://resolved", s.get("mongodb.uri").orElseThrow());
    assertFalse(s.get("x").isPresent());
  }

  @Test
  void propertiesFilesWork() throws Exception {
    Path file = dir.resolve("source.properties");
    Files.writeString(
        file,
        "mongodb.uri=mongodb://p\ncollections=orders\ncollection.orders.id.mode=single_field\n"
            + "collection.orders.id.fields=order_id\n");
    Settings s = Settings.load(file);
    assertEquals("order_id", s.collections().get(0).mapping().idFields().get(0));
  }

  @Test
  void badValuesFailAsOnConnectNamingTheirKeys() {
    assertProblem(
        Map.of("collections", "x", "collection.x.id.mode", "by_magic"),
        "collection.x.id.mode: 'by_magic' is not one of match_ids, single_field, multiple_fields");
    assertProblem(
        Map.of("collections", "x", "collection.x.id.mode", "single_field"),
        "collection.x.id.fields: single_field needs exactly one field, got 0");
    // the CLI's own parser read these as false, unchecked and unchecked
    assertProblem(
        Map.of("collections", "x", "collection.x.enabled", "flase"),
        "collection.x.enabled: 'flase' is not true or false");
    assertProblem(
        Map.of("collections", "x", "collection.x.topic", "no spaces allowed"),
        "collection.x.topic: 'no spaces allowed' is not a valid Kafka topic name");
    assertProblem(
        Map.of("collections", "x", "collection.x.id.fields", "_id"),
        "collection.x.id.fields: match_ids takes the Mongo _id");
    assertProblem(
        Map.of("collections", "x", "collection.y.enabled", "true"),
        "collection.y.enabled: refers to a collection that is not listed in 'collections'");
    assertThrows(UserException.class, () -> Settings.load(dir.resolve("missing.json")));
  }

  @Test
  void theCollectionsFlagNarrowsAConfigToSomeOfItsCollections() throws Exception {
    Path file = dir.resolve("source.json");
    Files.writeString(
        file,
        """
        {"collections": "stores,orders",
         "collection.stores.id.mode": "single_field", "collection.stores.id.fields": "store_id",
         "collection.orders.id.mode": "single_field", "collection.orders.id.fields": "order_id"}
        """);
    MongoOptions options = new MongoOptions();
    new CommandLine(options).parseArgs("-c", file.toString(), "--collections", "orders,returns");
    List<CollectionConfig> all = options.settings(Map.of()).collections();
    assertEquals(List.of("orders", "returns"), all.stream().map(CollectionConfig::name).toList());
    assertEquals(List.of("order_id"), all.get(0).mapping().idFields());
    assertEquals(IdMode.MATCH_IDS, all.get(1).mapping().idMode());
  }

  private static void assertProblem(Map<String, String> settings, String expected) {
    UserException e = assertThrows(UserException.class, () -> Settings.of(settings).collections());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void redactsPasswords() {
    assertEquals(
        "mongodb://u:***@h1:27017,h2:27018",
        Redact.mongoUri("mongodb://u:p%40ss@h1:27017,h2:27018/db?replicaSet=rs"));
    assertEquals("mongodb://h", Redact.mongoUri("mongodb://h"));
  }
}
