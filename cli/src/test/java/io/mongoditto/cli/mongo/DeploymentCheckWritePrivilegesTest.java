package io.mongoditto.cli.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionsParser;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** {@code check}'s write privileges for the Ditto -> MongoDB direction, from connectionStatus. */
class DeploymentCheckWritePrivilegesTest {

  private static final String DB = "zava";

  private static List<CollectionConfig> collections(Map<String, String> settings) {
    return CollectionsParser.parse(settings).collections();
  }

  private static Document privilege(String collection, String... actions) {
    return new Document("resource", new Document("db", DB).append("collection", collection))
        .append("actions", List.of(actions));
  }

  private static List<Finding> check(
      Map<String, String> settings, boolean runs, Document... privileges) {
    return new DeploymentCheck(null, DB, collections(settings), runs)
        .writePrivileges(List.of(privileges));
  }

  @Test
  void readOnlyIsAnErrorWhenDittoToMongoRuns() {
    List<Finding> f =
        check(
            Map.of(
                "collections", "inventory,stores", "collection.stores.direction", "mongo_to_ditto"),
            true,
            privilege("", "find", "changeStream"));
    assertEquals(1, f.size());
    assertEquals(Finding.Level.ERROR, f.get(0).level());
    String m = f.get(0).message();
    assertTrue(m.contains("insert on zava.inventory"), m);
    assertTrue(m.contains("remove on zava.mongoditto_sessions"), m);
    assertFalse(m.contains("zava.stores"), "a mongo_to_ditto collection is only read: " + m);
    assertTrue(f.get(0).fix().contains("readWrite"), f.get(0).fix());
  }

  @Test
  void readOnlyIsAWarningWhenTheDirectionIsOnlyConfigured() {
    List<Finding> f =
        check(Map.of("collections", "inventory"), false, privilege("", "find", "changeStream"));
    assertEquals(Finding.Level.WARN, f.get(0).level());
  }

  @Test
  void theConnectorsOwnCollectionsNeedWritesToo() {
    List<Finding> f =
        check(
            Map.of("collections", "inventory"),
            true,
            privilege("inventory", "find", "insert", "update", "remove"));
    assertEquals(Finding.Level.ERROR, f.get(0).level());
    assertTrue(f.get(0).message().contains("insert on zava.mongoditto_sessions"));
    assertTrue(f.get(0).message().contains("update on zava.mongoditto_stale_writes"));
    assertTrue(f.get(0).message().contains("remove on zava.mongoditto_applied"));
    assertFalse(f.get(0).message().contains("zava.inventory"), f.get(0).message());
  }

  @Test
  void readWriteOnTheDatabaseIsEnough() {
    List<Finding> f =
        check(
            Map.of("collections", "inventory,orders"),
            true,
            privilege("", "find", "changeStream", "insert", "update", "remove"));
    assertEquals(Finding.Level.OK, f.get(0).level());
  }

  @Test
  void nothingToCheckWithoutDittoToMongoCollections() {
    assertEquals(
        List.of(),
        check(
            Map.of("collections", "inventory", "collection.inventory.direction", "mongo_to_ditto"),
            true));
    assertEquals(
        List.of(),
        check(Map.of("collections", "inventory", "collection.inventory.enabled", "false"), true));
  }
}
