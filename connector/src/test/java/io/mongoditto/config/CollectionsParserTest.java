package io.mongoditto.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.mapping.IdMode;
import io.mongoditto.mapping.MongoIdType;
import io.mongoditto.mapping.ValueMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one parser of {@code collections} and {@code collection.<name>.<setting>}. */
class CollectionsParserTest {

  static Map<String, String> base() {
    Map<String, String> p = new HashMap<>();
    p.put("collections", "customers,categories");
    p.put("collection.customers.id.mode", "single_field");
    p.put("collection.customers.id.fields", "customer_id");
    return p;
  }

  private static CollectionsParser.Parsed parse(Map<String, String> overrides) {
    Map<String, String> p = base();
    p.putAll(overrides);
    return CollectionsParser.parse(p);
  }

  @Test
  void parsesCollectionsWithDefaults() {
    CollectionsParser.Parsed parsed = CollectionsParser.parse(base());
    assertTrue(parsed.ok(), parsed.errors().toString());
    CollectionConfig customers = parsed.collections().get(0);
    assertEquals("customers", customers.name());
    assertTrue(customers.enabled());
    assertEquals(Direction.BOTH, customers.direction());
    assertEquals(IdMode.SINGLE_FIELD, customers.mapping().idMode());
    assertEquals(List.of("customer_id"), customers.mapping().idFields());
    assertEquals(ValueMode.JSON, customers.mapping().mode());
    assertEquals(MongoIdType.AUTO, customers.mapping().mongoIdType());
    assertEquals("mongoditto.customers", customers.topic());
    assertEquals(StartupMode.INITIAL, customers.startupMode());
    assertEquals(IdMode.MATCH_IDS, parsed.collections().get(1).mapping().idMode());
  }

  @Test
  void directionValueModeAndMongoIdType() {
    CollectionsParser.Parsed parsed =
        parse(
            Map.of(
                "collection.categories.direction", "ditto_to_mongo",
                "collection.categories.mode", "EJSON",
                "collection.categories.id.mongo.type", "object_id",
                "collection.customers.direction", "Mongo_To_Ditto"));
    assertTrue(parsed.ok(), parsed.errors().toString());
    CollectionConfig categories = parsed.collections().get(1);
    assertEquals(Direction.DITTO_TO_MONGO, categories.direction());
    assertEquals(ValueMode.EJSON, categories.mapping().mode());
    assertEquals(MongoIdType.OBJECT_ID, categories.mapping().mongoIdType());
    assertFalse(categories.syncs(Direction.MONGO_TO_DITTO));
    assertTrue(categories.syncs(Direction.DITTO_TO_MONGO));
    assertEquals(Direction.MONGO_TO_DITTO, parsed.collections().get(0).direction());
  }

  @Test
  void everyWrongValueFailsOnItsKey() {
    assertError(
        "collection.customers.direction",
        "not one of both",
        "collection.customers.direction",
        "sideways");
    assertError(
        "collection.customers.mode", "not one of json, ejson", "collection.customers.mode", "bson");
    assertError(
        "collection.categories.id.mongo.type",
        "not one of auto, object_id",
        "collection.categories.id.mongo.type",
        "objectid");
    assertError(
        "collection.customers.id.mongo.type",
        "match_ids only",
        "collection.customers.id.mongo.type",
        "string");
    // silently false in the CLI's old parser
    assertError(
        "collection.customers.enabled",
        "not true or false",
        "collection.customers.enabled",
        "flase");
    assertError(
        "collection.customers.id.keep.mongo.id",
        "not true or false",
        "collection.customers.id.keep.mongo.id",
        "1");
    assertError(
        "collection.customers.startup.mode",
        "not one of",
        "collection.customers.startup.mode",
        "now");
    assertError("startup.mode", "not one of", "startup.mode", "eventually");
    assertError(
        "collection.customers.topic",
        "not a valid Kafka topic",
        "collection.customers.topic",
        "a b");
    assertError(
        "collection.customers.ditto.collection",
        "must not be empty",
        "collection.customers.ditto.collection",
        " ");
    assertError("collections", "twice", "collections", "customers,customers");
    assertError("collections", "empty collection name", "collections", "customers,,categories");
    assertError(
        "collections",
        "not a collection that can be synced",
        "collections",
        "customers,system.views");
  }

