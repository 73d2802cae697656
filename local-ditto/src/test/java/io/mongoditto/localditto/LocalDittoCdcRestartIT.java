package io.mongoditto.localditto;

import static io.mongoditto.localditto.LocalDittoCdcIT.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongoditto.localditto.CdcTopicReader.Received;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDC feed across restarts and crashes, with a broker that outlives the local Ditto:
 * transaction ids continue, and no acknowledged change misses its event on the topic when the Java
 * process, the Node server or both die by SIGKILL.
 */
class LocalDittoCdcRestartIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String KEY = "restart-it-key";
  private static InProcessKafka kafka;

  @TempDir Path dataDir;

  @BeforeAll
  static void startKafka() {
    kafka = InProcessKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private LocalDitto.Options options(CdcOptions cdc) {
    return LocalDitto.Options.defaults().withDataDir(dataDir).withApiKey(KEY).withCdc(cdc);
  }

  private static CdcOptions cdc(String topic) {
    return CdcOptions.toKafka(kafka.bootstrapServers()).withTopic(topic);
  }

  private static long currentTxn(LocalDittoClient client) {
    return txn(client.execute("SELECT * FROM nothing_here", Map.of()));
  }

  @Test
  void transactionIdsContinueAfterARestartAndUnlistedCollectionsFollowTheDefaultFilter() {
    CdcOptions cdc = cdc("restart").withFilter("*", "false").withFilter("listed", "true");
    long first;
    try (LocalDitto ditto = LocalDitto.start(options(cdc))) {
      LocalDittoClient client = new LocalDittoClient(ditto);
      first =
          txn(client.execute("INSERT INTO listed DOCUMENTS (:d)", Map.of("d", Map.of("_id", "a"))));
      assertEquals(
          first + 1,
          txn(
              client.execute(
                  "INSERT INTO unlisted DOCUMENTS (:d)", Map.of("d", Map.of("_id", "u")))));
    }
    try (LocalDitto ditto = LocalDitto.start(options(cdc));
        CdcTopicReader topic = new CdcTopicReader(kafka.bootstrapServers(), "restart")) {
      LocalDittoClient client = new LocalDittoClient(ditto);
      assertEquals(first + 1, currentTxn(client));
      long third =
          txn(client.execute("INSERT INTO listed DOCUMENTS (:d)", Map.of("d", Map.of("_id", "b"))));
      assertEquals(first + 2, third);
      List<Received> all =
          topic.until(
              l -> l.stream().anyMatch(r -> r.txnId() == third),
              WAIT,
              "the event after the restart");
      assertEquals(List.of(first, third), all.stream().map(Received::txnId).distinct().toList());
      assertEquals(
          Set.of("listed"),
          all.stream().map(Received::collection).collect(java.util.stream.Collectors.toSet()));
    }
  }

  @Test
  void producedSegmentsAreDeletedAndNothingIsLostAcrossThem() throws Exception {
    Path cdcDir = dataDir.resolve("cdc");
    try (LocalDitto ditto = LocalDitto.start(options(cdc("segments").withSegmentBytes(500)));
        CdcTopicReader topic = new CdcTopicReader(kafka.bootstrapServers(), "segments")) {
      LocalDittoClient client = new LocalDittoClient(ditto);
      long last = 0;
      for (int i = 0; i < 30; i++) {
        last =
            txn(
                client.execute(
                    "INSERT INTO seg DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
                    Map.of("d", Map.of("_id", "d" + (i % 4), "v", i))));
      }
      long lastTxn = last;
      List<Received> all =
          topic.until(l -> l.stream().anyMatch(r -> r.txnId() == lastTxn), WAIT, "the last event");
      assertEquals(30, all.stream().map(Received::txnId).distinct().count());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (segments(cdcDir).size() != 1) {
        assertTrue(
            System.nanoTime() < deadline, "produced segments still there: " + segments(cdcDir));
        TimeUnit.MILLISECONDS.sleep(20); // the bridge deletes them right after saving its position
      }
      assertTrue(
          !segments(cdcDir).contains("events-1.jsonl"), "the log rolled over: " + segments(cdcDir));
    }
  }

  private static List<String> segments(Path cdcDir) throws IOException {
    try (Stream<Path> files = Files.list(cdcDir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("events-"))
          .sorted()
          .toList();
    }
  }

  @Test
  void aChangeTheEngineAppliedJustBeforeTheServerDiedStillGetsItsEvents() throws Exception {
    // The server kills itself after the engine ran its second mutation, before writing its events.
    Path nodeDir = NodeServerFiles.prepare();
    ProcessBuilder pb =
        new ProcessBuilder(
                System.getProperty("localditto.node", "node"),
                nodeDir.resolve("server.js").toString(),
                "--port",
                "0",
                "--data-dir",
                dataDir.toString(),
                "--cdc")
            .directory(nodeDir.toFile())
            .redirectError(dataDir.resolve("crashing-server.log").toFile());
    pb.environment().put("LOCAL_DITTO_API_KEY", KEY);
    pb.environment().put("LOCAL_DITTO_TEST_CRASH_AFTER_MUTATIONS", "2");
    Process server = pb.start();
    String endpoint = awaitLine(server, "LOCAL_DITTO_READY ");
    endpoint = CdcTopicReader.JSON.readTree(endpoint).path("endpoint").asText();
    LocalDittoClient before = new LocalDittoClient(endpoint, KEY);
    long first =
        txn(before.execute("INSERT INTO crash DOCUMENTS (:d)", Map.of("d", Map.of("_id", "a"))));
    assertThrows(
        UncheckedIOException.class,
        () -> before.execute("UPDATE crash SET v = 1 WHERE _id = 'a'", Map.of()));
    assertTrue(server.waitFor(30, TimeUnit.SECONDS));

    try (LocalDitto ditto = LocalDitto.start(options(cdc("crash")));
        CdcTopicReader topic = new CdcTopicReader(kafka.bootstrapServers(), "crash")) {
      LocalDittoClient client = new LocalDittoClient(ditto);
      assertEquals(List.of(Map.of("_id", "a", "v", 1)), client.select("crash"));
      assertEquals(first + 1, currentTxn(client));
      List<Received> all =
          topic.until(
              l -> l.stream().anyMatch(r -> r.txnId() == first + 1), WAIT, "the recovered event");
      Received recovered =
          all.stream().filter(r -> r.txnId() == first + 1).findFirst().orElseThrow();
      assertEquals(
          CdcTopicReader.JSON.readTree(
              "{\"txnId\":"
                  + (first + 1)
                  + ",\"type\":\"documentChanged\",\"collection\":\"crash\","
                  + "\"change\":{\"method\":\"upsert\",\"oldValue\":{\"_id\":\"a\"},\"newValue\":{\"_id\":\"a\",\"v\":1}}}"),
          recovered.event());
    }
  }

  /** What a writer was told: each acknowledged statement's transaction id and changed ids. */
  private record Ack(long txnId, List<Object> ids) {}

  @Test
  void killingTheWholeLocalDittoMidWritesLosesNoEventAndKeepsEachDocumentsOrder() throws Exception {
    String topicName = "killed";
    ConcurrentLinkedQueue<Ack> acked = new ConcurrentLinkedQueue<>();
    for (int round = 0; round < 2; round++) {
      if (round == 1) {
        // The broker now refuses every event: none of this round's is acknowledged when the kill
        // comes.
        setMaxMessageBytes(topicName, "1");
      }
      Process child = startChild(topicName);
      String endpoint = awaitLine(child, CdcChildProcess.READY);
      AtomicBoolean dead = new AtomicBoolean();
      int start = acked.size();
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(() -> write(new LocalDittoClient(endpoint, KEY), acked, dead));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (acked.size() < start + 150) {
        assertTrue(
            System.nanoTime() < deadline && !writer.isDone(), "the writer stalled: " + writer);
        TimeUnit.MILLISECONDS.sleep(5);
      }
      // SIGKILL, Node first so it does not see its parent go and shut down cleanly
      List<ProcessHandle> node = child.descendants().toList();
      node.forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      node.forEach(p -> p.onExit().join());
      dead.set(true);
      writer.get(60, TimeUnit.SECONDS);
    }
    setMaxMessageBytes(topicName, Integer.toString(16 * 1024 * 1024));
    List<Ack> acks = List.copyOf(acked);

    try (LocalDitto ditto = LocalDitto.start(options(cdc(topicName)));
        CdcTopicReader topic = new CdcTopicReader(kafka.bootstrapServers(), topicName)) {
      Map<JsonNode, JsonNode> store = new HashMap<>();
      for (Map<String, Object> doc : new LocalDittoClient(ditto).select("killed")) {
        JsonNode node = CdcTopicReader.JSON.valueToTree(doc);
        store.put(node.get("_id"), node);
      }
      Set<String> expected = new HashSet<>();
      for (Ack ack : acks) {
        for (Object id : ack.ids()) {
          expected.add(ack.txnId() + " " + CdcTopicReader.JSON.valueToTree(id));
        }
      }
      List<Received> all =
          topic.until(
              l -> seen(l).containsAll(expected) && fold(l).equals(store),
              WAIT,
              expected.size() + " acknowledged changes and a topic that replays to the store");
      // per document, first deliveries come in transaction order (redeliveries repeat a suffix)
      Map<JsonNode, Long> last = new HashMap<>();
      Set<String> delivered = new HashSet<>();
      for (Received r : all) {
        if (delivered.add(r.txnId() + " " + r.id())) {
          Long previous = last.put(r.id(), r.txnId());
          assertTrue(
              previous == null || previous < r.txnId(),
              "document " + r.id() + ": " + r.txnId() + " after " + previous);
        }
      }
      assertTrue(acks.size() >= 300, "writes acknowledged before the kills: " + acks.size());
    }
  }

  private static void setMaxMessageBytes(String topic, String bytes) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", bytes), AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static Set<String> seen(List<Received> received) {
    Set<String> seen = new HashSet<>();
    received.forEach(r -> seen.add(r.txnId() + " " + r.id()));
    return seen;
  }

  /** What a consumer that drops events not newer than the last one per document ends up with. */
  private static Map<JsonNode, JsonNode> fold(List<Received> received) {
    Map<JsonNode, Long> applied = new HashMap<>();
    Map<JsonNode, JsonNode> state = new LinkedHashMap<>();
    for (Received r : received) {
      Long previous = applied.get(r.id());
      if (previous != null && previous >= r.txnId()) {
        continue;
      }
      applied.put(r.id(), r.txnId());
      JsonNode change = r.event().path("change");
      if (change.path("method").asText().equals("remove")) {
        state.remove(r.id());
      } else {
        state.put(r.id(), change.path("newValue"));
      }
    }
    return state;
  }

  /** Upserts (one or three documents), deletes; until the server is gone. */
  private static void write(
      LocalDittoClient client, ConcurrentLinkedQueue<Ack> acked, AtomicBoolean dead) {
    for (int i = 0; ; i++) {
      String id = "d" + (i % 10);
      long unique = System.nanoTime();
      Map<String, Object> response;
      try {
        if (i % 7 == 6) {
          response = client.execute("DELETE FROM killed WHERE _id = :id", Map.of("id", id));
        } else if (i % 5 == 4) {
          response =
              client.execute(
                  "INSERT INTO killed DOCUMENTS (:docs) ON ID CONFLICT DO UPDATE",
                  Map.of(
                      "docs",
                      List.of(
                          Map.of("_id", id, "v", unique, "n", Map.of("i", i)),
                          Map.of("_id", "d" + ((i + 3) % 10), "v", unique),
                          Map.of("_id", "d" + ((i + 6) % 10), "w", unique))));
        } else {
          response =
              client.execute(
                  "INSERT INTO killed DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
                  Map.of("d", Map.of("_id", id, "v", unique, "n", Map.of("i" + (i % 3), i))));
        }
      } catch (RuntimeException e) {
        if (dead.get() || e instanceof UncheckedIOException) {
          return; // the server died with this statement in flight: it may or may not have run
        }
        throw e;
      }
      @SuppressWarnings("unchecked")
      List<Object> ids = (List<Object>) response.get("mutatedDocumentIds");
      acked.add(new Ack(txn(response), ids));
    }
  }

  private Process startChild(String topic) throws IOException {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                classPath));
    for (String property : List.of("project.root", "localditto.node", "localditto.node.dir")) {
      if (System.getProperty(property) != null) {
        command.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    command.addAll(
        List.of(
            CdcChildProcess.class.getName(),
            dataDir.toString(),
            kafka.bootstrapServers(),
            topic,
            KEY,
            "4000"));
    return new ProcessBuilder(command).redirectError(dataDir.resolve("child.log").toFile()).start();
  }

  private static String awaitLine(Process process, String prefix) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                  if (l.startsWith(prefix)) {
                    return l.substring(prefix.length());
                  }
                }
                throw new IllegalStateException("exited before printing " + prefix);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      return line.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      fail("no " + prefix + " line: " + e);
      throw e;
    }
  }
}
