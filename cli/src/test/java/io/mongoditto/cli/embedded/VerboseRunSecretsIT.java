package io.mongoditto.cli.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.MongoDittoCli;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mongo-ditto -v run} as its own process, with secrets planted everywhere a user puts them:
 * the Ditto API key, the MongoDB URI's query string (a TLS key file password, an AWS session token)
 * and its password (with commas), the Ditto endpoint's user info, the Ditto CDC feed's store
 * passwords and a pass-through JAAS config (the runner syncs both directions). Every line the
 * runner prints, with our own logging at DEBUG, holds none of them: a sync that works, one whose
 * MongoDB login fails and one whose endpoint is refused.
 */
class VerboseRunSecretsIT {

  private static final String DITTO_KEY = "DittoKeySecret-7f3a";
  private static final String AWS_TOKEN = "AwsSessionTokenSecret-19c2";
  private static final String KEY_FILE_PASSWORD = "KeyFilePasswordSecret-5d8e";
  private static final String MONGO_PASSWORD = "Pw,with,commas-Secret-2b4f";
  private static final String ENDPOINT_PASSWORD = "EndpointPasswordSecret-0a1b";
  private static final String TRUSTSTORE_PASSWORD = "TruststorePasswordSecret-3c6d";
  private static final String KEYSTORE_PASSWORD = "KeystorePasswordSecret-8e9f";
  private static final String JAAS_PASSWORD = "JaasPasswordSecret-4a7b";
  private static final List<String> SECRETS =
      List.of(
          DITTO_KEY,
          AWS_TOKEN,
          KEY_FILE_PASSWORD,
          "Pw,with",
          "commas-Secret",
          ENDPOINT_PASSWORD,
          TRUSTSTORE_PASSWORD,
          KEYSTORE_PASSWORD,
          JAAS_PASSWORD);

  private LocalDitto ditto;

  @TempDir Path dir;

  @Test
  void aVerboseRunLogsNoSecretWhereverOneWasPlanted() throws Exception {
    // Both directions: the local Ditto's CDC feed on a broker in this JVM, read by the runner with
    // the Ditto CDC passwords planted too (PLAINTEXT: the stores are never opened).
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto =
            LocalDitto.start(
                LocalDitto.Options.defaults()
                    .withApiKey(DITTO_KEY)
                    .withCdc(CdcOptions.inProcessBroker()));
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      this.ditto = ditto;
      MongoDatabase db = client.getDatabase("shop");
      db.createCollection("orders");
      db.runCommand(
          new Document("collMod", "orders")
              .append("changeStreamPreAndPostImages", new Document("enabled", true)));
      for (int i = 0; i < 3; i++) {
        db.getCollection("orders").insertOne(new Document("_id", "o" + i).append("n", i));
      }
      Path config = dir.resolve("source.json");
      Files.writeString(
          config,
          "{\"name\": \"secrets\", \"config\": {\"collections\": \"orders\","
              + " \"topic.prefix\": \"shop\", \"mongodb.database\": \"shop\","
              + " \"mongodb.uri\": \"${env:MONGODB_CONNECTION_STRING}\","
              + " \"ditto.cdc.consumer.sasl.jaas.config\":"
              + " \"org.apache.kafka.common.security.plain.PlainLoginModule required"
              + " username=\\\"u\\\" password=\\\""
              + JAAS_PASSWORD
              + "\\\";\"}}");

      // 1. a sync that works, with secrets in the URI's query string and the Ditto key
      String uri =
          mongo.connectionString()
              + "&authMechanismProperties=AWS_SESSION_TOKEN:"
              + AWS_TOKEN
              + "&tlsCertificateKeyFilePassword="
              + KEY_FILE_PASSWORD;
      Process working = start(config, "working", uri, ditto.endpoint());
      LocalDittoClient reader = new LocalDittoClient(ditto);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (reader.select("orders").size() < 3
            && working.isAlive()
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertEquals(3, reader.select("orders").size(), () -> output("working"));
        // and a Ditto edit comes back through the CDC feed
        reader.execute("UPDATE orders SET n = 42 WHERE _id = 'o1'", Map.of());
        Awaitility.await("Ditto's edit in MongoDB")
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    !working.isAlive()
                        || Integer.valueOf(42)
                            .equals(
                                db.getCollection("orders")
                                    .find(new Document("_id", "o1"))
                                    .first()
                                    .get("n")));
        assertTrue(working.isAlive(), () -> output("working"));
      } finally {
        working.destroy(); // SIGTERM: the runner stops and logs its summary
        assertTrue(working.waitFor(60, TimeUnit.SECONDS));
      }
      assertNoSecret("working");
      assertTrue(output("working").contains("Ditto sink task of"), "verbose logs were written");
      assertTrue(
          output("working").contains("Ditto -> MongoDB: topic " + ditto.cdcTopic()),
          () -> output("working"));

