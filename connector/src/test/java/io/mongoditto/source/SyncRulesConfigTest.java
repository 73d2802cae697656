package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mapping.SyncRules;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/**
 * The per-collection filter and fields.* keys: parsed into SyncRules, problems on their own key.
 */
class SyncRulesConfigTest {

  private static Map<String, String> with(String... keyValues) {
    Map<String, String> p = MongoSourceConfigTest.base();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.put(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  /**
   * Errors by key, as PUT .../config/validate shows them (no server needed: parsing fails first).
   */
  private static Map<String, List<String>> validate(Map<String, String> props) {
    props.put("connector.class", MongoSourceConnector.class.getName());
    return new MongoSourceConnector()
        .validate(props).configValues().stream()
            .filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  @Test
  void parsesFilterAndTransformations() {
    MongoSourceConfig c =
        MongoSourceConfig.of(
            with(
                "collection.customers.filter", "{\"deleted\": false, \"active\": true}",
                "collection.customers.fields.exclude", "internal_notes,audit.by",
                "collection.customers.fields.rename", "cust_id:customer_ref,address.zip:postal",
                "collection.customers.fields.convert",
                    "created:toISOString,total:toString,qty:toNumber"));
    SyncRules rules = c.collections().get(0).rules();
    assertEquals(BsonDocument.parse("{\"deleted\": false, \"active\": true}"), rules.mongoQuery());
    assertFalse(rules.transforms().isEmpty());
    assertTrue(
        rules
            .documentFilter()
            .matches(BsonDocument.parse("{\"deleted\": false, \"active\": true}")));
    assertFalse(
        rules
            .documentFilter()
            .matches(BsonDocument.parse("{\"deleted\": true, \"active\": true}")));
    assertTrue(c.collections().get(1).rules().isEmpty(), "categories has none");
    assertEquals(new BsonDocument(), c.collections().get(1).rules().mongoQuery());
  }

  @Test
  void invalidJsonFailsOnTheFilterKey() {
    Map<String, List<String>> errors = validate(with("collection.customers.filter", "{deleted: "));
    assertTrue(
        errors.get("collection.customers.filter").get(0).contains("not a JSON object"),
        errors.toString());
  }

  @Test
  void unknownOperatorFailsOnTheFilterKeyNamingIt() {
    Map<String, List<String>> errors =
        validate(with("collection.customers.filter", "{\"$where\": \"this.a\"}"));
    String message = errors.get("collection.customers.filter").get(0);
    assertTrue(message.contains("$where") && message.contains("supported:"), message);
  }

  @Test
  void badTransformSpecsFailOnTheirOwnKeys() {
    Map<String, List<String>> errors =
        validate(
            with(
                "collection.customers.fields.convert", "total:toMoney",
                "collection.customers.fields.rename", "cust_id",
                "collection.customers.fields.exclude", "_id"));
    assertTrue(
        errors
            .get("collection.customers.fields.convert")
            .get(0)
            .contains("unknown conversion 'toMoney'"),
        errors.toString());
    assertTrue(
        errors.get("collection.customers.fields.rename").get(0).contains("path:newName"),
        errors.toString());
    assertTrue(
        errors
            .get("collection.customers.fields.exclude")
            .get(0)
            .contains("_id cannot be transformed"),
        errors.toString());
  }

  @Test
  void conflictsBetweenKeysAreReported() {
    Map<String, List<String>> errors =
        validate(
            with(
                "collection.customers.fields.exclude", "address",
                "collection.customers.fields.rename", "address.zip:postal"));
    assertTrue(
        errors.get("collection.customers.fields.exclude").get(0).contains("both excluded"),
        errors.toString());
  }

  @Test
  void configParsingFailsWithTheKeyInTheMessage() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> MongoSourceConfig.of(with("collection.categories.filter", "[1, 2]")));
    assertTrue(e.getMessage().contains("collection.categories.filter:"), e.getMessage());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theFilteredZavaExampleIsValid() throws Exception {
    Map<String, String> props =
        new java.util.HashMap<>(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(
                    java.nio.file.Files.readAllBytes(
                        java.nio.file.Path.of("..", "config", "zava-retail-source-filtered.json")),
                    Map.class));
    props.put("mongodb.uri", "mongodb://localhost:27017");
    MongoSourceConfig c = MongoSourceConfig.of(props);
    CollectionConfig customers =
        c.collections().stream()
            .filter(s -> s.name().equals("customers"))
            .findFirst()
            .orElseThrow();
    assertEquals(
        BsonDocument.parse("{\"deleted\": false, \"active\": true}"),
        customers.rules().mongoQuery());
    CollectionConfig orders =
        c.collections().stream().filter(s -> s.name().equals("orders")).findFirst().orElseThrow();
    assertTrue(orders.rules().filter().isEmpty());
    assertFalse(orders.rules().transforms().isEmpty());
  }

  @Test
  void fingerprintChangesWithTheRulesOnly() {
    SyncRules a = SyncRules.parse("{\"active\": true}", "notes", null, null);
    SyncRules same = SyncRules.parse("{\"active\":true}", " notes ", "", null);
    SyncRules other = SyncRules.parse("{\"active\": false}", "notes", null, null);
    assertEquals(a.fingerprint(), same.fingerprint());
    assertNotEquals(a.fingerprint(), other.fingerprint());
    assertNotEquals(a.fingerprint(), SyncRules.NONE.fingerprint());
  }

  @Test
  void snapshotQueryCombinesTheRangeAndTheFilter() {
    SyncRules rules = SyncRules.parse("{\"active\": true}", null, null, null);
    BsonDocument range = BsonDocument.parse("{\"_id\": {\"$gt\": 5}}");
    assertEquals(
        BsonDocument.parse("{\"$and\": [{\"_id\": {\"$gt\": 5}}, {\"active\": true}]}"),
        FilteredReads.snapshotQuery(range, rules));
    assertEquals(range, FilteredReads.snapshotQuery(range, SyncRules.NONE));
    assertEquals(rules.mongoQuery(), FilteredReads.snapshotQuery(new BsonDocument(), rules));
    assertTrue(FilteredReads.streamPipeline(SyncRules.NONE).isEmpty());
    assertEquals(1, FilteredReads.streamPipeline(rules).size());
  }
}
