package io.mongoditto.sink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import io.mongoditto.localditto.FaultProxy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's error paths on a real Connect cluster, with the fault proxy between it and the real
 * Ditto engine. The outage length is {@code -Dsink.fault.outage.seconds} (default 6; the acceptance
 * run uses 30).
 */
class DittoSinkFaultIT {

  private static final int OUTAGE_SECONDS = Integer.getInteger("sink.fault.outage.seconds", 6);

  /**
   * An outage longer than the consumer's poll interval of the test below (15 s); {@code
   * -Dsink.fault.long.outage.seconds=250} outlasts the old default retry deadline (240 s) too.
   */
  private static final int LONG_OUTAGE_SECONDS =
      Integer.getInteger("sink.fault.long.outage.seconds", 20);

  private static LocalDitto ditto;
  private static ConnectHarness harness;
  private static LocalDittoClient reader;
  private FaultProxy proxy;
  private final List<String> connectors = new ArrayList<>();

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    reader = new LocalDittoClient(ditto);
    harness = new ConnectHarness("ditto-sink-faults");
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    ditto.close();
  }

  @BeforeEach
  void startProxy() {
    proxy = FaultProxy.start(ditto.endpoint());
  }

  @AfterEach
  void cleanUp() {
    connectors.forEach(harness.connect::deleteConnector);
    proxy.close();
  }

  private Map<String, String> props(String topic) {
    Map<String, String> p = ConnectHarness.sinkProps(topic, proxy.endpoint(), ditto.apiKey());
    p.put(DittoSinkConfig.RETRY_BACKOFF_MS, "200");
    p.put(DittoSinkConfig.RETRY_BACKOFF_MAX_MS, "2000");
    return p;
  }

  /**
   * Creates the connector. Validation probes Ditto, so faults are injected afterwards (a task
   * starting into an unavailable Ditto only warns).
   */
  private void run(String name, Map<String, String> props) {
    connectors.add(name);
    harness.connect.configureConnector(name, props);
  }

  private static Map<String, Object> doc(String id, int n) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("_id", id);
    d.put("n", (long) n);
    d.put("nested", new LinkedHashMap<>(Map.of("k", "v" + n)));
    return d;
  }

  /**
   * Sends {@code count} upserts to {@code topic}/{@code collection}; returns the expected
   * documents.
   */
  private List<Map<String, Object>> sendDocs(
      String topic, String collection, String prefix, int count) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> d = doc(prefix + i, i);
      docs.add(d);
      harness.send(
          topic, DittoChange.upsert(collection, d.get("_id"), d, List.of(), true, 0, null));
    }
    return docs;
  }

  private void awaitFaulted(int atLeast) {
    await()
        .atMost(Duration.ofSeconds(OUTAGE_SECONDS * 4L))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> proxy.faultedCount() >= atLeast);
  }

  private void awaitDitto(String collection, List<Map<String, Object>> expected, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> assertEquals(Docs.byId(expected), Docs.byId(reader.select(collection))));
  }

  @Test
  void anOutageOf503And429ThenRecoveryLosesNothing() throws Exception {
    harness.connect.kafka().createTopic("f.outage", 2);
    Map<String, String> p = props("f.outage");
    p.put(DittoSinkConfig.RETRY_MAX_DURATION_MS, "1500");
    run("outage", p);
    proxy.respondWith(503, null);
    List<Map<String, Object>> docs = sendDocs("f.outage", "outage", "o", 200);
    // each kind of outage lasts until the sink has met it twice (a retry, not just a first try)
    awaitFaulted(2);
    int after503 = proxy.faultedCount();
    proxy.respondWith(429, Duration.ofSeconds(1));
    awaitFaulted(after503 + 2);
    int faulted = proxy.faultedCount();
    assertTrue(reader.select("outage").isEmpty(), "nothing got through during the outage");
    proxy.clear();
    awaitDitto("outage", docs, Duration.ofSeconds(60));
    assertTrue(faulted >= 3, "the sink kept retrying during the outage: " + faulted);
    assertEquals("RUNNING", harness.taskState("outage"));
  }

  @Test
  void invalidRecordsGoToTheDeadLetterTopicWhileTheirBatchNeighboursAreApplied() {
    harness.connect.kafka().createTopic("f.dlq", 1);
    List<Map<String, Object>> good = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      if (i == 7) {
        // the real engine refuses float ids
        harness.send(
            "f.dlq",
            DittoChange.upsert("dlq", 2.5, Map.of("_id", 2.5, "n", 1L), List.of(), false, 0, null));
      } else if (i == 19) {
        Map<String, Object> d = doc("bad-" + i, i);
        d.put("note", "POISON-PILL"); // rejected with a 400 by the proxy
        harness.send("f.dlq", DittoChange.upsert("dlq", d.get("_id"), d, List.of(), true, 0, null));
      } else if (i == 23) {
        harness.send("f.dlq", "not-a-change", "just a string"); // not a change record at all
      } else {
        Map<String, Object> d = doc("g" + i, i);
        good.add(d);
        harness.send("f.dlq", DittoChange.upsert("dlq", d.get("_id"), d, List.of(), true, 0, null));
      }
    }
    Map<String, String> p = props("f.dlq");
    p.put("errors.tolerance", "all");
    p.put("errors.deadletterqueue.topic.name", "f.dlq.errors");
    p.put("errors.deadletterqueue.topic.replication.factor", "1");
    p.put("errors.deadletterqueue.context.headers.enable", "true");
    proxy.rejectContaining("POISON-PILL");
    run("dlq", p);

    awaitDitto("dlq", good, Duration.ofSeconds(60));
    ConsumerRecords<byte[], byte[]> dead =
        harness.connect.kafka().consume(3, 30_000, "f.dlq.errors");
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      Header h = r.headers().lastHeader("__connect.errors.exception.message");
      reasons.add(h == null ? "(no header)" : new String(h.value(), StandardCharsets.UTF_8));
    }
    assertEquals(3, reasons.size(), reasons.toString());
    assertTrue(
        reasons.stream().anyMatch(m -> m.contains("Floats are not supported in document IDs")),
        reasons.toString());
    assertTrue(
        reasons.stream()
            .anyMatch(m -> m.contains("rejected by the fault proxy") && m.contains("bad-19")),
        reasons.toString());
    assertTrue(
        reasons.stream().anyMatch(m -> m.contains("not a Ditto change record")),
        reasons.toString());
    assertEquals("RUNNING", harness.taskState("dlq"));
  }

  @Test
  void aBadRecordWithoutDeadLetterQueueFailsTheTaskWithDittosText() {
    harness.connect.kafka().createTopic("f.nodlq", 1);
    harness.send(
        "f.nodlq", DittoChange.upsert("nodlq", 3.5, Map.of("_id", 3.5), List.of(), false, 0, null));
    run("nodlq", props("f.nodlq"));
    await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(harness.taskState("nodlq")));
    assertTrue(
        harness.taskTrace("nodlq").contains("Floats are not supported"),
        harness.taskTrace("nodlq"));
  }

  /**
   * A key Ditto refuses (revoked after the connector was created: validation refuses a wrong one)
   * fails the task when it starts, before any record: its status says why.
   */
  @Test
  void aRefusedApiKeyFailsTheTaskAtStartWithAClearMessage() {
    harness.connect.kafka().createTopic("f.auth", 1);
    Map<String, String> p = props("f.auth");
    run("auth", p);
    await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(harness.taskState("auth")));
    proxy.respondWith(401, null);
    harness.connect.restartTask("auth", 0);
    await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(harness.taskState("auth")));
    String trace = harness.taskTrace("auth");
    assertTrue(
        trace.contains("HTTP 401")
            && trace.contains("API key")
            && trace.contains(DittoSinkConfig.API_KEY),
        trace);
    assertTrue(!trace.contains(ditto.apiKey()), "the key is never echoed");
    assertEquals(
        "RUNNING",
        harness.connect.connectorStatus("auth").connector().state(),
        "the connector runs; its task shows the failure");
  }

  /**
   * Ditto down for longer than the consumer's max.poll.interval.ms (15 s here): each put() retries
   * for the retry window only (2 s), then hands its records back to Connect (RetriableException),
   * so the consumer keeps polling and stays in its group; the task stays RUNNING throughout and,
   * once Ditto answers, every record is applied. The retry warnings name the endpoint, the
   * connector, the task and the collection.
   */
  @Test
  void aDittoOutageLongerThanThePollIntervalKeepsTheTaskRunningAndLosesNothing() {
    harness.connect.kafka().createTopic("f.long", 1);
    Map<String, String> p = props("f.long");
    p.put(DittoSinkConfig.RETRY_MAX_DURATION_MS, "2000");
    p.put(DittoSinkConfig.REQUEST_TIMEOUT_MS, "1000");
    p.put("consumer.override.max.poll.interval.ms", "15000");
    try (LogCapture log = new LogCapture()) {
      run("long", p);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "RUNNING".equals(harness.taskState("long")));
      proxy.respondWith(503, null);
      List<Map<String, Object>> docs = sendDocs("f.long", "long_outage", "l", 50);
      await()
          .during(Duration.ofSeconds(LONG_OUTAGE_SECONDS))
          .atMost(Duration.ofSeconds(LONG_OUTAGE_SECONDS + 10))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> "RUNNING".equals(harness.taskState("long")));
      assertTrue(reader.select("long_outage").isEmpty(), "nothing got through during the outage");
      proxy.clear();
      awaitDitto("long_outage", docs, Duration.ofSeconds(60));
      assertEquals("RUNNING", harness.taskState("long"));
      assertEquals(
          List.of(),
          log.linesContaining("poll timeout has expired"),
          "the consumer never left its group");
      List<String> retries = log.linesContaining("Ditto request to " + proxy.endpoint());
      assertTrue(!retries.isEmpty(), "retry warnings name the endpoint");
      assertTrue(
          retries.stream()
              .anyMatch(
                  l ->
                      l.contains("for collection long_outage")
                          && l.contains("connector long, task 0")),
          retries.get(0));
      assertTrue(
          !log.linesContaining("go back to Connect and are delivered again").isEmpty(),
          "the records were handed back to Connect");
    }
  }

  @Test
  void aHungDittoHitsTheTimeoutAndIsRetried() {
    harness.connect.kafka().createTopic("f.hang", 1);
    Map<String, String> p = props("f.hang");
    p.put(DittoSinkConfig.REQUEST_TIMEOUT_MS, "1000");
    run("hang", p);
    proxy.hang();
    List<Map<String, Object>> docs = sendDocs("f.hang", "hang", "h", 20);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> proxy.faultedCount() >= 2); // timed out, then retried
    proxy.clear();
    awaitDitto("hang", docs, Duration.ofSeconds(60));
    assertEquals("RUNNING", harness.taskState("hang"));
  }

  @Test
  void anOutageBeyondItsLimitFailsTheTaskAndARestartReplaysTheUncommittedRecords() {
    harness.connect.kafka().createTopic("f.exhaust", 1);
    Map<String, String> p = props("f.exhaust");
    p.put(DittoSinkConfig.RETRY_MAX_DURATION_MS, "500");
    p.put(DittoSinkConfig.OUTAGE_MAX_DURATION_MS, "1500");
    run("exhaust", p);
    proxy.respondWith(503, null);
    List<Map<String, Object>> docs = sendDocs("f.exhaust", "exhaust", "x", 25);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "FAILED".equals(harness.taskState("exhaust")));
    assertTrue(
        harness.taskTrace("exhaust").contains("stayed unavailable"), harness.taskTrace("exhaust"));
    proxy.clear();
    harness.connect.restartTask("exhaust", 0);
    awaitDitto("exhaust", docs, Duration.ofSeconds(60));
  }

  /** What {@code PUT /connector-plugins/DittoSinkConnector/config/validate} says, per key. */
  private static Map<String, List<String>> validate(Map<String, String> props) {
    Map<String, String> p = new LinkedHashMap<>(props);
    p.put("name", "validate-" + p.hashCode());
    ConfigInfos infos =
        harness.connect.validateConnectorConfig(DittoSinkConnector.class.getSimpleName(), p);
    Map<String, List<String>> errors = new LinkedHashMap<>();
    for (ConfigInfo i : infos.configs()) {
      if (i.configValue() != null && !i.configValue().errors().isEmpty()) {
        errors.put(i.configValue().name(), i.configValue().errors());
      }
    }
    return errors;
  }

  /** The whole validate answer as text, to check nothing secret is echoed. */
  private static String validateText(Map<String, String> props) {
    Map<String, String> p = new LinkedHashMap<>(props);
    p.put("name", "validate-echo");
    ConfigInfos infos =
        harness.connect.validateConnectorConfig(DittoSinkConnector.class.getSimpleName(), p);
    StringBuilder out = new StringBuilder();
    for (ConfigInfo i : infos.configs()) {
      if (i.configValue() != null) {
        out.append(i.configValue().name())
            .append('=')
            .append(i.configValue().value())
            .append(' ')
            .append(i.configValue().errors())
            .append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void validateAcceptsAReachableDittoWithAGoodKeyWithoutChangingIt() {
    reader.execute(
        "INSERT INTO v_ok DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
        Map.of("d", Map.of("_id", "x")));
    Map<String, String> p = props("v.ok");
    p.put(DittoSinkConfig.COLLECTION_MAP, "v.ok:v_ok");
    int before = proxy.requestCount();
    assertEquals(Map.of(), validate(p));
    assertTrue(
        proxy.received().subList(before, proxy.requestCount()).stream()
            .anyMatch(r -> r.body().startsWith("{\"statement\":\"DELETE FROM `v_ok`")),
        "the write probe reached Ditto");
    assertEquals(List.of(Map.of("_id", "x")), reader.select("v_ok"), "and changed nothing");
  }

  @Test
  void validateReportsEachDittoProblemOnTheKeyToFix() {
    Map<String, String> wrongKey = props("v.key");
    wrongKey.put(DittoSinkConfig.API_KEY, "not-the-key");
    Map<String, List<String>> errors = validate(wrongKey);
    assertEquals(List.of(DittoSinkConfig.API_KEY), List.copyOf(errors.keySet()), errors::toString);
    assertTrue(errors.get(DittoSinkConfig.API_KEY).get(0).contains("HTTP 401"), errors::toString);
    assertTrue(!errors.toString().contains("not-the-key"));

    Map<String, String> wrongPath = props("v.path");
    wrongPath.put(DittoSinkConfig.ENDPOINT, proxy.endpoint() + "/not-an-app");
    errors = validate(wrongPath);
    assertEquals(List.of(DittoSinkConfig.ENDPOINT), List.copyOf(errors.keySet()), errors::toString);
    assertTrue(errors.get(DittoSinkConfig.ENDPOINT).get(0).contains("HTTP 404"), errors::toString);

    Map<String, String> unreachable = props("v.down");
    unreachable.put(DittoSinkConfig.ENDPOINT, "http://127.0.0.1:" + closedPort());
    errors = validate(unreachable);
    assertEquals(List.of(DittoSinkConfig.ENDPOINT), List.copyOf(errors.keySet()), errors::toString);
    assertTrue(
        errors.get(DittoSinkConfig.ENDPOINT).get(0).startsWith("cannot reach Ditto at"),
        errors::toString);

    Map<String, String> forbidden = props("v.forbidden");
    forbidden.put(DittoSinkConfig.COLLECTION_MAP, "v.forbidden:orders");
    proxy.respondWith(403, null);
    errors = validate(forbidden);
    proxy.clear();
    assertEquals(List.of(DittoSinkConfig.API_KEY), List.copyOf(errors.keySet()), errors::toString);
    assertTrue(
        errors.get(DittoSinkConfig.API_KEY).get(0).contains("collection orders (HTTP 403)"),
        errors::toString);

    Map<String, String> slow = props("v.poll");
    slow.put(DittoSinkConfig.RETRY_MAX_DURATION_MS, "290000");
    errors = validate(slow);
    assertEquals(
        List.of(DittoSinkConfig.RETRY_MAX_DURATION_MS),
        List.copyOf(errors.keySet()),
        errors::toString);
    assertTrue(
        errors.get(DittoSinkConfig.RETRY_MAX_DURATION_MS).get(0).contains("max.poll.interval.ms"));
  }

  @Test
  void validateNamesTheInsecureHttpSwitchAndNeverEchoesUserInfo() {
    Map<String, String> plain = props("v.plain");
    plain.put(DittoSinkConfig.ENDPOINT, "http://ditto.example.com/app");
    Map<String, List<String>> errors = validate(plain);
    assertTrue(
        errors.get(DittoSinkConfig.ENDPOINT).get(0).contains(DittoSinkConfig.ALLOW_INSECURE_HTTP),
        errors::toString);

    Map<String, String> userInfo = props("v.userinfo");
    userInfo.put(DittoSinkConfig.ENDPOINT, "https://admin:Pa55,w0rd@ditto.example.com/app");
    String answer = validateText(userInfo);
    assertTrue(answer.contains("user info"), answer);
    assertTrue(!answer.contains("Pa55") && !answer.contains("admin"), answer);
  }

  private static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