  @Test
  void anAutoMongoIdTypeIsFineWithEveryIdMode() {
    CollectionsParser.Parsed parsed = parse(Map.of("collection.customers.id.mongo.type", "auto"));
    assertTrue(parsed.ok(), parsed.errors().toString());
  }

  @Test
  void idFieldRules() {
    assertError(
        "collection.customers.id.fields", "exactly one", "collection.customers.id.fields", "a,b");
    assertError(
        "collection.customers.id.fields", "'_id' cannot", "collection.customers.id.fields", "_id");
    assertError(
        "collection.customers.id.fields",
        "not a top-level",
        "collection.customers.id.fields",
        "a.b");
    assertError(
        "collection.customers.id.mode", "not one of", "collection.customers.id.mode", "by_field");
    assertError(
        "collection.categories.id.fields",
        "match_ids takes",
        "collection.categories.id.fields",
        "x");
    assertError(
        "collection.customers.id.fields",
        "two or more",
        "collection.customers.id.mode",
        "multiple_fields");
  }

  /** Issue 15 item 5: a misspelt mode used to add "match_ids takes the Mongo _id" on id.fields. */
  @Test
  void anUnknownIdModeIsReportedOnlyOnTheModeKey() {
    CollectionsParser.Parsed parsed = parse(Map.of("collection.customers.id.mode", "singel_field"));
    assertEquals(
        List.of("collection.customers.id.mode"),
        List.copyOf(parsed.errors().keySet()),
        parsed.errors().toString());
  }

  @Test
  void aTypoInACollectionSettingIsAnErrorOnThatKey() {
    Map<String, List<String>> errors =
        parse(Map.of("collection.customers.id.feilds", "customer_id")).errors();
    assertTrue(
        errors.get("collection.customers.id.feilds").get(0).contains("unknown setting 'id.feilds'"),
        errors.toString());
  }

  @Test
  void aSettingOfAnUnlistedCollectionIsAnErrorOnThatKey() {
    Map<String, List<String>> errors =
        parse(Map.of("collection.orders.id.mode", "match_ids")).errors();
    assertTrue(
        errors.get("collection.orders.id.mode").get(0).contains("not listed in 'collections'"),
        errors.toString());
  }

  @Test
  void collectionNamesWithDotsResolveToTheLongestListedName() {
    Map<String, String> p = new HashMap<>();
    p.put("collections", "a,a.b");
    p.put("collection.a.b.id.mode", "single_field");
    p.put("collection.a.b.id.fields", "x");
    CollectionsParser.Parsed parsed = CollectionsParser.parse(p);
    assertTrue(parsed.ok(), parsed.errors().toString());
    assertEquals(IdMode.MATCH_IDS, parsed.collections().get(0).mapping().idMode());
    assertEquals(IdMode.SINGLE_FIELD, parsed.collections().get(1).mapping().idMode());
  }

  @Test
  void multipleFieldsKeepOrder() {
    CollectionsParser.Parsed parsed =
        parse(
            Map.of(
                "collection.customers.id.mode", "multiple_fields",
                "collection.customers.id.fields", "store_id, customer_id"));
    assertEquals(
        List.of("store_id", "customer_id"), parsed.collections().get(0).mapping().idFields());
  }

