package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.cli.ops.HealthMonitor;
import io.mongoditto.cli.ops.HealthThresholds;
import io.mongoditto.cli.ops.OpsServer;
import io.mongoditto.localditto.FaultProxy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localmongo.LocalMongo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded runner's HTTP endpoint against the real source and sink tasks, the local MongoDB and
 * the local Ditto: after a known workload /metrics holds the exact counts under the JMX exporter's
 * names; with Ditto answering 503 the lag grows and /health turns yellow, then red (HTTP 503), and
 * green again once Ditto is back; rejected documents push the error rate over the threshold.
 */
class OpsEndpointIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Map<String, String> settings(
      LocalMongo mongo, String dittoEndpoint, String apiKey) {
    Map<String, String> s = new HashMap<>();
    s.put("name", "ops");
    s.put("mongodb.uri", mongo.connectionString());
    s.put("mongodb.database", "shop");
    s.put("topic.prefix", "shop");
    s.put("collections", "items");
    s.put("ditto.endpoint", dittoEndpoint);
    s.put("ditto.api.key", apiKey);
    s.put("ditto.retry.backoff.ms", "100");
    s.put("ditto.retry.backoff.max.ms", "300");
    s.put("ditto.retry.max.duration.ms", "120000");
    return s;
  }

  private static MongoCollection<Document> items(MongoClient client) {
    MongoDatabase db = client.getDatabase("shop");
    db.createCollection("items");
    db.runCommand(
        new Document("collMod", "items")
            .append("changeStreamPreAndPostImages", new Document("enabled", true)));
    return db.getCollection("items");
  }

  @Test
  void metricsCountAKnownWorkload() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoCollection<Document> items = items(client);
      List<Document> docs = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        docs.add(new Document("_id", "i" + i).append("n", i).append("tag", "t"));
      }
      items.insertMany(docs);
      Map<String, String> settings = settings(mongo, ditto.endpoint(), ditto.apiKey());
      // Heartbeats (and the copy's start marker) travel on the heartbeat topic: never to Ditto.
      settings.put("heartbeat.interval.ms", "100");
      try (EmbeddedSync sync = start(settings);
          OpsServer ops =
              OpsServer.start(
                  "127.0.0.1",
                  0,
                  sync,
                  new HealthMonitor(
                      sync,
                      settings,
                      Settings.of(settings).collectionsSyncedToDitto(),
                      HealthThresholds.DEFAULTS))) {
        awaitApplied(sync, 30);
        Thread.sleep(500); // idle: heartbeats flow
        for (int i = 0; i < 10; i++) {
          items.updateOne(Filters.eq("_id", "i" + i), Updates.set("n", 100 + i));
        }
        for (int i = 10; i < 15; i++) {
          items.deleteOne(Filters.eq("_id", "i" + i));
        }
        for (int i = 30; i < 35; i++) {
          items.insertOne(new Document("_id", "i" + i).append("n", i));
        }
        awaitApplied(sync, 50);

        HttpResponse<String> metrics = get(ops.url() + "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(
            metrics
                .headers()
                .firstValue("Content-Type")
                .orElse("")
                .startsWith("text/plain; version=0.0.4"));
        String body = metrics.body();
        String sink = "{connector=\"ops-sink\",task=\"0\",collection=\"items\"}";
        String source = "{connector=\"ops-source\",task=\"0\",collection=\"items\"}";
        assertEquals(50, value(body, "mongoditto_records_total" + sink), body);
        assertEquals(45, value(body, "mongoditto_documents_upserted_total" + sink), body);
        assertEquals(5, value(body, "mongoditto_documents_deleted_total" + sink), body);
        assertEquals(0, value(body, "mongoditto_errors_total" + sink), body);
        assertTrue(value(body, "mongoditto_requests_total" + sink) >= 1, body);
        assertTrue(value(body, "mongoditto_sync_lag_ms" + sink) >= 0, body);
        assertEquals(50, value(body, "mongoditto_records_total" + source), body);
        assertEquals(30, value(body, "mongoditto_snapshot_copied_total" + source), body);
        assertEquals(10, value(body, "mongoditto_update_events_total" + source), body);
        assertEquals(5, value(body, "mongoditto_delete_events_total" + source), body);
        assertEquals(5, value(body, "mongoditto_insert_events_total" + source), body);
        assertEquals(2, value(body, "mongoditto_state" + source), body); // streaming
        assertEquals(100, value(body, "mongoditto_snapshot_percent" + source), body);
        assertTrue(body.contains("# TYPE mongoditto_records_total counter"), body);
        assertTrue(body.contains("# TYPE mongoditto_sync_lag_ms gauge"), body);
        assertTrue(
            !body.contains("state_name"),
            "text gauges are left out, as the JMX exporter leaves them out");
        assertEquals(0, value(body, "mongoditto_health_state"), body);
        assertEquals(0, sync.deadLetters(), "nothing dead-lettered (heartbeats are not documents)");
        assertEquals(Map.of("items", 50L), sync.stats().applied());

        HttpResponse<String> health = get(ops.url() + "/health");
        assertEquals(200, health.statusCode(), health.body());
        JsonNode h = JSON.readTree(health.body());
        assertEquals("green", h.get("state").asText(), health.body());
        assertEquals("streaming", h.at("/collections/items/phase").asText(), health.body());
        assertEquals(50, h.at("/collections/items/records").asLong(), health.body());
        assertEquals(60.0, h.at("/thresholds/lag_yellow_seconds").asDouble(), health.body());
      }
    }
  }

  @Test
  void healthTurnsYellowThenRedWhileDittoIsDownAndGreenWhenItIsBack() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        FaultProxy proxy = FaultProxy.start(ditto.endpoint());
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoCollection<Document> items = items(client);
      items.insertOne(new Document("_id", "first"));
      Map<String, String> settings = settings(mongo, proxy.endpoint(), ditto.apiKey());
      HealthThresholds thresholds =
          new HealthThresholds(Duration.ofSeconds(2), Duration.ofSeconds(5), 0.01, 0.05);
      try (EmbeddedSync sync = start(settings);
          OpsServer ops =
              OpsServer.start(
                  "127.0.0.1",
                  0,
                  sync,
                  new HealthMonitor(
                      sync,
                      settings,
                      Settings.of(settings).collectionsSyncedToDitto(),
                      thresholds))) {
        awaitApplied(sync, 1);
        assertEquals(
            "green", JSON.readTree(get(ops.url() + "/health").body()).get("state").asText());

        proxy.respondWith(503, null);
        items.insertOne(new Document("_id", "while-down"));
        JsonNode yellow = awaitState(ops, "yellow", 200, Duration.ofSeconds(30));
        assertTrue(yellow.at("/collections/items/lag_seconds").asDouble() >= 2, yellow::toString);
        assertTrue(
            yellow.get("reasons").get(0).asText().startsWith("items: lag"), yellow::toString);
        JsonNode red = awaitState(ops, "red", 503, Duration.ofSeconds(30));
        assertTrue(red.at("/collections/items/lag_seconds").asDouble() >= 5, red::toString);
        assertTrue(
            red.get("running").asBoolean(), "red from the lag, not from a stopped sync: " + red);
        assertTrue(get(ops.url() + "/metrics").body().contains("mongoditto_health_state 2"));

        proxy.clear();
        awaitApplied(sync, 2);
        // The late batch's lag counts for the yellow threshold's duration, then the collection is
        // caught up.
        awaitState(ops, "green", 200, Duration.ofSeconds(30));
      }
    }
  }

  @Test
  void rejectedDocumentsPushTheErrorRateOverTheThreshold() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        FaultProxy proxy = FaultProxy.start(ditto.endpoint());
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoCollection<Document> items = items(client);
      Map<String, String> settings = settings(mongo, proxy.endpoint(), ditto.apiKey());
      settings.put("errors.tolerance", "all");
      items.insertOne(new Document("_id", "first"));
      try (EmbeddedSync sync = start(settings);
          OpsServer ops =
              OpsServer.start(
                  "127.0.0.1",
                  0,
                  sync,
                  new HealthMonitor(
                      sync,
                      settings,
                      Settings.of(settings).collectionsSyncedToDitto(),
                      HealthThresholds.DEFAULTS))) {
        awaitApplied(
            sync, 1); // the copy is over: what follows arrives once, through the change stream
        assertEquals(
            "green", JSON.readTree(get(ops.url() + "/health").body()).get("state").asText());
        proxy.rejectContaining("POISON");
        for (int i = 0; i < 9; i++) {
          items.insertOne(new Document("_id", "ok" + i));
        }
        items.insertOne(new Document("_id", "bad").append("note", "POISON"));
        awaitApplied(sync, 11);
        JsonNode red = awaitState(ops, "red", 503, Duration.ofSeconds(30));
        assertTrue(red.at("/collections/items/error_rate").asDouble() > 0.05, red::toString);
        assertTrue(red.at("/collections/items/dead_lettered").asLong() >= 1, red::toString);
        assertTrue(red.get("reasons").toString().contains("error rate"), red::toString);
      }
    }
  }

  private EmbeddedSync start(Map<String, String> settings) throws InterruptedException {
    EmbeddedSync sync =
        EmbeddedSync.start(
            new EmbeddedSync.Options(
                settings,
                dir.resolve("offsets.dat"),
                dir.resolve("dead.jsonl"),
                Duration.ofMillis(500)));
    assertTrue(sync.awaitStarted(Duration.ofSeconds(60)), "the sync started");
    return sync;
  }

  private static void awaitApplied(EmbeddedSync sync, long n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (sync.stats().applied("items") < n && System.nanoTime() < deadline && sync.isRunning()) {
      Thread.sleep(50);
    }
    assertEquals(n, sync.stats().applied("items"), "records applied to Ditto");
  }

  private static JsonNode awaitState(OpsServer ops, String state, int status, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<String> r;
    do {
      r = get(ops.url() + "/health");
      JsonNode node = JSON.readTree(r.body());
      if (state.equals(node.get("state").asText())) {
        assertEquals(status, r.statusCode(), r.body());
        return node;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("health never turned " + state + ": " + r.body());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double value(String body, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
    assertTrue(m.find(), () -> series + " missing from\n" + body);
    return Double.parseDouble(m.group(1));
  }
}
