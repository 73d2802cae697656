package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.verify.SyncVerifier;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.RetryPolicy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * `verify` compares both ways: with equal counts, a document only MongoDB holds and one only Ditto
 * holds (an edge write that never reached MongoDB) are both reported, by the full comparison and by
 * a sample large enough to meet them.
 */
class VerifyBothWaysIT {

  @Test
  void aDocumentOnlyDittoHoldsIsReported() {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString());
        DittoHttpClient http =
            new DittoHttpClient(
                new DittoHttpClient.Settings(
                    ditto.endpoint(),
                    ditto.apiKey(),
                    ApiVersion.V5,
                    Duration.ofSeconds(30),
                    new RetryPolicy(
                        Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10)),
                    false))) {
      MongoDatabase db = client.getDatabase("both");
      db.getCollection("orders")
          .insertMany(
              List.of(
                  new Document("order_id", "A").append("n", 1),
                  new Document("order_id", "B").append("n", 2),
                  new Document("order_id", "C").append("n", 3)));
      new LocalDittoClient(ditto)
          .execute(
              "INSERT INTO orders DOCUMENTS (:a), (:b), (:x)",
              Map.of(
                  "a", Map.of("_id", "A", "order_id", "A", "n", 1),
                  "b", Map.of("_id", "B", "order_id", "B", "n", 2),
                  "x", Map.of("_id", "X", "order_id", "X", "n", 9)));
      CollectionConfig orders =
          CollectionsParser.parse(
                  Map.of(
                      "collections", "orders",
                      "collection.orders.id.mode", "single_field",
                      "collection.orders.id.fields", "order_id"))
              .collections()
              .get(0);
      SyncVerifier verifier = new SyncVerifier(db, http);

      SyncVerifier.Result full = verifier.verify(orders, 0, true);
      assertEquals(full.mongoCount(), full.dittoCount(), "equal counts hide the difference");
      assertFalse(full.matches());
      assertTrue(
          full.differences().contains("_id X: in Ditto but not in MongoDB"),
          full.differences().toString());
      assertTrue(
          full.differences().contains("_id C: missing in Ditto"), full.differences().toString());

      SyncVerifier.Result sampled = verifier.verify(orders, 3, false);
      assertTrue(
          sampled.differences().contains("_id X: in Ditto but not in MongoDB"),
          sampled.differences().toString());

      db.getCollection("orders").insertOne(new Document("order_id", "X").append("n", 9));
      new LocalDittoClient(ditto)
          .execute(
              "INSERT INTO orders DOCUMENTS (:c)",
              Map.of("c", Map.of("_id", "C", "order_id", "C", "n", 3)));
      assertTrue(verifier.verify(orders, 0, true).matches(), "both ways equal");
    }
  }
}
