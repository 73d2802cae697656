package io.mongoditto.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's reference mapping in ejson mode gives docs/mapping.md's "Value modes" table
 * (written out here as literal JSON), keeps json mode as it was, and the invariant check sees what
 * a fault could leave behind in an Extended JSON map.
 */
class ReferenceMappingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OID = "65a1b2c3d4e5f60718293a4b";

  private static BsonDocument hiddenTypes() {
    return new BsonDocument("_id", new BsonObjectId(new ObjectId(OID)))
        .append("big", new BsonInt64(9007199254740993L))
        .append("amount", new BsonDecimal128(Decimal128.parse("12.50")))
        .append("when", new BsonDateTime(1704164645678L))
        .append("blob", new BsonBinary(BsonBinarySubType.BINARY, new byte[] {1, 2, 3}))
        .append("uuid", new BsonBinary(BsonBinarySubType.UUID_STANDARD, new byte[16]))
        .append("ts", new BsonTimestamp(1704164645, 7))
        .append("ratio", new BsonDouble(Double.NaN))
        .append("low", new BsonDouble(Double.NEGATIVE_INFINITY))
        .append("name", new BsonString("x"))
        .append("ok", BsonBoolean.TRUE)
        .append("none", BsonNull.VALUE)
        .append(
            "mixed",
            new BsonArray(
                List.of(
                    new BsonInt32(7),
                    new BsonArray(List.of(new BsonInt64(-9007199254740993L))),
                    new BsonDocument("d", new BsonDouble(1.5)))));
  }

  @Test
  void ejsonModeGivesTheDocumentedCanonicalExtendedJsonIdsIncluded() throws Exception {
    ReferenceMapping.Expected e = ReferenceMapping.matchIds().inEjsonMode().map(hiddenTypes());

    JsonNode want =
        JSON.readTree(
            """
            {"_id": {"$oid": "65a1b2c3d4e5f60718293a4b"},
             "big": {"$numberLong": "9007199254740993"},
             "amount": {"$numberDecimal": "12.50"},
             "when": {"$date": {"$numberLong": "1704164645678"}},
             "blob": {"$binary": {"base64": "AQID", "subType": "00"}},
             "uuid": {"$binary": {"base64": "AAAAAAAAAAAAAAAAAAAAAA==", "subType": "04"}},
             "ts": {"$timestamp": {"t": 1704164645, "i": 7}},
             "ratio": {"$numberDouble": "NaN"},
             "low": {"$numberDouble": "-Infinity"},
             "name": "x", "ok": true, "none": null,
             "mixed": [{"$numberInt": "7"}, [{"$numberLong": "-9007199254740993"}],
                       {"d": {"$numberDouble": "1.5"}}]}
            """);
    assertNull(e.refusal());
    assertEquals(want, e.document());
    assertEquals("{\"$oid\":\"65a1b2c3d4e5f60718293a4b\"}", e.dittoId());
  }

  @Test
  void aSingleFieldIdInEjsonModeIsTheFieldsExtendedJsonAndTheMongoIdStaysOut() throws Exception {
    BsonDocument doc =
        new BsonDocument("_id", new BsonObjectId(new ObjectId(OID)))
            .append("store_id", new BsonInt64(9007199254740993L))
            .append("name", new BsonString("s"));

    ReferenceMapping.Expected e = ReferenceMapping.singleField("store_id").inEjsonMode().map(doc);

    assertEquals(
        JSON.readTree(
            "{\"_id\": {\"$numberLong\": \"9007199254740993\"},"
                + " \"store_id\": {\"$numberLong\": \"9007199254740993\"}, \"name\": \"s\"}"),
        e.document());
    assertEquals("{\"$numberLong\":\"9007199254740993\"}", e.dittoId());
  }

  @Test
  void jsonModeIsUnchangedAndRefusesWhatOnlyEjsonCarries() {
    BsonDocument plain =
        new BsonDocument("_id", new BsonObjectId(new ObjectId(OID)))
            .append("big", new BsonInt64(9007199254740993L))
            .append("blob", new BsonBinary(BsonBinarySubType.BINARY, new byte[] {1}));
    BsonDocument nan = plain.clone().append("ratio", new BsonDouble(Double.NaN));

    ReferenceMapping.Expected json = ReferenceMapping.matchIds().map(plain);

    assertEquals(OID, json.dittoId());
    assertEquals("{\"_id\":\"" + OID + "\",\"big\":9007199254740993}", json.document().toString());
    assertEquals(
        "ratio is NaN, which JSON cannot hold", ReferenceMapping.matchIds().map(nan).refusal());
    assertNull(ReferenceMapping.matchIds().inEjsonMode().map(nan).refusal());
  }

  @Test
  void aKeyAnOldTypeLeftInAnExtendedJsonMapIsADifference() throws Exception {
    // Ditto merges maps key by key: Int32 5 overwritten by Int64 7 without unsetting the field
    JsonNode expected = JSON.readTree("{\"qty\": {\"$numberLong\": \"7\"}}");
    JsonNode merged = JSON.readTree("{\"qty\": {\"$numberInt\": \"5\", \"$numberLong\": \"7\"}}");

    assertFalse(InvariantCheck.sameJson(expected, merged));
    assertTrue(
        InvariantCheck.sameJson(expected, JSON.readTree("{\"qty\": {\"$numberLong\": \"7\"}}")));
    assertFalse(
        InvariantCheck.sameJson(
            JSON.readTree("{\"n\": {\"$numberLong\": \"9007199254740993\"}}"),
            JSON.readTree("{\"n\": {\"$numberLong\": \"9007199254740992\"}}")));
  }

  @Test
  void theFirstDifferenceNamesThePathAndBothValues() throws Exception {
    JsonNode expected =
        JSON.readTree("{\"a\": 1, \"m\": {\"q\": {\"$numberLong\": \"7\"}}, \"t\": [1, 2]}");

    assertEquals(
        "m.q.$numberInt: not expected, got \"5\"",
        InvariantCheck.firstDifference(
            expected,
            JSON.readTree(
                "{\"a\": 1, \"m\": {\"q\": {\"$numberInt\": \"5\", \"$numberLong\": \"7\"}},"
                    + " \"t\": [1, 2]}"),
            ""));
    assertEquals(
        "t.1: expected 2, got \"2\"",
        InvariantCheck.firstDifference(
            expected,
            JSON.readTree(
                "{\"a\": 1, \"m\": {\"q\": {\"$numberLong\": \"7\"}}, \"t\": [1, \"2\"]}"),
            ""));
    assertNull(InvariantCheck.firstDifference(expected, expected, ""));
  }

  @Test
  void anObjectIdMatchesWhateverOrderDittoGivesItsKeys() throws Exception {
    assertEquals(
        ReferenceMapping.idKey(
            JSON.readTree("{\"$binary\": {\"base64\": \"AQ==\", \"subType\": \"04\"}}")),
        ReferenceMapping.idKey(
            JSON.readTree("{\"$binary\": {\"subType\": \"04\", \"base64\": \"AQ==\"}}")));
    assertEquals("categories-7", ReferenceMapping.idKey(JSON.readTree("\"categories-7\"")));
  }

  @Test
  void theReferenceFollowsTheConfigsModeAndComplainsWhenTheyDiffer() throws Exception {
    Map<String, String> config =
        new HashMap<>(ConnectFaultSuiteIT.configFile("zava-retail-source.json"));
    assertEquals(List.of(), ZavaReference.disagreements(config, false, Set.of()));

    config.put("collection.categories.mode", "ejson");

    assertEquals(Set.of("categories"), ZavaReference.ejsonCollections(config));
    assertEquals(List.of(), ZavaReference.disagreements(config, false, Set.of("categories")));
    assertEquals(
        List.of("collection.categories.mode: config ejson, reference null"),
        ZavaReference.disagreements(config, false, Set.of()));
    assertTrue(ZavaReference.collections(false, Set.of("categories")).get("categories").ejson());
    assertFalse(ZavaReference.collections(false, Set.of("categories")).get("stores").ejson());
  }
}
