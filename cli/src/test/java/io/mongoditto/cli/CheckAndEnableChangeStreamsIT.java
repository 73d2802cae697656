package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.localmongo.LocalMongo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check / enable-change-streams / create-indexes against the local MongoDB. */
class CheckAndEnableChangeStreamsIT {

  @TempDir Path dir;
  private LocalMongo mongo;
  private MongoClient client;
  private Map<String, String> env;
  private String config;

  @BeforeEach
  void start() throws Exception {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
    MongoDatabase db = client.getDatabase("zava");
    db.getCollection("customers").insertOne(new Document("customer_id", 1).append("name", "Ada"));
    db.getCollection("categories").insertOne(new Document("name", "Tools"));
    env = Map.of("MONGODB_CONNECTION_STRING", mongo.connectionString(), "MONGODB_DATABASE", "zava");
    Path file = dir.resolve("source.json");
    Files.writeString(
        file,
        """
        {"name": "zava-retail-mongo", "config": {
          "collections": "customers,categories,product_embeddings",
          "collection.customers.id.mode": "single_field",
          "collection.customers.id.fields": "customer_id",
          "collection.categories.id.mode": "match_ids",
          "collection.product_embeddings.enabled": "false"}}
        """);
    config = file.toString();
  }

  @AfterEach
  void stop() {
    client.close();
    mongo.close();
  }

  @Test
  void checkFindsMissingPreImagesEnableFixesItThenCheckIsClean() {
    CliRun before = CliRun.run(env, "", "check", "-c", config);
    assertEquals(ExitCodes.FAILED, before.exitCode(), before::toString);
    assertTrue(
        Pattern.compile("ERROR\\s+customers\\s+change stream pre- and post-images are off")
            .matcher(before.out())
            .find(),
        before::toString);
    assertTrue(
        before
            .out()
            .contains(
                "db.runCommand({collMod: \"customers\", changeStreamPreAndPostImages: {enabled: true}})"),
        before::toString);
    assertTrue(before.out().contains("enable-change-streams"), before::toString);

    CliRun enable = CliRun.run(env, "", "enable-change-streams", "-c", config);
    assertEquals(ExitCodes.OK, enable.exitCode(), enable::toString);
    assertTrue(
        Pattern.compile("customers\\s+enabled").matcher(enable.out()).find(), enable::toString);
    assertTrue(
        Pattern.compile("categories\\s+enabled").matcher(enable.out()).find(), enable::toString);
    assertTrue(
        Pattern.compile("product_embeddings\\s+skipped").matcher(enable.out()).find(),
        enable::toString);

    CliRun after = CliRun.run(env, "", "check", "-c", config);
    assertEquals(ExitCodes.OK, after.exitCode(), after::toString);
    assertTrue(after.out().contains("OK: ready to sync"), after::toString);

    CliRun again = CliRun.run(env, "", "enable-change-streams", "-c", config);
    assertEquals(ExitCodes.OK, again.exitCode(), again::toString);
    assertTrue(
        Pattern.compile("customers\\s+already on").matcher(again.out()).find(), again::toString);
    assertTrue(again.out().contains("0 collection(s) changed"), again::toString);
  }

  @Test
  void missingCollectionIsAnErrorWithItsFix() {
    CliRun r = CliRun.run(env, "", "check", "-c", config, "--collections", "customers,orders");
    assertEquals(ExitCodes.FAILED, r.exitCode(), r::toString);
    assertTrue(
        Pattern.compile("ERROR\\s+orders\\s+does not exist").matcher(r.out()).find(), r::toString);

    CliRun enable =
        CliRun.run(env, "", "enable-change-streams", "-c", config, "--collections", "orders");
    assertEquals(ExitCodes.FAILED, enable.exitCode(), enable::toString);
    assertTrue(enable.out().contains("MISSING"), enable::toString);
  }

  @Test
  void createIndexesIndexesMappedIdFieldsOnce() {
    CliRun first = CliRun.run(env, "", "create-indexes", "-c", config);
    assertEquals(ExitCodes.OK, first.exitCode(), first::toString);
    assertTrue(
        first.out().contains("created unique index mongo_ditto_customer_id"), first::toString);
    assertTrue(
        Pattern.compile("categories\\s+match_ids").matcher(first.out()).find(), first::toString);
    boolean indexed = false;
    for (Document index : client.getDatabase("zava").getCollection("customers").listIndexes()) {
      indexed |=
          new Document("customer_id", 1).equals(index.get("key"))
              && Boolean.TRUE.equals(index.get("unique"));
    }
    assertTrue(indexed, "unique index on customer_id");

    CliRun second = CliRun.run(env, "", "create-indexes", "-c", config);
    assertEquals(ExitCodes.OK, second.exitCode(), second::toString);
    assertTrue(second.out().contains("already indexed"), second::toString);
  }
}
