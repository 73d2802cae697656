package io.mongoditto.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Filters;
import io.mongoditto.localditto.FaultProxy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The fault suite: a seeded random workload on the eight Zava collections flows MongoDB -> source
 * connector -> Kafka -> sink connector -> Ditto through real separate broker and worker processes,
 * while the suite kills workers with SIGKILL (in the snapshot and while streaming), rebalances onto
 * a second worker and back, makes Ditto unavailable through {@link FaultProxy}, cuts every MongoDB
 * connection through {@link MongoTcpProxy}, lets the source's resume point expire (error 286,
 * history.lost.policy=resnapshot) and writes poison documents. Then it checks the invariant
 * document by document ({@link InvariantCheck}; the {@link #EJSON} collections against MongoDB's
 * canonical Extended JSON), that exactly the poison is dead-lettered with reasons, and that no log
 * line, REST answer or exception message holds a secret. See docs/reliability.md.
 */
class ConnectFaultSuiteIT {

  private static final String SOURCE = "zava-retail-mongo";
  private static final String SINK = "ditto-sink";
  private static final String ERRORS_TOPIC = "zava.errors";
  private static final String DLQ_TOPIC = "zava.ditto.dlq";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The collections synced in ejson mode: their documents carry the types json mode loses (Int64
   * beyond 2^53, Decimal128, Dates, Binary, Timestamps, NaN, ...) and _ids of those types, which
   * must reach Ditto as MongoDB's canonical Extended JSON under every fault. categories is
   * match_ids (so its ids are Extended JSON too) and its poison stays poison in ejson mode.
   */
  private static final Set<String> EJSON = Set.of("categories");

  /** The topics the source copies the enabled collections to (named after their namespaces). */
  private static final List<String> DATA_TOPICS =
      ZavaWorkload.COLLECTIONS.stream()
          .map(ZavaWorkload.Coll::name)
          .filter(c -> !c.equals("product_embeddings"))
          .map(c -> "zava." + c)
          .toList();

  private final FaultPlan plan = FaultPlan.fromSystemProperties();
  private final Random random = new Random(plan.seed());
  private final List<String> faults = new ArrayList<>();
  private final FaultEffects effects = new FaultEffects();

  /** Exception messages produced in this run (by the suite's own calls), for the secret scan. */
  private final List<String> exceptionMessages = new CopyOnWriteArrayList<>();

  private final List<KafkaProcesses.Worker> workers = new ArrayList<>();
  private KafkaProcesses kafka;
  private Path progress;
  private final Map<Integer, ConnectClient> clients = new HashMap<>();

  @Test
  void nothingIsLostOrLeakedUnderFaults() throws Exception {
    String mongoSecret = "mongoSecret" + HexFormat.of().formatHex(longBytes(random.nextLong()));
    String dittoKey = "dittoKey" + HexFormat.of().formatHex(longBytes(random.nextLong()));
    Path workDir =
        Files.createDirectories(
            Path.of("target", "faults", plan.name() + "-" + System.currentTimeMillis())
                .toAbsolutePath());
    progress = workDir.resolve("progress.log");
    log("plan " + plan + ", work dir " + workDir);

    try (LocalMongo mongo = LocalMongo.builder().historySize(plan.historySize()).start();
        MongoTcpProxy mongoProxy = new MongoTcpProxy(mongo.port());
        LocalDitto ditto =
            LocalDitto.start(
                LocalDitto.Options.defaults()
                    .withApiKey(dittoKey)
                    .withDataDir(workDir.resolve("ditto-data")));
        FaultProxy dittoProxy = FaultProxy.start(ditto.endpoint());
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      // The secret travels inside the connection string, as a password would (the local MongoDB
      // has no authentication, so it rides in an option the driver ignores).
      String mongoUri =
          "mongodb://127.0.0.1:"
              + mongoProxy.port()
              + "/?directConnection=true"
              + "&serverSelectionTimeoutMS=10000&connectTimeoutMS=5000&faultSuiteToken="
              + mongoSecret;
      Map<String, String> env =
          Map.of(
              "MONGODB_CONNECTION_STRING",
              mongoUri,
              "DITTO_CLOUD_ENDPOINT",
              dittoProxy.endpoint(),
              "DITTO_API_KEY",
              dittoKey);
      kafka = KafkaProcesses.startBroker(workDir, env);
      try {
        run(
            client.getDatabase("zava"),
            new LocalDittoClient(ditto.endpoint(), dittoKey),
            mongoProxy,
            dittoProxy,
            mongoUri,
            mongoSecret,
            dittoKey);
      } finally {
        kafka.close();
      }
    }
  }

  private void run(
      MongoDatabase db,
      LocalDittoClient ditto,
      MongoTcpProxy mongoProxy,
      FaultProxy dittoProxy,
      String mongoUri,
      String mongoSecret,
      String dittoKey)
      throws Exception {
    workers.add(kafka.startWorker());
    for (ZavaWorkload.Coll c : ZavaWorkload.COLLECTIONS) {
      db.createCollection(
          c.name(),
          new CreateCollectionOptions()
              .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    }
    ZavaWorkload workload = new ZavaWorkload(db, plan.seed(), EJSON);
    workload.seed(plan.seedDocs());
    PoisonDocuments poison = new PoisonDocuments();
    Set<String> notInMongo = new java.util.HashSet<>();
    poison.insertAll(db, 0, name -> workload.insert(coll(name)));

    Map<String, String> source = configFile("zava-retail-source.json");
    // customers as config/zava-retail-source-filtered.json syncs it: a filter (documents start
    // and stop matching under faults) and excluded fields
    Map<String, String> filtered = configFile("zava-retail-source-filtered.json");
    for (String key :
        List.of("collection.customers.filter", "collection.customers.fields.exclude")) {
      source.put(key, filtered.get(key));
    }
    source.put("tasks.max", "2");
    source.put("history.lost.policy", "resnapshot");
    source.put("snapshot.chunk.size", "20");
    source.put("heartbeat.interval.ms", "5000");
    // the workers' producers take 16 MiB (KafkaProcesses): let documents up to Ditto's 5 MiB
    // through
    source.put("record.max.bytes", "16000000");
    EJSON.forEach(c -> source.put("collection." + c + ".mode", "ejson"));
    Map<String, String> sink = configFile("ditto-sink.json");
    sink.put("tasks.max", "2");
    InvariantCheck invariant = new InvariantCheck(db, ditto, source);

    // validation answers must not echo the secrets, neither through ${env:...} nor given inline
    validate(source);
    Map<String, String> inline = new LinkedHashMap<>(source);
    inline.put("mongodb.uri", mongoUri);
    validate(inline);
    Map<String, String> inlineSink = new LinkedHashMap<>(sink);
    inlineSink.put("ditto.api.key", dittoKey);
    validate(inlineSink);

    for (Map.Entry<String, Map<String, String>> c : Map.of(SOURCE, source, SINK, sink).entrySet()) {
      ConnectClient.Response created =
          rest().put("connectors/" + c.getKey() + "/config", c.getValue());
      assertTrue(
          created.status() == 201 || created.status() == 200, c.getKey() + ": " + created.text());
    }

    // the workload runs from the start: changes during the snapshot, the handover and every fault
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicBoolean paused = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              while (writing.get()) {
                if (!paused.get()) {
                  try {
                    synchronized (workload) {
                      workload.step();
                    }
                  } catch (RuntimeException e) {
                    exceptionMessages.add(String.valueOf(e.getMessage()));
                  }
                }
                Pause.millis(1000 / plan.opsPerSecond());
              }
            },
            "zava-workload");
    writer.start();
    try {
      // 1. kill -9 in the copy, before a first offset flush (KnownBugs 2: a restart used to start
      // over with a new stream position)
      earlyKill(ditto, plan.seedDocs());
      awaitRunning();

      // 2. faults while streaming, in a seeded random order
      List<Runnable> schedule = new ArrayList<>();
      for (int i = 0; i < plan.streamingKills(); i++) {
        schedule.add(() -> killWorker("while streaming"));
      }
      for (int i = 0; i < plan.rebalances(); i++) {
        schedule.add(this::rebalance);
      }
      String[] modes = {"503", "429", "drop", "hang"};
      for (int i = 0; i < plan.dittoOutages(); i++) {
        String mode = modes[i % modes.length];
        schedule.add(() -> dittoOutage(dittoProxy, mode));
      }
      for (int i = 0; i < plan.mongoCuts(); i++) {
        schedule.add(() -> mongoCut(mongoProxy));
      }
      AtomicInteger round = new AtomicInteger(1);
      schedule.add(
          () -> {
            synchronized (workload) {
              poison.insertAll(db, round.getAndIncrement(), name -> workload.insert(coll(name)));
            }
            fault("poison documents written while streaming");
          });
      Collections.shuffle(schedule, random);
      for (Runnable fault : schedule) {
        fault.run();
        awaitRunning();
        Pause.millis(1000 + random.nextInt(3000));
      }

      // 3. a document Ditto refuses (HTTP 400): the sink's dead-letter queue, not its neighbours
      String rejectedTag = dittoRejects(db, ditto, dittoProxy, workload);
      poison.add(
          rejectedTag,
          "orders: refused by Ditto (400 from the fault proxy)",
          "Ditto rejected the document");
      notInMongo.add(rejectedTag);

      // 4. the resume point expires while the source is stopped (error 286 -> resnapshot)
      paused.set(true);
      awaitConverged(invariant, 240);
      expireResumePoint(db, workload);
      awaitConverged(invariant, 240);
      paused.set(false);
      Pause.millis(5000);
    } finally {
      writing.set(false);
      writer.join(10_000);
    }

    // 5. settle and check
    awaitRunning();
    InvariantCheck.Result result = awaitConverged(invariant, plan.settleSeconds());
    List<DeadLetters.Letter> letters =
        DeadLetters.read(kafka.bootstrapServers(), Set.of(ERRORS_TOPIC, DLQ_TOPIC));
    Map<String, String> deadLettered = new TreeMap<>();
    Map<String, List<String>> reasons = new TreeMap<>();
    List<String> unexpected = new ArrayList<>();
    for (DeadLetters.Letter l : letters) {
      String tag =
          poison.poison().keySet().stream().filter(l.value()::contains).findFirst().orElse(null);
      if (tag == null) {
        unexpected.add(l.topic() + ": " + l.reason() + ": " + abbreviate(l.value()));
      } else if (l.reason() != null && !l.reason().isBlank()) {
        deadLettered.putIfAbsent(tag, l.topic() + ": " + l.reason());
        reasons.computeIfAbsent(tag, t -> new ArrayList<>()).add(l.reason());
      }
    }
    List<String> reasonProblems = poison.reasonProblems(reasons);
    List<String> refusalProblems = poison.refusalProblems(result.refused(), notInMongo);
    List<String> leaks =
        SecretScan.scan(
            kafka.logs(),
            ConnectClient.bodies(),
            exceptionMessages,
            Map.of("MongoDB secret", mongoSecret, "Ditto API key", dittoKey));
    long resnapshots = SecretScan.count(kafka.logs(), "no longer in MongoDB's oplog (error 286)");

    StringBuilder report =
        new StringBuilder(
            "\n=== fault suite (" + plan.name() + ", seed " + plan.seed() + ") ===\n");
    report.append("faults injected: ").append(faults.size()).append('\n');
    faults.forEach(f -> report.append("  - ").append(f).append('\n'));
    effects.appendTo(report);
    report
        .append("  (error 286 seen and resnapshotted by the source: ")
        .append(resnapshots)
        .append(" collection streams)\n");
    report
        .append("changes made: ")
        .append(workload.changes())
        .append(' ')
        .append(workload.changesByKind())
        .append('\n');
    report.append("documents checked: ").append(result.checked()).append('\n');
    report.append("lost: ").append(result.lost().size()).append('\n');
    report.append("stale: ").append(result.stale().size()).append('\n');
    report.append("extra: ").append(result.extra().size()).append('\n');
    report
        .append("dead-lettered: ")
        .append(deadLettered.size())
        .append(" of ")
        .append(poison.poison().size())
        .append(" poison documents (")
        .append(letters.size())
        .append(" records incl. replays)\n");
    deadLettered.forEach(
        (tag, why) ->
            report
                .append("  - ")
                .append(tag)
                .append(" [")
                .append(poison.poison().get(tag))
                .append("] -> ")
                .append(why)
                .append('\n'));
    report
        .append("refused by the reference mapping: ")
        .append(result.refused().size())
        .append(", problems: ")
        .append(refusalProblems)
        .append('\n');
    report
        .append("dead-letter reasons not naming the defect: ")
        .append(reasonProblems)
        .append('\n');
    report
        .append("dead-lettered that are not poison: ")
        .append(unexpected.size())
        .append(' ')
        .append(unexpected.subList(0, Math.min(5, unexpected.size())))
        .append('\n');
    report
        .append("edge documents the local MongoDB would not store: ")
        .append(poison.edgeNotStorable())
        .append('\n');
    report.append("secret leaks: ").append(leaks.size()).append(' ').append(leaks).append('\n');
    report.append("work dir: ").append(kafka.workDir()).append('\n');
    log(report.toString());
    Files.writeString(kafka.workDir().resolve("report.txt"), report, StandardCharsets.UTF_8);

    assertEquals(List.of(), effects.unconfirmed(), "faults without their effect" + report);
    assertTrue(result.clean(), "invariant broken: " + result.summary() + report);
    assertEquals(List.of(), refusalProblems, "refused documents are not the poison" + report);
    assertEquals(List.of(), reasonProblems, "poison not dead-lettered for its defect" + report);
    assertEquals(List.of(), unexpected, "records dead-lettered that are not poison" + report);
    assertEquals(List.of(), leaks, "secrets leaked" + report);
    assertTrue(
        resnapshots > 0,
        "the resume point never expired (no error 286 in the worker logs)" + report);
  }

  // --- faults

  private void fault(String what) {
    faults.add(what);
    log("fault: " + what);
  }

  /**
   * Kills the worker as soon as the copy's first records are in Kafka. Its effect: a collection
   * whose records are in Kafka while its committed source offset is still inside the copy (a
   * snapshot position) or missing, so the restarted task must continue that copy from its committed
   * position (KnownBugs 2: it used to start over with a new stream position).
   */
  private void earlyKill(LocalDittoClient ditto, long seeded) {
    Map<String, Long> inKafka;
    Map<String, JsonNode> committed;
    try (TopicRecords topics = new TopicRecords(kafka.bootstrapServers())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      // no REST call in this loop: the copy is quick, and the kill must land inside it
      do {
        inKafka = topics.counts(DATA_TOPICS);
      } while (total(inKafka) == 0 && System.nanoTime() < deadline);
      committed = committedOffsets();
    }
    Map<String, JsonNode> offsets = committed;
    List<String> inCopy =
        inKafka.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .filter(
                e ->
                    !offsets.containsKey(e.getKey())
                        || offsets.get(e.getKey()).has("snapshot_start_token"))
            .map(e -> e.getKey() + " (" + e.getValue() + " records)")
            .toList();
    long inDitto = countDitto(ditto);
    killWorker("early, in the copy");
    fault(
        "early kill: "
            + effects.record(
                "kill -9 in the copy",
                total(inKafka)
                    + " records in Kafka ("
                    + seeded
                    + " documents seeded), Ditto held "
                    + inDitto
                    + "; collections with records in Kafka whose committed offset is inside the"
                    + " copy or missing: "
                    + inCopy,
                !inCopy.isEmpty()));
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private void killWorker(String when) {
    String held = taskPlacement();
    KafkaProcesses.Worker victim = workers.remove(0);
    victim.child().kill();
    String address = "127.0.0.1:" + victim.restPort();
    fault(
        "kill -9 of "
            + victim.child().name()
            + " (pid "
            + victim.child().process().pid()
            + ") "
            + when
            + ", "
            + effects.record(
                "kill -9 " + when,
                "it ran " + countOf(held, address) + " of the connectors and tasks",
                held.contains(address)));
    workers.add(kafka.startWorker());
    // Connect still shows the dead worker's tasks RUNNING until the group notices it is gone
    String dead = "127.0.0.1:" + victim.restPort();
    await(
        "tasks moved off the killed worker",
        120,
        () ->
            !rest().get("connectors/" + SOURCE + "/status").text().contains(dead)
                && !rest().get("connectors/" + SINK + "/status").text().contains(dead));
  }

  private void rebalance() {
    KafkaProcesses.Worker second = kafka.startWorker();
    workers.add(second);
    awaitRunning();
    Pause.millis(3000 + random.nextInt(3000));
    // its effect: the group gave the new worker work (else adding and removing it moved nothing)
    String address = "127.0.0.1:" + second.restPort();
    String held = taskPlacement();
    workers.remove(second);
    second.child().stop();
    fault(
        "rebalance: "
            + second.child().name()
            + " added, then stopped, "
            + effects.record(
                "rebalance",
                "the added worker ran " + countOf(held, address) + " of the connectors and tasks",
                held.contains(address)));
  }

  /** Where the connectors and their tasks run: the worker_id of each, from the status API. */
  private String taskPlacement() {
    StringBuilder placement = new StringBuilder();
    for (String c : List.of(SOURCE, SINK)) {
      JsonNode status = rest().get("connectors/" + c + "/status").body();
      if (status != null) {
        placement.append(status.path("connector").path("worker_id").asText()).append(' ');
        status
            .path("tasks")
            .forEach(t -> placement.append(t.path("worker_id").asText()).append(' '));
      }
    }
    return placement.toString();
  }

  private static int countOf(String placement, String address) {
    int n = 0;
    for (String w : placement.split(" ")) {
      n += w.equals(address) ? 1 : 0;
    }
    return n;
  }

  private void dittoOutage(FaultProxy proxy, String mode) {
    int seconds =
        plan.minOutageSeconds()
            + random.nextInt(plan.maxOutageSeconds() - plan.minOutageSeconds() + 1);
    switch (mode) {
      case "503" -> proxy.respondWith(503, null);
      case "429" -> proxy.respondWith(429, Duration.ofSeconds(2));
      case "drop" -> proxy.dropConnections();
      default -> proxy.hang();
    }
    int before = proxy.faultedCount();
    Pause.millis(seconds * 1000L);
    // an outage nobody noticed proves nothing: hold it until the sink has hit it (30 s at most)
    for (int i = 0; i < 60 && proxy.faultedCount() == before; i++) {
      Pause.millis(500);
    }
    proxy.clear();
    int faulted = proxy.faultedCount() - before;
    fault(
        "Ditto unavailable ("
            + mode
            + ") for "
            + seconds
            + " s, "
            + effects.record(
                "Ditto unavailable (" + mode + ")", faulted + " requests faulted", faulted > 0));
  }

  private void mongoCut(MongoTcpProxy proxy) {
    int seconds =
        plan.minOutageSeconds()
            + random.nextInt(plan.maxOutageSeconds() - plan.minOutageSeconds() + 1);
    // a cut with nothing connected proves nothing: wait until the drivers are connected
    await("MongoDB connections through the proxy", 60, () -> proxy.openSockets() > 0);
    int refusedBefore = proxy.refused();
    proxy.refuse(true);
    int cut = proxy.cut();
    Pause.millis(seconds * 1000L);
    proxy.refuse(false);
    int refused = proxy.refused() - refusedBefore;
    fault(
        "MongoDB connections cut, new ones refused for "
            + seconds
            + " s, "
            + effects.record(
                "MongoDB connections cut",
                cut + " sockets cut, " + refused + " new connections refused",
                cut > 0));
  }

  /** The proxy answers 400 for requests holding the marker: that record alone goes to the DLQ. */
  private String dittoRejects(
      MongoDatabase db, LocalDittoClient ditto, FaultProxy proxy, ZavaWorkload workload) {
    String tag = "P-ditto-400-" + random.nextInt(1_000_000);
    proxy.rejectContaining(tag);
    Object neighbourBefore;
    Object neighbourAfter;
    synchronized (workload) {
      neighbourBefore = workload.insert(coll("orders"));
      db.getCollection("orders")
          .insertOne(
              new Document("order_id", tag)
                  .append("note", "refused by Ditto")
                  .append(PoisonDocuments.TAG_FIELD, tag));
      neighbourAfter = workload.insert(coll("orders"));
    }
    await(
        "the Ditto-refused order in the dead-letter queue",
        120,
        () ->
            DeadLetters.read(kafka.bootstrapServers(), Set.of(DLQ_TOPIC)).stream()
                .anyMatch(l -> l.value().contains(tag)));
    proxy.clear();
    // it never reached Ditto; remove it from MongoDB too, so the invariant covers everything else
    db.getCollection("orders").deleteOne(Filters.eq("order_id", tag));
    fault(
        "a document refused by Ditto (400) between neighbours "
            + neighbourBefore
            + " and "
            + neighbourAfter);
    return tag;
  }

  private void expireResumePoint(MongoDatabase db, ZavaWorkload workload) {
    rest().put("connectors/" + SOURCE + "/stop", null);
    await("source STOPPED", 60, () -> rest().states(SOURCE).startsWith("STOPPED"));
    synchronized (workload) {
      long written = workload.bulkUpdates(plan.historySize() + 500L);
      // deleted while their events cannot be read: only the sweep after the re-copy removes them
      int deleted = workload.deleteSome(10);
      for (int i = 0; i < 20; i++) {
        workload.step();
      }
      fault(
          "source stopped, "
              + written
              + " changes written (history keeps "
              + plan.historySize()
              + ") and "
              + deleted
              + " documents deleted, source resumed: resume point expired");
    }
    rest().put("connectors/" + SOURCE + "/resume", null);
  }

  // --- waiting and checking

  private InvariantCheck.Result awaitConverged(InvariantCheck invariant, int seconds) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    InvariantCheck.Result last = null;
    int cleanInARow = 0;
    int checks = 0;
    while (System.nanoTime() < deadline) {
      requireNotFailed();
      try {
        last = invariant.check();
      } catch (RuntimeException e) {
        exceptionMessages.add(String.valueOf(e.getMessage()));
        Pause.millis(2000);
        continue;
      }
      cleanInARow = last.clean() ? cleanInARow + 1 : 0;
      if (++checks % 10 == 1) {
        log("converging: " + last.summary());
      }
      if (cleanInARow >= 2) {
        return last;
      }
      Pause.millis(2000);
    }
    log("not converged after " + seconds + " s: " + (last == null ? "no check" : last.summary()));
    return last;
  }

  private void awaitRunning() {
    await(
        "both connectors RUNNING",
        180,
        () -> {
          requireNotFailed();
          return rest().running(SOURCE) && rest().running(SINK);
        });
  }

  private void requireNotFailed() {
    for (String c : List.of(SOURCE, SINK)) {
      ConnectClient.Response r = rest().get("connectors/" + c + "/status");
      if (r.status() == 200 && r.text().contains("\"FAILED\"")) {
        throw new AssertionError(c + " failed: " + r.text() + "\nwork dir " + kafka.workDir());
      }
    }
  }

  private void await(String what, int seconds, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Pause.millis(500);
    }
    throw new AssertionError(
        what
            + " not reached in "
            + seconds
            + " s; states: source "
            + rest().states(SOURCE)
            + ", sink "
            + rest().states(SINK)
            + "; work dir "
            + kafka.workDir());
  }

  /** The REST API of a live worker (one client per worker: each HttpClient owns a thread). */
  private ConnectClient rest() {
    return clients.computeIfAbsent(
        workers.get(0).restPort(), port -> new ConnectClient(workers.get(0).restUrl()));
  }

  private void validate(Map<String, String> config) {
    ConnectClient.Response r =
        rest()
            .put("connector-plugins/" + config.get("connector.class") + "/config/validate", config);
    if (r.status() != 200) {
      throw new AssertionError("validate: HTTP " + r.status() + " " + r.text());
    }
  }

  /** The committed source offset of each namespace (database.collection) that has one. */
  private Map<String, JsonNode> committedOffsets() {
    ConnectClient.Response r = rest().get("connectors/" + SOURCE + "/offsets");
    Map<String, JsonNode> offsets = new TreeMap<>();
    if (r.status() == 200 && r.body() != null) {
      r.body()
          .path("offsets")
          .forEach(o -> offsets.put(o.path("partition").path("ns").asText(), o.path("offset")));
    }
    return offsets;
  }

  private long countDitto(LocalDittoClient ditto) {
    long n = 0;
    for (ZavaWorkload.Coll c : ZavaWorkload.COLLECTIONS) {
      try {
        n += ditto.select(c.name()).size();
      } catch (RuntimeException e) {
        exceptionMessages.add(String.valueOf(e.getMessage()));
      }
    }
    return n;
  }

  private static ZavaWorkload.Coll coll(String name) {
    return ZavaWorkload.COLLECTIONS.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static Map<String, String> configFile(String name) throws IOException {
    JsonNode node =
        JSON.readTree(KafkaProcesses.projectRoot().resolve("config").resolve(name).toFile());
    JsonNode body = node.has("config") ? node.get("config") : node;
    Map<String, String> config = new LinkedHashMap<>();
    body.fields()
        .forEachRemaining(
            e ->
                config.put(
                    e.getKey(),
                    e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
    config.remove("name");
    return config;
  }

  private static byte[] longBytes(long v) {
    return java.nio.ByteBuffer.allocate(8).putLong(v).array();
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** To stdout (failsafe's -output.txt) and, as it happens, to progress.log in the work dir. */
  private void log(String line) {
    System.out.println("[fault-suite] " + line);
    if (progress != null) {
      try {
        Files.writeString(
            progress,
            java.time.Instant.now() + " " + line + "\n",
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      } catch (IOException e) {
        exceptionMessages.add(e.getMessage());
      }
    }
  }
}
