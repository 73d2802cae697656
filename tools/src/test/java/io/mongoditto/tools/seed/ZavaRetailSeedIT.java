package io.mongoditto.tools.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import io.mongoditto.localmongo.LocalMongo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ZavaRetailSeedIT {

  private static final double SCALE = 0.002;

  private static LocalMongo mongo;
  private static MongoClient client;

  @BeforeAll
  static void start() {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
  }

  @AfterAll
  static void stop() {
    client.close();
    mongo.close();
  }

  @Test
  void seedsEveryCollectionWithThePlannedCounts() {
    ZavaRetailSpec spec = new ZavaRetailSpec(SCALE, 7);
    MongoDatabase db = client.getDatabase("counts");
    Map<String, Long> counts =
        ZavaRetailSeeder.seed(db, new ZavaRetailGenerator(spec, 50), false, null);

    assertEquals(8, count(db, "stores"));
    assertEquals(100, count(db, "customers"));
    assertEquals(20, count(db, "categories"));
    assertEquals(spec.products(), count(db, "products"));
    assertEquals(8L * spec.stockedPerStore(), count(db, "inventory"));
    assertEquals(400, count(db, "orders"));
    assertEquals(spec.products(), count(db, "product_embeddings"));
    // Every order's item_count adds up to the order_items written, 1-3 per order.
    long expectedItems = 0;
    for (Document o : db.getCollection("orders").find()) {
      int n = o.getInteger("item_count");
      assertTrue(n >= 1 && n <= 3);
      expectedItems += n;
    }
    assertEquals(expectedItems, count(db, "order_items"));
    for (String c : ZavaRetailSpec.COLLECTIONS) {
      assertEquals(count(db, c), counts.get(c), c);
    }
  }

  @Test
  void fullSizeSpecMatchesTheGuide() {
    ZavaRetailSpec full = ZavaRetailSpec.full(1);
    assertEquals(50_000, full.customers());
    assertEquals(424, full.products());
    assertEquals(3_168, full.inventory());
    assertEquals(200_000, full.orders());
    long total = full.plannedCounts().values().stream().mapToLong(Integer::longValue).sum();
    assertTrue(total > 650_000, "full dataset is " + total);
  }

  @Test
  void documentsHaveRealisticShapes() {
    MongoDatabase db = client.getDatabase("shapes");
    ZavaRetailSeeder.seed(
        db, new ZavaRetailGenerator(new ZavaRetailSpec(SCALE, 3), 100), false, null);

    Document customer = db.getCollection("customers").find().first();
    assertInstanceOf(ObjectId.class, customer.get("_id"));
    assertInstanceOf(Integer.class, customer.get("customer_id"));
    assertInstanceOf(Document.class, customer.get("address"));
    assertEquals("WA", customer.get("address", Document.class).getString("state"));
    assertInstanceOf(List.class, customer.get("tags"));
    assertInstanceOf(Date.class, customer.get("created_at"));
    assertInstanceOf(Boolean.class, customer.get("active"));
    assertInstanceOf(Boolean.class, customer.get("deleted"));

    Document product = db.getCollection("products").find().first();
    assertInstanceOf(Decimal128.class, product.get("base_price"));
    assertInstanceOf(Decimal128.class, product.get("cost"));
    assertInstanceOf(Document.class, product.get("specs", Document.class).get("dimensions_cm"));

    for (String uuidCollection : List.of("inventory", "order_items")) {
      Document d = db.getCollection(uuidCollection).find().first();
      String id = assertInstanceOf(String.class, d.get("_id"));
      assertEquals(4, UUID.fromString(id).version(), uuidCollection);
    }
    Document item = db.getCollection("order_items").find().first();
    assertInstanceOf(Decimal128.class, item.get("unit_price"));
    assertTrue(
        db.getCollection("orders").countDocuments(new Document("order_id", item.get("order_id")))
            == 1);

    Document store = db.getCollection("stores").find(new Document("store_id", 1)).first();
    assertEquals("Zava Retail Seattle", store.getString("store_name"));

    for (Document e : db.getCollection("product_embeddings").find()) {
      assertEquals(
          ZavaRetailSpec.EMBEDDING_DIMENSIONS, e.getList("embedding", Double.class).size());
      int jsonBytes = e.toJson().getBytes(StandardCharsets.UTF_8).length;
      assertTrue(
          jsonBytes >= 16_000 && jsonBytes <= 20_500,
          "embedding document is " + jsonBytes + " bytes of JSON");
    }
  }

  @Test
  void sameSeedSameDocumentsOtherSeedOtherDocuments() {
    seed("det_a", 11);
    seed("det_b", 11);
    seed("det_c", 12);
    for (String c : ZavaRetailSpec.COLLECTIONS) {
      assertEquals(all("det_a", c), all("det_b", c), c);
    }
    assertNotEquals(all("det_a", "customers"), all("det_c", "customers"));
    assertNotEquals(all("det_a", "order_items"), all("det_c", "order_items"));
  }

  private static void seed(String database, long seed) {
    ZavaRetailSeeder.seed(
        client.getDatabase(database),
        new ZavaRetailGenerator(new ZavaRetailSpec(SCALE, seed), 64),
        false,
        null);
  }

  private static List<Document> all(String database, String collection) {
    return client
        .getDatabase(database)
        .getCollection(collection)
        .find()
        .sort(Sorts.ascending("_id"))
        .into(new ArrayList<>());
  }

  private static long count(MongoDatabase db, String collection) {
    return db.getCollection(collection).countDocuments();
  }
}
