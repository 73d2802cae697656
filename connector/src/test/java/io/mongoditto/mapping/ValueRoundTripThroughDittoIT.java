package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;

/**
 * MongoDB -> Ditto -> MongoDB through the real Ditto engine (the local Ditto, DQL v5 upserts and
 * reads over Ditto's HTTP API), over generated documents of every BSON type: ejson gives back an
 * equal BSON document; json gives back an equal one too when the MongoDB document is at hand (the
 * Ditto -> MongoDB direction always reads it first): what Ditto did not change comes back exactly,
 * and the values json mode leaves out of Ditto stay as MongoDB has them.
 */
class ValueRoundTripThroughDittoIT {

  private static LocalDitto ditto;
  private static LocalDittoClient client;
  private static final AtomicLong ids = new AtomicLong();

  @BeforeContainer
  static void startDitto() {
    ditto = LocalDitto.start();
    client = new LocalDittoClient(ditto);
  }

  @AfterContainer
  static void stopDitto() {
    ditto.close();
  }

  @Provide
  Arbitrary<BsonDocument> documents() {
    return BsonArbitraries.documents(false);
  }

  @Provide
  Arbitrary<BsonDocument> jsonSafeDocuments() {
    return BsonArbitraries.documents(true);
  }

  @Property(tries = 150)
  void ejsonDocumentsComeBackEqual(@ForAll("documents") BsonDocument fields) {
    BsonDocument doc = withId(fields);
    ValueConverter forward = new BsonToEjson();
    Map<String, Object> stored = storeAndReadBack("ejson_rt", doc, forward);

    BsonValue back = new EjsonToBson().value(stored, null, "");

    assertEquals(doc, back);
  }

  @Property(tries = 150)
  void jsonDocumentsComeBackEqualWhenTheMongoDocumentIsAtHand(
      @ForAll("jsonSafeDocuments") BsonDocument fields) {
    BsonDocument doc = withId(fields);
    ConversionStats stats = new ConversionStats();
    BsonToDitto forward = new BsonToDitto(stats);
    Map<String, Object> stored = storeAndReadBack("json_rt", doc, forward);

    BsonValue back = new JsonToBson().value(stored, doc, "");

    assertEquals(doc, back);
  }

  private static BsonDocument withId(BsonDocument fields) {
    BsonDocument doc = new BsonDocument("_id", new BsonInt64(ids.incrementAndGet()));
    fields.forEach(doc::putIfAbsent);
    return doc;
  }

  private static Map<String, Object> storeAndReadBack(
      String collection, BsonDocument doc, ValueConverter forward) {
    Map<String, Object> ditto = new LinkedHashMap<>();
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      Object v = forward.value(e.getValue(), e.getKey());
      if (v != BsonToDitto.OMITTED) {
        ditto.put(e.getKey(), v);
      }
    }
    client.execute(
        "INSERT INTO " + collection + " DOCUMENTS (:doc) ON ID CONFLICT DO UPDATE",
        Map.of("doc", ditto));
    List<Map<String, Object>> items =
        LocalDittoClient.items(
            client.execute(
                "SELECT * FROM " + collection + " WHERE _id = :id",
                Map.of("id", ditto.get("_id"))));
    assertEquals(1, items.size());
    return items.get(0);
  }
}
