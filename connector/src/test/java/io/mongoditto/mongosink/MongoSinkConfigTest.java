package io.mongoditto.mongosink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The Ditto -> MongoDB sink reads the same collection keys as the source, with its own checks. */
class MongoSinkConfigTest {

  private static Map<String, String> props() {
    Map<String, String> p = new HashMap<>();
    p.put("name", "reverse");
    p.put("mongodb.uri", "mongodb://localhost:27017");
    p.put("mongodb.database", "zava");
    p.put("ditto.endpoint", "http://127.0.0.1:8080");
    p.put("ditto.api.key", "k");
    p.put("collections", "inventory,orders,product_embeddings");
    p.put("collection.orders.id.mode", "single_field");
    p.put("collection.orders.id.fields", "order_id");
    p.put("collection.product_embeddings.enabled", "false");
    return p;
  }

  @Test
  void writesTheEnabledCollectionsOfItsDirection() {
    Map<String, String> p = props();
    p.put("collections", "inventory,orders,product_embeddings,stores");
    p.put("collection.stores.direction", "mongo_to_ditto");
    MongoSinkConfig c = MongoSinkConfig.of(p);
    assertEquals(
        List.of("inventory", "orders"),
        c.writtenCollections().stream().map(x -> x.name()).toList());
    assertEquals("reverse", c.connectorName());
    assertEquals("zava", c.database());
    assertTrue(c.reconcileOnRequery());
  }

  @Test
  void aWrongCollectionValueNamesItsKeyAsForTheSource() {
    Map<String, String> p = props();
    p.put("collection.orders.enabled", "flase");
    MongoSinkConfig.Parsed parsed = MongoSinkConfig.parse(p);
    assertNull(parsed.config());
    assertTrue(
        parsed.errors().containsKey("collection.orders.enabled"), parsed.errors().toString());
  }

  @Test
  void noCollectionOfThisDirectionIsAConfigError() {
    Map<String, String> p = props();
    p.put("collection.inventory.direction", "mongo_to_ditto");
    p.put("collection.orders.direction", "mongo_to_ditto");
    MongoSinkConfig.Parsed parsed = MongoSinkConfig.parse(p);
    assertTrue(
        parsed.errors().getOrDefault("collections", List.of()).get(0).contains("ditto_to_mongo"),
        parsed.errors().toString());
  }

  @Test
  void twoMongoCollectionsWritingFromOneDittoCollectionAreRefused() {
    Map<String, String> p = props();
    p.put("collection.orders.ditto.collection", "inventory");
    MongoSinkConfig.Parsed parsed = MongoSinkConfig.parse(p);
    assertNotNull(
        parsed.errors().get("collection.orders.ditto.collection"), parsed.errors().toString());
  }

  @Test
  void aMissingRequiredKeyFailsWithItsName() {
    Map<String, String> p = props();
    p.remove("ditto.api.key");
    Executable parse = () -> MongoSinkConfig.of(p);
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, parse);
    assertTrue(e.getMessage().contains("ditto.api.key"), e.getMessage());
  }

  @Test
  void secretsArePasswords() {
    assertEquals(
        org.apache.kafka.common.config.ConfigDef.Type.PASSWORD,
        MongoSinkConfig.CONFIG_DEF.configKeys().get("mongodb.uri").type);
    assertEquals(
        org.apache.kafka.common.config.ConfigDef.Type.PASSWORD,
        MongoSinkConfig.CONFIG_DEF.configKeys().get("ditto.api.key").type);
  }
}
