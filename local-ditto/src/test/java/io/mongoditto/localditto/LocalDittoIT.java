package io.mongoditto.localditto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local Ditto speaks Ditto's HTTP API over the real engine; the proxy injects faults. */
class LocalDittoIT {

  private static LocalDitto ditto;
  private static LocalDittoClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    client = new LocalDittoClient(ditto);
  }

  @AfterAll
  static void stop() {
    ditto.close();
    assertFalse(ditto.isAlive());
  }

  private HttpResponse<String> post(String endpoint, String version, String key, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(endpoint + "/api/" + version + "/store/execute"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void upsertsSelectsAndAnswersInDittosShape() {
    Map<String, Object> r =
        client.execute(
            "INSERT INTO t1 DOCUMENTS (:docs) ON ID CONFLICT DO UPDATE",
            Map.of(
                "docs",
                List.of(
                    Map.of("_id", "a", "n", Map.of("p", 1)),
                    Map.of("_id", Map.of("s", "x", "k", 2), "v", true))));
    assertEquals("mutation", r.get("queryType"));
    assertEquals(2, ((List<?>) r.get("mutatedDocumentIds")).size());
    assertTrue(
        r.containsKey("transactionId")
            && r.containsKey("warnings")
            && r.containsKey("totalWarningsCount"));
    Map<Object, Map<String, Object>> docs = client.selectById("t1");
    assertEquals(Map.of("_id", "a", "n", Map.of("p", 1)), docs.get("a"));
    assertEquals(
        Map.of("_id", Map.of("s", "x", "k", 2), "v", true), docs.get(Map.of("k", 2, "s", "x")));
  }

  @Test
  void v5MergesNestedObjectsAndV4ReplacesThem() {
    String upsert = "INSERT INTO t2 DOCUMENTS (:d) ON ID CONFLICT DO UPDATE";
    client.execute("v5", upsert, Map.of("d", Map.of("_id", "v5", "n", Map.of("p", 1))));
    client.execute("v5", upsert, Map.of("d", Map.of("_id", "v5", "n", Map.of("q", 2))));
    client.execute("v4", upsert, Map.of("d", Map.of("_id", "v4", "n", Map.of("p", 1))));
    client.execute("v4", upsert, Map.of("d", Map.of("_id", "v4", "n", Map.of("q", 2))));
    Map<Object, Map<String, Object>> docs = client.selectById("t2");
    assertEquals(Map.of("p", 1, "q", 2), docs.get("v5").get("n"));
    assertEquals(Map.of("q", 2), docs.get("v4").get("n"));
  }

  @Test
  void rejectsMissingOrWrongKeysWith401() throws Exception {
    String body = "{\"statement\":\"SELECT * FROM t1\",\"args\":{}}";
    HttpResponse<String> none = post(ditto.endpoint(), "v5", null, body);
    HttpResponse<String> wrong = post(ditto.endpoint(), "v5", ditto.apiKey() + "x", body);
    assertEquals(401, none.statusCode());
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.body().contains("\"error\":{\"description\""), wrong.body());
  }

  @Test
  void errorsAreAnsweredAfterTheWholeRequestBodyIsRead() throws Exception {
    // Answered while the client was still sending, the JDK client sometimes never saw the answer.
    String big =
        "{\"statement\":\"SELECT * FROM t1\",\"args\":{\"x\":\"" + "y".repeat(3_000_000) + "\"}}";
    String small = "{\"statement\":\"SELECT * FROM t1\",\"args\":{}}";
    for (int i = 0; i < 100; i++) {
      assertEquals(401, post(ditto.endpoint(), "v5", "wrong", big).statusCode());
      assertEquals(401, post(ditto.endpoint(), "v5", null, small).statusCode());
    }
  }

  @Test
  void invalidDqlAndOversizedDocumentsAre400WithTheEngineText() throws Exception {
    HttpResponse<String> bad =
        post(ditto.endpoint(), "v5", ditto.apiKey(), "{\"statement\":\"SELEC * FROM t1\"}");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("DQL parser error"), bad.body());

    String big = "x".repeat(5 * 1024 * 1024 + 1);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                client.execute(
                    "INSERT INTO t3 DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
                    Map.of("d", Map.of("_id", "big", "s", big))));
    assertTrue(
        e.getMessage().startsWith("HTTP 400")
            && e.getMessage().contains("exceeds limit of 5242880 bytes"),
        e.getMessage());
    assertTrue(client.select("t3").isEmpty());
  }

  @Test
  void faultProxyInjectsStatusesDropsHangsAndRejections() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(ditto.endpoint())) {
      String select = "{\"statement\":\"SELECT * FROM t1\",\"args\":{}}";
      assertEquals(200, post(proxy.endpoint(), "v5", ditto.apiKey(), select).statusCode());

      proxy.respondWith(429, Duration.ofSeconds(3));
      HttpResponse<String> limited = post(proxy.endpoint(), "v5", ditto.apiKey(), select);
      assertEquals(429, limited.statusCode());
      assertEquals("3", limited.headers().firstValue("Retry-After").orElseThrow());

      proxy.dropConnections();
      assertThrows(
          java.io.IOException.class, () -> post(proxy.endpoint(), "v5", ditto.apiKey(), select));

      proxy.hang();
      HttpRequest hung =
          HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/api/v5/store/execute"))
              .timeout(Duration.ofMillis(300))
              .header("Authorization", "Bearer " + ditto.apiKey())
              .POST(HttpRequest.BodyPublishers.ofString(select))
              .build();
      assertThrows(
          java.net.http.HttpTimeoutException.class,
          () -> http.send(hung, HttpResponse.BodyHandlers.ofString()));

      proxy.rejectContaining("POISON");
      assertEquals(
          400,
          post(
                  proxy.endpoint(),
                  "v5",
                  ditto.apiKey(),
                  "{\"statement\":\"SELECT * FROM t1 WHERE _id = 'POISON'\"}")
              .statusCode());
      assertEquals(200, post(proxy.endpoint(), "v5", ditto.apiKey(), select).statusCode());

      proxy.delay(Duration.ofMillis(400));
      long start = System.nanoTime();
      assertEquals(200, post(proxy.endpoint(), "v5", ditto.apiKey(), select).statusCode());
      assertTrue(System.nanoTime() - start >= 400_000_000L, "delayed");

      proxy.clear();
      assertEquals(200, post(proxy.endpoint(), "v5", ditto.apiKey(), select).statusCode());
      assertEquals(5, proxy.faultedCount());
      assertEquals(8, proxy.requestCount());
    }
  }
}
