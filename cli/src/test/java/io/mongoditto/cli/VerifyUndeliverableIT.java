package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localmongo.LocalMongo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `verify` with a document Ditto cannot hold (a float _id, which the connector dead-letters): with
 * --full or --sample it skips and counts that document, says why, and still verifies everything
 * else (the issue: it aborted for every collection); counting only, it says where undeliverable
 * documents went.
 */
class VerifyUndeliverableIT {

  @TempDir Path dir;

  @Test
  void aFloatIdIsSkippedCountedAndExplainedNotAnAbort() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("shop");
      for (String c : List.of("customers", "orders")) {
        db.createCollection(c);
        db.runCommand(
            new Document("collMod", c)
                .append("changeStreamPreAndPostImages", new Document("enabled", true)));
      }
      db.getCollection("customers")
          .insertMany(
              List.of(
                  new Document("_id", "a").append("name", "A"),
                  new Document("_id", 1.5).append("name", "Float"),
                  new Document("_id", "b").append("name", "B")));
      db.getCollection("orders")
          .insertMany(List.of(new Document("_id", "o1").append("n", 1), new Document("_id", "o2")));

      Map<String, String> config = new LinkedHashMap<>();
      config.put("name", "verify-undeliverable");
      config.put("mongodb.uri", mongo.connectionString());
      config.put("mongodb.database", "shop");
      config.put("topic.prefix", "shop");
      config.put("collections", "customers,orders");
      config.put("errors.deadletterqueue.topic.name", "shop.ditto.dlq");
      config.put("ditto.endpoint", ditto.endpoint());
      config.put("ditto.api.key", ditto.apiKey());
      Path file = dir.resolve("source.properties");
      Properties props = new Properties();
      props.putAll(config);
      try (var w = Files.newBufferedWriter(file)) {
        props.store(w, null);
      }
      Path deadLetters = dir.resolve("dead.jsonl");
      try (EmbeddedSync sync =
          EmbeddedSync.start(
              new EmbeddedSync.Options(
                  config, dir.resolve("offsets.dat"), deadLetters, Duration.ofMillis(500)))) {
        assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync started");

        CliRun full =
            CliRun.run(Map.of(), "", "verify", "-c", file.toString(), "--full", "--wait", "60");
        assertEquals(ExitCodes.OK, full.exitCode(), full::toString);
        assertTrue(full.out().contains("skipped 1 document(s)"), full::toString);
        assertTrue(full.out().contains("_id 1.5: "), full::toString);
        assertTrue(full.out().matches("(?s).*\\norders +2 +2  OK \\(2 sampled.*"), full::toString);
        assertTrue(
            full.out().matches("(?s).*\\ncustomers +3 +2  OK \\(3 sampled.*"), full::toString);
        assertTrue(full.out().contains("shop.ditto.dlq"), full::toString);
        assertTrue(full.out().contains("All collections match."), full::toString);
        assertTrue(sync.deadLetters() >= 1, "the connector dead-lettered the float id");

        CliRun sampled =
            CliRun.run(Map.of(), "", "verify", "-c", file.toString(), "--sample", "10");
        assertEquals(ExitCodes.OK, sampled.exitCode(), sampled::toString);
        assertTrue(sampled.out().contains("skipped 1 document(s)"), sampled::toString);

        CliRun counts = CliRun.run(Map.of(), "", "verify", "-c", file.toString());
        assertEquals(ExitCodes.FAILED, counts.exitCode(), counts::toString);
        assertTrue(
            counts.out().matches("(?s).*\\ncustomers +3 +2  MISMATCH\\n.*"), counts::toString);
        assertTrue(
            counts.out().contains("Ditto holds 1 document(s) fewer than expected"),
            counts::toString);
        assertTrue(
            counts.out().contains("dead letter queue topic shop.ditto.dlq")
                && counts.out().contains("--dead-letters"),
            counts::toString);
        assertTrue(counts.out().matches("(?s).*\\norders +2 +2  OK\\n.*"), counts::toString);
        assertFalse(counts.err().contains("Floats"), counts::toString);
      }
    }
  }
}
