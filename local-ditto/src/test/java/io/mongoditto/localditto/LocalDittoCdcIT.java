package io.mongoditto.localditto;

import static io.mongoditto.localditto.CdcTopicReader.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongoditto.localditto.CdcTopicReader.Received;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local Ditto's CDC feed on the real engine and a real (in-process) broker: the events on the
 * topic are Ditto cloud's, one per changed document, numbered like the HTTP API's transactions.
 */
class LocalDittoCdcIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static LocalDitto ditto;
  private static LocalDittoClient client;
  private static CdcTopicReader topic;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    ditto =
        LocalDitto.start(
            LocalDitto.Options.defaults()
                .withCdc(
                    CdcOptions.inProcessBroker()
                        .withTopic("cdc-it")
                        .withFilter("orders", "status != 'draft'")
                        .withFilter("secret", "false")));
    client = new LocalDittoClient(ditto);
    topic = new CdcTopicReader(ditto.cdcBootstrapServers(), ditto.cdcTopic());
  }

  @AfterAll
  static void stop() {
    if (topic != null) {
      topic.close();
    }
    if (ditto != null) {
      ditto.close();
    }
  }

  static long txn(Map<String, Object> response) {
    return ((Number) response.get("transactionId")).longValue();
  }

  private static void assertEvent(String expected, Received actual) throws Exception {
    assertEquals(JSON.readTree(expected), actual.event(), actual.value());
  }

  private HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(ditto.endpoint() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> execute(String statement, Map<String, String> headers)
      throws Exception {
    Map<String, String> all = new HashMap<>(headers);
    all.put("Authorization", "Bearer " + ditto.apiKey());
    return post(
        "/api/v5/store/execute", JSON.writeValueAsString(Map.of("statement", statement)), all);
  }

  private long currentTxn() {
    return txn(client.execute("SELECT * FROM nothing_here", Map.of()));
  }

  @Test
  void insertsUpdatesUnsetsAndDeletesAreTheCloudsEventsWithWholeValues() throws Exception {
    long t1 =
        txn(
            client.execute(
                "INSERT INTO shapes DOCUMENTS (:d)",
                Map.of("d", Map.of("_id", "a", "n", Map.of("p", 1), "tags", List.of(1, 2)))));
    long t2 =
        txn(
            client.execute(
                "INSERT INTO shapes DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
                Map.of("d", Map.of("_id", "a", "n", Map.of("q", 2)))));
    long t3 =
        txn(
            client.execute(
                "UPDATE shapes SET n.r = :r, tags = :t WHERE _id = :id",
                Map.of("r", 3, "t", List.of(9), "id", "a")));
    long t4 = txn(client.execute("UPDATE shapes UNSET n.p WHERE _id = :id", Map.of("id", "a")));
    long t5 = txn(client.execute("DELETE FROM shapes WHERE _id = :id", Map.of("id", "a")));

    List<Received> events = topic.until("shapes", l -> l.size() >= 5, WAIT, "5 events of shapes");
    assertEquals(5, events.size());
    assertEvent(
        "{\"txnId\":"
            + t1
            + ",\"type\":\"documentChanged\",\"collection\":\"shapes\",\"change\":{\"method\":\"upsert\","
            + "\"oldValue\":null,\"newValue\":{\"_id\":\"a\",\"n\":{\"p\":1},\"tags\":[1,2]}}}",
        events.get(0));
    // v5 merges a nested object key by key; the event holds the whole document either side
    assertEvent(
        "{\"txnId\":"
            + t2
            + ",\"type\":\"documentChanged\",\"collection\":\"shapes\",\"change\":{\"method\":\"upsert\","
            + "\"oldValue\":{\"_id\":\"a\",\"n\":{\"p\":1},\"tags\":[1,2]},"
            + "\"newValue\":{\"_id\":\"a\",\"n\":{\"p\":1,\"q\":2},\"tags\":[1,2]}}}",
        events.get(1));
    assertEvent(
        "{\"txnId\":"
            + t3
            + ",\"type\":\"documentChanged\",\"collection\":\"shapes\",\"change\":{\"method\":\"upsert\","
            + "\"oldValue\":{\"_id\":\"a\",\"n\":{\"p\":1,\"q\":2},\"tags\":[1,2]},"
            + "\"newValue\":{\"_id\":\"a\",\"n\":{\"p\":1,\"q\":2,\"r\":3},\"tags\":[9]}}}",
        events.get(2));
    assertEvent(
        "{\"txnId\":"
            + t4
            + ",\"type\":\"documentChanged\",\"collection\":\"shapes\",\"change\":{\"method\":\"upsert\","
            + "\"oldValue\":{\"_id\":\"a\",\"n\":{\"p\":1,\"q\":2,\"r\":3},\"tags\":[9]},"
            + "\"newValue\":{\"_id\":\"a\",\"n\":{\"q\":2,\"r\":3},\"tags\":[9]}}}",
        events.get(3));
    assertEvent(
        "{\"txnId\":"
            + t5
            + ",\"type\":\"documentChanged\",\"collection\":\"shapes\",\"change\":{\"method\":\"remove\","
            + "\"value\":{\"_id\":\"a\",\"n\":{\"q\":2,\"r\":3},\"tags\":[9]}}}",
        events.get(4));
    for (Received r : events) {
      assertEquals("{\"collection\":\"shapes\",\"_id\":\"a\"}", r.key());
      assertEquals(events.get(0).partition(), r.partition());
    }
  }

  @Test
  void aStatementsEventsShareItsTransactionIdAndTransactionIdsStrictlyIncrease() {
    List<Map<String, Object>> docs =
        List.of(
            Map.of("_id", "s", "v", 1),
            Map.of("_id", 7, "v", 1),
            Map.of("_id", Map.of("s", "x", "k", 2), "v", 1));
    long created = txn(client.execute("INSERT INTO multi DOCUMENTS (:docs)", Map.of("docs", docs)));
    // ids of three kinds, all existing: each event needs its document's old value
    long updated =
        txn(
            client.execute(
                "INSERT INTO multi DOCUMENTS (:docs) ON ID CONFLICT DO UPDATE",
                Map.of(
                    "docs", docs.stream().map(d -> Map.of("_id", d.get("_id"), "v", 2)).toList())));
    long deleted = txn(client.execute("DELETE FROM multi WHERE v = 2", Map.of()));
    assertTrue(created < updated && updated < deleted, created + " < " + updated + " < " + deleted);
    assertEquals(deleted, currentTxn(), "a read answers with the current transaction id");

    List<Received> events = topic.until("multi", l -> l.size() >= 9, WAIT, "9 events of multi");
    assertEquals(9, events.size());
    Map<Long, List<Received>> byTxn =
        events.stream().collect(Collectors.groupingBy(Received::txnId));
    assertEquals(Set.of(created, updated, deleted), byTxn.keySet());
    Set<String> keys =
        Set.of(
            "{\"collection\":\"multi\",\"_id\":\"s\"}",
            "{\"collection\":\"multi\",\"_id\":7}",
            "{\"collection\":\"multi\",\"_id\":{\"k\":2,\"s\":\"x\"}}");
    for (long t : byTxn.keySet()) {
      assertEquals(
          keys, byTxn.get(t).stream().map(Received::key).collect(Collectors.toSet()), "txn " + t);
    }
    for (Received r : byTxn.get(updated)) {
      JsonNode change = r.event().path("change");
      assertEquals(1, change.path("oldValue").path("v").asInt(), r.value());
      assertEquals(2, change.path("newValue").path("v").asInt(), r.value());
    }
    byTxn
        .get(deleted)
        .forEach(r -> assertEquals("remove", r.event().path("change").path("method").asText()));
  }

  @Test
  void anUpsertThatChangesNothingEmitsNothingAndTakesNoTransactionId() {
    Map<String, Object> doc = Map.of("_id", "same", "v", 1, "n", Map.of("p", 1));
    long first =
        txn(
            client.execute(
                "INSERT INTO noop DOCUMENTS (:d) ON ID CONFLICT DO UPDATE", Map.of("d", doc)));
    assertEquals(
        first,
        txn(
            client.execute(
                "INSERT INTO noop DOCUMENTS (:d) ON ID CONFLICT DO UPDATE", Map.of("d", doc))));
    assertEquals(first, txn(client.execute("UPDATE noop SET v = 1 WHERE _id = 'same'", Map.of())));
    assertEquals(first, txn(client.execute("DELETE FROM noop WHERE _id = 'absent'", Map.of())));
    long marker =
        txn(
            client.execute(
                "INSERT INTO noop DOCUMENTS (:d)", Map.of("d", Map.of("_id", "marker"))));
    assertEquals(first + 1, marker);

    List<Received> events =
        topic.until("noop", l -> l.stream().anyMatch(r -> r.txnId() == marker), WAIT, "the marker");
    assertEquals(List.of(first, marker), events.stream().map(Received::txnId).toList());
  }

  @Test
  void dataBridgeFiltersSelectUpsertsByTheNewValueAndRemovesByTheRemovedValue() throws Exception {
    long both =
        txn(
            client.execute(
                "INSERT INTO orders DOCUMENTS (:a), (:b)",
                Map.of(
                    "a",
                    Map.of("_id", "o1", "status", "draft"),
                    "b",
                    Map.of("_id", "o2", "status", "paid"))));
    long paid = txn(client.execute("UPDATE orders SET status = 'paid' WHERE _id = 'o1'", Map.of()));
    long drafted =
        txn(client.execute("UPDATE orders SET status = 'draft' WHERE _id = 'o2'", Map.of()));
    long removed =
        txn(
            client.execute(
                "DELETE FROM orders WHERE _id IN :ids", Map.of("ids", List.of("o1", "o2"))));
    long hidden =
        txn(client.execute("INSERT INTO secret DOCUMENTS (:d)", Map.of("d", Map.of("_id", "s1"))));
    long unlisted =
        txn(client.execute("INSERT INTO open DOCUMENTS (:d)", Map.of("d", Map.of("_id", "x1"))));
    // changes a filter hides are still transactions
    assertEquals(
        List.of(both + 1, both + 2, both + 3, both + 4, both + 5),
        List.of(paid, drafted, removed, hidden, unlisted));

    List<Received> all =
        topic.until(
            l -> l.stream().anyMatch(r -> r.txnId() == unlisted),
            WAIT,
            "the unlisted collection's event");
    List<Received> orders = CdcTopicReader.of("orders", all);
    assertEquals(3, orders.size(), orders.toString());
    assertEvent(
        "{\"txnId\":"
            + both
            + ",\"type\":\"documentChanged\",\"collection\":\"orders\",\"change\":{\"method\":\"upsert\","
            + "\"oldValue\":null,\"newValue\":{\"_id\":\"o2\",\"status\":\"paid\"}}}",
        orders.get(0));
    assertEvent(
        "{\"txnId\":"
            + paid
            + ",\"type\":\"documentChanged\",\"collection\":\"orders\",\"change\":{\"method\":\"upsert\","
            + "\"oldValue\":{\"_id\":\"o1\",\"status\":\"draft\"},\"newValue\":{\"_id\":\"o1\",\"status\":\"paid\"}}}",
        orders.get(1));
    assertEvent(
        "{\"txnId\":"
            + removed
            + ",\"type\":\"documentChanged\",\"collection\":\"orders\",\"change\":{\"method\":\"remove\","
            + "\"value\":{\"_id\":\"o1\",\"status\":\"paid\"}}}",
        orders.get(2));
    assertEquals(List.of(), CdcTopicReader.of("secret", all));
    assertEquals(1, CdcTopicReader.of("open", all).size());
  }

  @Test
  void theRequeryEndpointAppendsARequeryRequiredEventOnPartitionZero() throws Exception {
    client.execute("INSERT INTO rq DOCUMENTS (:d)", Map.of("d", Map.of("_id", "r")));
    long current = currentTxn();
    assertEquals(401, post("/local-ditto/cdc/requery", "", Map.of()).statusCode());
    HttpResponse<String> answer =
        post("/local-ditto/cdc/requery", "", Map.of("Authorization", "Bearer " + ditto.apiKey()));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(current, JSON.readTree(answer.body()).path("txnId").asLong());

    List<Received> all =
        topic.until(
            l ->
                l.stream()
                    .anyMatch(
                        r ->
                            r.event().path("type").asText().equals("requeryRequired")
                                && r.txnId() == current),
            WAIT,
            "the requeryRequired event");
    Received requery =
        all.stream()
            .filter(r -> r.event().path("type").asText().equals("requeryRequired"))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertEquals(
        "{\"txnId\":" + current + ",\"type\":\"requeryRequired\",\"documents\":[]}",
        requery.value());
    assertEquals(0, requery.partition());
    assertNull(requery.key());
  }

  @Test
  void xDittoTxnIdAboveTheCurrentTransactionIs404AndAtOrBelowIt200() throws Exception {
    long current =
        txn(
            client.execute(
                "INSERT INTO rw DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
                Map.of("d", Map.of("_id", "w", "at", System.nanoTime()))));
    String select = "SELECT * FROM rw";
    HttpResponse<String> ahead =
        execute(select, Map.of("X-DITTO-TXN-ID", Long.toString(current + 1)));
    assertEquals(404, ahead.statusCode(), ahead.body());
    JsonNode error = JSON.readTree(ahead.body());
    assertEquals("unknown", error.path("queryType").asText());
    assertTrue(
        error.path("error").path("description").asText().contains(Long.toString(current + 1)),
        ahead.body());
    assertEquals(
        200, execute(select, Map.of("X-DITTO-TXN-ID", Long.toString(current))).statusCode());
    assertEquals(200, execute(select, Map.of("X-DITTO-TXN-ID", "0")).statusCode());
  }

  @Test
  void statementsTheFeedCannotObserveAre400AndChangeNothing() throws Exception {
    client.execute(
        "INSERT INTO unobserved DOCUMENTS (:d)", Map.of("d", Map.of("_id", "kept", "v", 1)));
    long before = currentTxn();
    for (String statement :
        List.of(
            "EVICT FROM unobserved WHERE _id = 'kept'",
            "INSERT INTO unobserved DOCUMENTS ({\"_id\": \"kept\", \"v\": 2}) ON ID CONFLICT DO UPDATE",
            "INSERT INTO unobserved SELECT * FROM multi ON ID CONFLICT DO UPDATE")) {
      HttpResponse<String> answer = execute(statement, Map.of());
      assertEquals(400, answer.statusCode(), answer.body());
      assertTrue(
          answer.body().contains("supported mutations: INSERT INTO <c> DOCUMENTS (:param"),
          answer.body());
    }
    assertEquals(before, currentTxn());
    assertEquals(List.of(Map.of("_id", "kept", "v", 1)), client.select("unobserved"));
    // a literal document is observable when the INSERT can only create documents
    long literal =
        txn(client.execute("INSERT INTO unobserved DOCUMENTS ({\"_id\": \"lit\"})", Map.of()));
    assertEquals(before + 1, literal);
    List<Received> events =
        topic.until(
            "unobserved",
            l -> l.stream().anyMatch(r -> r.txnId() == literal),
            WAIT,
            "the literal insert");
    assertEquals(2, events.size(), events.toString());
    assertEquals("lit", events.get(1).id().asText());
  }
}
