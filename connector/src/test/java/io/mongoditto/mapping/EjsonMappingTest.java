package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** Change events mapped in a collection's ejson mode (Ditto's connector's {@code mode: ejson}). */
class EjsonMappingTest {

  private static final String OID = "65a1b2c3d4e5f60718293a4b";

  private static ChangeEventMapper mapper(SyncRules rules) {
    CollectionMapping mapping = CollectionMapping.matchIds("orders").withMode(ValueMode.EJSON);
    return rules.mapper(mapping, new ConversionStats());
  }

  @Test
  void everyValueAndTheIdBecomeCanonicalExtendedJson() {
    BsonDocument event =
        Events.event(
            "insert",
            "orders",
            "{\"documentKey\": {\"_id\": {\"$oid\": \""
                + OID
                + "\"}}, \"fullDocument\": {\"_id\": {\"$oid\": \""
                + OID
                + "\"}, \"qty\": {\"$numberLong\": \"9007199254740993\"}, \"price\":"
                + " {\"$numberDecimal\": \"12.50\"}, \"at\": {\"$date\": \"2026-01-02T03:04:05.678Z\"},"
                + " \"blob\": {\"$binary\": {\"base64\": \"AAE=\", \"subType\": \"00\"}},"
                + " \"note\": \"plain\", \"ok\": true, \"n\": {\"i\": 1}}}");

    DittoChange change = mapper(SyncRules.NONE).map(event).changes().get(0);

    assertEquals(Map.of("$oid", OID), change.id());
    Map<String, Object> doc = change.document();
    assertEquals(Map.of("$oid", OID), doc.get("_id"));
    assertEquals(Map.of("$numberLong", "9007199254740993"), doc.get("qty"));
    assertEquals(Map.of("$numberDecimal", "12.50"), doc.get("price"));
    assertEquals(Map.of("$date", Map.of("$numberLong", "1767323045678")), doc.get("at"));
    assertEquals(Map.of("$binary", Map.of("base64", "AAE=", "subType", "00")), doc.get("blob"));
    assertEquals("plain", doc.get("note"));
    assertEquals(true, doc.get("ok"));
    assertEquals(Map.of("i", Map.of("$numberInt", "1")), doc.get("n"));
  }

  @Test
  void aTypeChangeOfAFieldUnsetsItFirstBecauseDittoMergesMaps() {
    // {"$numberInt": "5"} upserted with {"$numberLong": "7"} would merge into both keys.
    BsonDocument event =
        Events.event(
            "update",
            "orders",
            "{\"documentKey\": {\"_id\": 1}, \"updateDescription\": {\"updatedFields\": {\"qty\":"
                + " {\"$numberLong\": \"7\"}, \"note\": \"x\"}, \"removedFields\": []},"
                + " \"fullDocument\": {\"_id\": 1, \"qty\": {\"$numberLong\": \"7\"}, \"note\":"
                + " \"x\"}}");

    DittoChange change = mapper(SyncRules.NONE).map(event).changes().get(0);

    assertTrue(change.unsetPaths().contains("qty"), change::toString);
    assertTrue(!change.unsetPaths().contains("note"), change::toString);
  }

  @Test
  void filtersAreEvaluatedOnBsonNotOnItsExtendedJson() {
    SyncRules rules = SyncRules.parse("{\"qty\": {\"$gt\": 5}}", null, null, null);
    BsonDocument big =
        Events.event(
            "insert",
            "orders",
            "{\"documentKey\": {\"_id\": 1}, \"fullDocument\": {\"_id\": 1, \"qty\":"
                + " {\"$numberLong\": \"9\"}}}");
    BsonDocument small =
        Events.event(
            "insert",
            "orders",
            "{\"documentKey\": {\"_id\": 2}, \"fullDocument\": {\"_id\": 2, \"qty\": 3}}");

    assertEquals(1, mapper(rules).map(big).changes().size());
    assertEquals(List.of(), mapper(rules).map(small).changes());
  }

  @Test
  void valuesJsonModeLeavesOutAreCarried() {
    BsonDocument event =
        Events.event(
            "insert",
            "orders",
            "{\"documentKey\": {\"_id\": 1}, \"fullDocument\": {\"_id\": 1, \"min\": {\"$minKey\":"
                + " 1}, \"nan\": {\"$numberDouble\": \"NaN\"}}}");
    ConversionStats stats = new ConversionStats();
    CollectionMapping mapping = CollectionMapping.matchIds("orders").withMode(ValueMode.EJSON);
    DittoChange change = SyncRules.NONE.mapper(mapping, stats).map(event).changes().get(0);

    assertEquals(Map.of("$minKey", 1), change.document().get("min"));
    assertEquals(Map.of("$numberDouble", "NaN"), change.document().get("nan"));
    assertEquals(0, stats.omittedTotal());
  }
}
