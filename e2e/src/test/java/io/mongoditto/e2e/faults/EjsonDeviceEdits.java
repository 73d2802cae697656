package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.mongoditto.localditto.LocalDittoClient;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Store devices writing Extended JSON into an ejson-mode collection, as a device that knows the
 * mode does: {@code {"$numberLong": "9007199254740993"}}, {@code {"$date": {"$numberLong": ...}}},
 * {@code {"$numberDecimal": ...}}, {@code {"$binary": ...}}. MongoDB must then hold the exact BSON
 * types and values, which this class knows by reading what the devices wrote with MongoDB's own
 * Extended JSON reader ({@link BsonDocument#parse}), not the connector's.
 */
final class EjsonDeviceEdits {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TWO_TO_53 = 1L << 53;
  private static final String[] DECIMALS = {"19.99", "0.10", "-7.000", "1E+40"};

  private final LocalDittoClient ditto;
  private final Random random;
  private final String collection;
  private final String prefix;

  /** Ditto _id -> the fields the devices wrote, as BSON. */
  private final Map<String, BsonDocument> model = new TreeMap<>();

  private int counter;

  EjsonDeviceEdits(LocalDittoClient ditto, Random random, String collection, String prefix) {
    this.ditto = ditto;
    this.random = random;
    this.collection = collection;
    this.prefix = prefix + "ejson-";
  }

  /** One device write; returns its kind. */
  String step() {
    List<String> live = new ArrayList<>(model.keySet());
    if (live.size() < 3 || random.nextInt(100) < 25) {
      insert();
      return "ejson-insert";
    }
    String id = live.get(random.nextInt(live.size()));
    String field;
    Map<String, Object> value;
    String kind;
    switch (random.nextInt(3)) {
      case 0 -> {
        field = "qty";
        value = int64();
        kind = "ejson-int64-update";
      }
      case 1 -> {
        field = "at";
        value = date();
        kind = "ejson-date-update";
      }
      default -> {
        field = "price";
        value = decimal();
        kind = "ejson-decimal-update";
      }
    }
    ditto.execute(
        "UPDATE " + collection + " SET " + field + " = :v WHERE _id = :id",
        Map.of("id", id, "v", value));
    model.get(id).put(field, bson(value));
    return kind;
  }

  private void insert() {
    String id = prefix + (counter++);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", "device category " + random.nextInt(1000));
    fields.put("qty", int64());
    fields.put("price", decimal());
    fields.put("at", date());
    byte[] bytes = new byte[1 + random.nextInt(12)];
    random.nextBytes(bytes);
    fields.put(
        "blob",
        Map.of(
            "$binary",
            Map.of("base64", Base64.getEncoder().encodeToString(bytes), "subType", "00")));
    Map<String, Object> doc = new LinkedHashMap<>(fields);
    doc.put("_id", id);
    ditto.execute("INSERT INTO " + collection + " DOCUMENTS (:d)", Map.of("d", doc));
    BsonDocument expected = new BsonDocument();
    fields.forEach((k, v) -> expected.put(k, bson(v)));
    model.put(id, expected);
  }

  /**
   * Each device document in MongoDB (its _id the Ditto id, a String) holds exactly the BSON value
   * of every field the devices wrote: an Int64 that came back as a Double or an Int32, a Date as a
   * String, or one digit off, is stale.
   */
  DittoEdgeWorkload.Result check(MongoDatabase db) {
    List<String> lost = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, BsonDocument> e : model.entrySet()) {
      String where = collection + "/" + e.getKey();
      BsonDocument doc =
          db.getCollection(collection, BsonDocument.class)
              .find(Filters.eq("_id", e.getKey()))
              .first();
      if (doc == null) {
        lost.add(where);
        continue;
      }
      e.getValue()
          .forEach(
              (field, want) -> {
                BsonValue got = doc.get(field);
                if (!want.equals(got)) {
                  stale.add(
                      where + "." + field + " expected " + typed(want) + " got " + typed(got));
                }
              });
    }
    return new DittoEdgeWorkload.Result(model.size(), lost, stale, List.of());
  }

  private static String typed(BsonValue v) {
    return v == null ? "nothing" : v.getBsonType() + " " + new BsonDocument("v", v).toJson();
  }

  /** What MongoDB's own Extended JSON reader makes of a value a device wrote. */
  private static BsonValue bson(Object value) {
    try {
      return BsonDocument.parse(JSON.writeValueAsString(Map.of("v", value))).get("v");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> int64() {
    long v = TWO_TO_53 + 1 + random.nextInt(1_000_000);
    return Map.of("$numberLong", Long.toString(random.nextBoolean() ? v : -v));
  }

  private Map<String, Object> date() {
    return Map.of(
        "$date", Map.of("$numberLong", Long.toString(random.nextLong() % 4_000_000_000_000L)));
  }

  private Map<String, Object> decimal() {
    return Map.of("$numberDecimal", DECIMALS[random.nextInt(DECIMALS.length)]);
  }
}
