package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localmongo.LocalMongo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `run --http-port 0` as its own process, as a user starts it: it prints the endpoint's address,
 * /health answers green with 200 and /metrics counts the synced documents; bad thresholds are
 * refused before anything starts.
 */
class RunHttpEndpointIT {

  private static final Pattern ADDRESS =
      Pattern.compile("Metrics: (http://[^/\\s]+)/metrics  Health: \\S+/health");

  @TempDir Path dir;

  @Test
  void runServesMetricsAndHealthOnTheGivenPort() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("shop");
      db.createCollection("items");
      for (int i = 0; i < 12; i++) {
        db.getCollection("items").insertOne(new Document("_id", "i" + i));
      }
      Path config = dir.resolve("run.properties");
      Files.writeString(
          config,
          String.join(
              "\n",
              "name=shop-sync",
              "mongodb.uri=" + mongo.connectionString(),
              "mongodb.database=shop",
              "topic.prefix=shop",
              "collections=items",
              "ditto.endpoint=" + ditto.endpoint(),
              "ditto.api.key=" + ditto.apiKey(),
              ""));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path log = dir.resolve("run.log");
      Process run =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  MongoDittoCli.class.getName(),
                  "run",
                  "-c",
                  config.toString(),
                  "--offsets",
                  dir.resolve("o.dat").toString(),
                  "--dead-letters",
                  dir.resolve("dl.jsonl").toString(),
                  "--http-port",
                  "0",
                  "--status-interval",
                  "0")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        String base = awaitAddress(log, run);
        HttpClient http = HttpClient.newHttpClient();
        String metrics = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Pattern upserted =
            Pattern.compile(
                "(?m)^mongoditto_documents_upserted_total\\{connector=\"shop-sync-sink\",task=\"0\",collection=\"items\"} 12$");
        while (!upserted.matcher(metrics).find() && System.nanoTime() < deadline) {
          Thread.sleep(200);
          metrics =
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
        }
        String seen = metrics;
        assertTrue(upserted.matcher(metrics).find(), () -> seen + "\n" + read(log));
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"state\" : \"green\""), health.body());
        HttpResponse<String> post =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/health"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
      } finally {
        run.destroy();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "run stops on SIGTERM");
      }
    }
  }

  @Test
  void thresholdsOutOfOrderAreRefused() {
    CliRun r =
        CliRun.run(
            "run",
            "--health-lag-yellow",
            "120",
            "--health-lag-red",
            "30",
            "--collections",
            "items");
    assertEquals(ExitCodes.FAILED, r.exitCode(), r::toString);
    assertTrue(r.err().contains("red lag threshold"), r::toString);
  }

  private static String awaitAddress(Path log, Process run) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && run.isAlive()) {
      Matcher m = ADDRESS.matcher(read(log));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no endpoint address printed:\n" + read(log));
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
