package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.Test;

/**
 * The production matcher: every supported operator, and every BSON type reaching the matcher as
 * mongo-java-server's server would see it (dates, ObjectIds, UUIDs, Decimal128, ... compare by
 * value).
 */
class MongoJavaServerMatcherTest {

  private static boolean matches(String filter, BsonDocument doc) {
    return QueryFilter.parse(filter).documentFilter().matches(doc);
  }

  private static boolean matches(String filter, String doc) {
    return matches(filter, BsonDocument.parse(doc));
  }

  @Test
  void everySupportedOperatorEvaluates() {
    String doc =
        "{\"a\": 5, \"s\": \"Seattle\", \"tags\": [\"x\", \"y\"], \"n\": null,"
            + " \"items\": [{\"sku\": \"A\", \"q\": 2}], \"o\": {\"p\": 1}}";
    String[][] cases = {
      {"{\"$and\": [{\"a\": 5}, {\"s\": \"Seattle\"}]}", "true"},
      {"{\"$or\": [{\"a\": 6}, {\"s\": \"Seattle\"}]}", "true"},
      {"{\"$nor\": [{\"a\": 5}]}", "false"},
      {"{\"a\": {\"$not\": {\"$gt\": 4}}}", "false"},
      {"{\"a\": {\"$eq\": 5}}", "true"},
      {"{\"a\": {\"$ne\": 5}}", "false"},
      {"{\"a\": {\"$gt\": 4, \"$gte\": 5, \"$lt\": 6, \"$lte\": 5}}", "true"},
      {"{\"a\": {\"$in\": [1, 5]}}", "true"},
      {"{\"a\": {\"$nin\": [1, 5]}}", "false"},
      {"{\"missing\": {\"$exists\": false}, \"n\": {\"$exists\": true}}", "true"},
      {
        "{\"a\": {\"$type\": \"int\"}, \"s\": {\"$type\": 2}, \"o\": {\"$type\": \"object\"}}",
        "true"
      },
      {"{\"s\": {\"$regex\": \"^sea\", \"$options\": \"i\"}}", "true"},
      {"{\"s\": {\"$regularExpression\": {\"pattern\": \"TLE$\", \"options\": \"i\"}}}", "true"},
      {"{\"a\": {\"$mod\": [2, 1]}}", "true"},
      {"{\"tags\": {\"$all\": [\"y\", \"x\"]}}", "true"},
      {"{\"items\": {\"$elemMatch\": {\"sku\": \"A\", \"q\": {\"$gt\": 2}}}}", "false"},
      {"{\"tags\": {\"$size\": 2}}", "true"},
      {"{\"n\": null, \"missing\": null}", "true"},
      {"{\"o.p\": 1, \"items.sku\": \"A\"}", "true"},
    };
    for (String[] c : cases) {
      assertEquals(Boolean.parseBoolean(c[1]), matches(c[0], doc), c[0]);
    }
  }

  @Test
  void bsonTypesCompareByValue() {
    UUID uuid = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    BsonDocument doc =
        BsonDocument.parse(
            "{\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"},"
                + " \"at\": {\"$date\": \"2024-03-01T00:00:00Z\"}, \"price\": {\"$numberDecimal\": \"19.99\"},"
                + " \"big\": {\"$numberLong\": \"9007199254740993\"}, \"ts\": {\"$timestamp\": {\"t\": 100, \"i\": 1}},"
                + " \"bin\": {\"$binary\": {\"base64\": \"AQID\", \"subType\": \"00\"}}, \"sym\": {\"$symbol\": \"abc\"},"
                + " \"min\": {\"$minKey\": 1}}");
    doc.put("uuid", new BsonBinary(uuid, UuidRepresentation.STANDARD));
    doc.put("legacy", new BsonBinary(uuid, UuidRepresentation.PYTHON_LEGACY));
    assertTrue(matches("{\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}}", doc));
    assertFalse(matches("{\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4c\"}}", doc));
    assertTrue(matches("{\"at\": {\"$gte\": {\"$date\": \"2024-01-01T00:00:00Z\"}}}", doc));
    assertFalse(matches("{\"at\": {\"$lt\": {\"$date\": \"2024-01-01T00:00:00Z\"}}}", doc));
    assertTrue(
        matches("{\"price\": {\"$gt\": 19, \"$lt\": 20.5}}", doc),
        "Decimal128 against int and double");
    assertTrue(
        matches("{\"big\": {\"$gt\": {\"$numberLong\": \"9007199254740992\"}}}", doc),
        "no double rounding");
    assertTrue(matches("{\"ts\": {\"$gt\": {\"$timestamp\": {\"t\": 99, \"i\": 0}}}}", doc));
    assertTrue(
        matches("{\"bin\": {\"$binary\": {\"base64\": \"AQID\", \"subType\": \"00\"}}}", doc));
    assertTrue(
        matches(
            "{\"uuid\": {\"$binary\": {\"base64\": \"D4+tW9nLRp+hZXCGdyiVDg==\", \"subType\": \"04\"}}}",
            doc));
    assertTrue(matches("{\"uuid\": {\"$type\": \"binData\"}}", doc));
    assertTrue(matches("{\"legacy\": {\"$exists\": true}}", doc));
    assertTrue(matches("{\"sym\": \"abc\"}", doc), "a symbol compares as its string");
    assertTrue(matches("{\"min\": {\"$exists\": true}}", doc));
  }
}
