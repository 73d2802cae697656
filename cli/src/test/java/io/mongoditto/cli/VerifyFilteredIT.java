package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.RetryPolicy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localmongo.LocalMongo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `verify` on a collection with a filter and field transformations: after a synced run it passes
 * (counts under the filter, every document shaped by the rules), and it fails with exit code 1 when
 * a Ditto document is altered or an extra one is inserted. Without the filter the counts would
 * differ (half the documents do not match it), so a verify that ignored the rules would fail the
 * first step.
 */
class VerifyFilteredIT {

  @TempDir Path dir;

  @Test
  void verifyUnderstandsFiltersAndTransformations() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("shop");
      db.createCollection("customers");
      db.runCommand(
          new Document("collMod", "customers")
              .append("changeStreamPreAndPostImages", new Document("enabled", true)));
      List<Document> docs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        docs.add(
            new Document("_id", "c" + i)
                .append("name", "Customer " + i)
                .append("active", i % 2 == 0)
                .append("deleted", i % 5 == 0)
                .append("internal_notes", "secret " + i)
                .append("cust_id", 1000 + i)
                .append(
                    "joined",
                    Date.from(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * i))));
      }
      db.getCollection("customers").insertMany(docs);
      long belonging =
          docs.stream().filter(d -> d.getBoolean("active") && !d.getBoolean("deleted")).count();

      Map<String, String> config = new LinkedHashMap<>();
      config.put("name", "verify-filtered");
      config.put("mongodb.uri", mongo.connectionString());
      config.put("mongodb.database", "shop");
      config.put("topic.prefix", "shop");
      config.put("collections", "customers");
      config.put("collection.customers.filter", "{\"deleted\": false, \"active\": true}");
      config.put("collection.customers.fields.exclude", "internal_notes");
      config.put("collection.customers.fields.rename", "cust_id:customer_ref");
      config.put("collection.customers.fields.convert", "joined:toISOString");
      config.put("ditto.endpoint", ditto.endpoint());
      config.put("ditto.api.key", ditto.apiKey());
      Path file = dir.resolve("source.properties");
      Properties props = new Properties();
      props.putAll(config);
      try (var w = Files.newBufferedWriter(file)) {
        props.store(w, null);
      }

      try (EmbeddedSync sync =
          EmbeddedSync.start(
              new EmbeddedSync.Options(
                  config,
                  dir.resolve("offsets.dat"),
                  dir.resolve("dead.jsonl"),
                  Duration.ofMillis(500)))) {
        assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync started");
        CliRun ok =
            CliRun.run(Map.of(), "", "verify", "-c", file.toString(), "--full", "--wait", "60");
        assertEquals(ExitCodes.OK, ok.exitCode(), ok::toString);
        assertTrue(
            ok.out().contains("customers")
                && ok.out().contains(belonging + "  OK (" + belonging + " sampled"),
            ok::toString);
        assertTrue(ok.out().contains("All collections match."), ok::toString);
        CliRun sampled = CliRun.run(Map.of(), "", "verify", "-c", file.toString(), "--sample", "5");
        assertEquals(ExitCodes.OK, sampled.exitCode(), sampled::toString);
      }

      try (DittoHttpClient dittoClient =
          new DittoHttpClient(
              new DittoHttpClient.Settings(
                  ditto.endpoint(),
                  ditto.apiKey(),
                  ApiVersion.V5,
                  Duration.ofSeconds(30),
                  new RetryPolicy(
                      Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)),
                  false))) {
        // The transformed shape is what Ditto holds (a sanity check of the test itself).
        Map<String, Object> c0 =
            dittoClient
                .execute("SELECT * FROM customers WHERE _id = :id", Map.of("id", "c4"))
                .items()
                .get(0);
        assertEquals(1004, ((Number) c0.get("customer_ref")).intValue(), c0::toString);
        assertEquals("2024-01-05T00:00:00.000Z", c0.get("joined"), c0::toString);
        assertTrue(!c0.containsKey("internal_notes") && !c0.containsKey("cust_id"), c0::toString);

        // An altered document: counts still equal, the full comparison finds it.
        dittoClient.execute(
            "UPDATE customers SET name = :n WHERE _id = :id", Map.of("n", "Tampered", "id", "c4"));
        CliRun altered = CliRun.run(Map.of(), "", "verify", "-c", file.toString(), "--full");
        assertEquals(ExitCodes.FAILED, altered.exitCode(), altered::toString);
        assertTrue(
            altered.out().contains("_id c4") && altered.out().contains("name"), altered::toString);
        assertTrue(altered.out().contains("1 collection(s) differ."), altered::toString);

        dittoClient.execute(
            "UPDATE customers SET name = :n WHERE _id = :id",
            Map.of("n", "Customer 4", "id", "c4"));
        assertEquals(
            ExitCodes.OK,
            CliRun.run(Map.of(), "", "verify", "-c", file.toString(), "--full").exitCode());

        // The connector's metadata (which source wrote the document) is not compared.
        dittoClient.execute(
            "UPDATE customers SET `_mongoditto` = :m WHERE _id = :id",
            Map.of("m", Map.of("source", "verify-filtered"), "id", "c4"));
        CliRun withMetadata = CliRun.run(Map.of(), "", "verify", "-c", file.toString(), "--full");
        assertEquals(ExitCodes.OK, withMetadata.exitCode(), withMetadata::toString);

        // An extra document (one the filter excludes, c1 is inactive): the count differs.
        dittoClient.execute(
            "INSERT INTO customers DOCUMENTS (:doc)",
            Map.of("doc", Map.of("_id", "c1", "name", "Customer 1")));
        CliRun extra = CliRun.run(Map.of(), "", "verify", "-c", file.toString());
        assertEquals(ExitCodes.FAILED, extra.exitCode(), extra::toString);
        assertTrue(
            extra.out().contains(belonging + " ")
                && extra.out().contains((belonging + 1) + "  MISMATCH"),
            extra::toString);
      }
    }
  }
}