  @Test
  void startupModesAndTopicsFollowTheConnectorWideKeys() {
    CollectionsParser.Parsed parsed =
        parse(
            Map.of(
                "startup.mode", "latest",
                "topic.prefix", "zava",
                "collection.categories.startup.mode", "snapshot_only",
                "collection.categories.topic", "cats"));
    assertEquals(StartupMode.LATEST, parsed.collections().get(0).startupMode());
    assertEquals(StartupMode.SNAPSHOT_ONLY, parsed.collections().get(1).startupMode());
    assertEquals("zava.customers", parsed.collections().get(0).topic());
    assertEquals("cats", parsed.collections().get(1).topic());
  }

  @Test
  void aFilterWithABadRegexOrTypeAliasFailsOnItsKeyWithoutAnyData() {
    assertError(
        "collection.customers.filter",
        "regular expression of field 'name' is not valid: Unclosed group",
        "collection.customers.filter",
        "{\"name\": {\"$regex\": \"^(ab\"}}");
    assertError(
        "collection.customers.filter",
        "unknown option 'q'",
        "collection.customers.filter",
        "{\"name\": {\"$regex\": \"^ab\", \"$options\": \"iq\"}}");
    assertError(
        "collection.customers.filter",
        "$type of field 'qty' is 'integer'",
        "collection.customers.filter",
        "{\"$or\": [{\"qty\": {\"$type\": \"integer\"}}, {\"a\": 1}]}");
    assertError(
        "collection.customers.filter",
        "$type of field 'tags' is 'String'",
        "collection.customers.filter",
        "{\"tags\": {\"$elemMatch\": {\"$type\": [\"int\", \"String\"]}}}");
    assertError(
        "collection.customers.filter",
        "regular expression of field 'name' is not valid",
        "collection.customers.filter",
        "{\"name\": {\"$not\": {\"$regularExpression\": {\"pattern\": \"[a\", \"options\": \"\"}}}}");
    for (String fine :
        List.of(
            "{\"name\": {\"$regex\": \"^a.*b$\", \"$options\": \"imxsu\"}}",
            "{\"name\": {\"$regex\": \"a # comment (\", \"$options\": \"x\"}}",
            "{\"qty\": {\"$type\": [\"int\", \"long\", \"number\", 16, 18.0]}}",
            "{\"name\": {\"$in\": [{\"$regularExpression\": {\"pattern\": \"^a\", \"options\": \"\"}}]}}")) {
      CollectionsParser.Parsed parsed = parse(Map.of("collection.customers.filter", fine));
      assertTrue(parsed.ok(), fine + ": " + parsed.errors());
    }
  }

  @Test
  void narrowingToSomeCollectionsDropsTheOthersSettings() {
    Map<String, String> p = base();
    p.put("collections", "customers,categories,a,a.b");
    p.put("collection.a.b.id.mode", "single_field");
    p.put("collection.a.b.id.fields", "x");
    p.put("collection.a.enabled", "false");
    p.put("mongodb.database", "zava");
    Map<String, String> narrowed = CollectionsParser.onlyCollections(p, List.of("a.b", "orders"));
    assertEquals("a.b,orders", narrowed.get("collections"));
    assertEquals("zava", narrowed.get("mongodb.database"));
    assertFalse(narrowed.containsKey("collection.customers.id.mode"));
    assertFalse(narrowed.containsKey("collection.a.enabled"));
    CollectionsParser.Parsed parsed = CollectionsParser.parse(narrowed);
    assertTrue(parsed.ok(), parsed.errors().toString());
    assertEquals(IdMode.SINGLE_FIELD, parsed.collections().get(0).mapping().idMode());
    assertEquals("orders", parsed.collections().get(1).name());
  }

  private static void assertError(String key, String fragment, String... overrides) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < overrides.length; i += 2) {
      o.put(overrides[i], overrides[i + 1]);
    }
    Map<String, List<String>> errors = parse(o).errors();
    assertTrue(
        errors.containsKey(key) && errors.get(key).stream().anyMatch(m -> m.contains(fragment)),
        "expected an error on " + key + " containing '" + fragment + "', got " + errors);
  }
}