      // 2. a MongoDB login that fails, the password holding commas
      String withPassword =
          mongo
              .connectionString()
              .replace(
                  "mongodb://",
                  "mongodb://app:"
                      + URLEncoder.encode(MONGO_PASSWORD, StandardCharsets.UTF_8)
                          .replace("%2C", ",")
                      + "@");
      Process login = start(config, "login", withPassword, ditto.endpoint());
      finish(login);
      assertNoSecret("login");

      // 3. an endpoint carrying user info, which the sink refuses
      Process endpoint =
          start(
              config,
              "endpoint",
              mongo.connectionString(),
              ditto.endpoint().replace("http://", "http://admin:" + ENDPOINT_PASSWORD + "@"));
      finish(endpoint);
      assertTrue(output("endpoint").contains("user info"), () -> output("endpoint"));
      assertNoSecret("endpoint");
    }
  }

  /** Waits for a run that is expected to end by itself; stops it if it does not. */
  private static void finish(Process p) throws InterruptedException {
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private void assertNoSecret(String run) {
    String out = output(run);
    for (String secret : SECRETS) {
      List<String> lines = out.lines().filter(l -> l.contains(secret)).toList();
      assertEquals(List.of(), lines, run + ": lines with a secret");
    }
  }

  private Process start(Path config, String name, String mongoUri, String dittoEndpoint)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx384m",
                // our own code at DEBUG, beyond what -v turns on
                "-Dorg.slf4j.simpleLogger.log.io.mongoditto=debug",
                "-cp",
                System.getProperty("java.class.path"),
                MongoDittoCli.class.getName(),
                "-v",
                "run",
                "-c",
                config.toString(),
                "--offsets",
                dir.resolve(name + ".offsets").toString(),
                "--dead-letters",
                dir.resolve(name + "-dead-letters.jsonl").toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment()
        .putAll(
            Map.of(
                "MONGODB_CONNECTION_STRING", mongoUri,
                "DITTO_CLOUD_ENDPOINT", dittoEndpoint,
                "DITTO_API_KEY", DITTO_KEY,
                "DITTO_CDC_BOOTSTRAP_SERVERS", ditto.cdcBootstrapServers(),
                "DITTO_CDC_TOPIC", ditto.cdcTopic(),
                "DITTO_CDC_SECURITY_PROTOCOL", "PLAINTEXT",
                "DITTO_CDC_SSL_TRUSTSTORE_LOCATION", dir.resolve("never-read.p12").toString(),
                "DITTO_CDC_SSL_TRUSTSTORE_PASSWORD", TRUSTSTORE_PASSWORD,
                "DITTO_CDC_SSL_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD));
    File log = dir.resolve(name + ".log").toFile();
    pb.redirectErrorStream(true).redirectOutput(log);
    return pb.start();
  }

  private String output(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (Exception e) {
      return "(no output: " + e + ")";
    }
  }
}
