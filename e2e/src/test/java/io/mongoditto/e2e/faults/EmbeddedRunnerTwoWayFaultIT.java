package io.mongoditto.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The embedded runner ({@code mongo-ditto run} with {@code config/zava-retail-two-way.json}: both
 * directions in one process, the Ditto -> MongoDB positions in the same offsets file) killed with
 * SIGKILL and started again several times while MongoDB ({@link ZavaWorkload}) and the store
 * devices ({@link DittoEdgeWorkload}, Extended JSON edits of categories included) write at once.
 * Each kill lands at a seeded random moment after the killed runner has applied changes in both
 * directions (its status line says so: the kill's confirmed effect). Then the same checks as {@link
 * TwoWayFaultSuiteIT} ({@link TwoWayCheck}): both directions clean twice in a row, a quiet period
 * with no write on either side (no echo loop), both checked once more; no dead letters, no secret
 * in the runners' logs. See docs/reliability.md, "Both directions".
 */
class EmbeddedRunnerTwoWayFaultIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Change events the local MongoDB keeps. */
  private static final int HISTORY = 20_000;

  /** The enabled Zava collections (product_embeddings is disabled). */
  private static final int ENABLED_COLLECTIONS = 7;

  /**
   * How big a run is: the short one in every {@code mvn verify}, the long one with {@code
   * -Dfaults.long=true} (or {@code -Pfaults}); {@code -Dfaults.seed=N} replays a run.
   */
  record Plan(
      String name,
      long seed,
      int seedDocs,
      int mongoOpsPerSecond,
      int deviceOpsPerSecond,
      int kills,
      int maxKillDelayMillis,
      int settleSeconds,
      int quietSeconds) {

    static Plan fromSystemProperties() {
      long seed = Long.getLong("faults.seed", 20261125L);
      if (Boolean.getBoolean("faults.long")) {
        return new Plan("long", seed, 2000, 30, 15, 10, 8000, 600, 30);
      }
      return new Plan("short", seed, 150, 15, 8, 6, 5000, 150, 15);
    }
  }

  private final Plan plan = Plan.fromSystemProperties();
  private final Random random = new Random(plan.seed() + 7);
  private final List<String> faults = new ArrayList<>();
  private final FaultEffects effects = new FaultEffects();
  private final List<String> workloadErrors = Collections.synchronizedList(new ArrayList<>());
  private Path progress;
  private LocalDitto ditto;

  @Test
  void bothDirectionsConvergeAndGoQuietAfterTheRunnerIsKilled() throws Exception {
    long began = System.nanoTime();
    Path jar = CliJar.fresh();
    Path workDir =
        Files.createDirectories(
            Path.of(
                    "target",
                    "faults",
                    "embedded-two-way-" + plan.name() + "-" + System.currentTimeMillis())
                .toAbsolutePath());
    progress = workDir.resolve("progress.log");
    log("plan " + plan + ", work dir " + workDir);
    String dittoKey = "runnerTwoWayKey" + Long.toHexString(random.nextLong());
    // the local Ditto's CDC feed on a broker process of its own, as Ditto's cloud Kafka would be
    KafkaProcesses kafka = KafkaProcesses.startBroker(workDir, Map.of());
    try (LocalMongo mongo = FaultMongo.start(HISTORY);
        LocalDitto localDitto =
            LocalDitto.start(
                LocalDitto.Options.defaults()
                    .withApiKey(dittoKey)
                    .withDataDir(workDir.resolve("ditto-data"))
                    .withCdc(CdcOptions.toKafka(kafka.bootstrapServers())));
        MongoClient client = MongoClients.create(mongo.connectionString());
        // the runner keeps its CDC positions in its offsets file, not in a consumer group: the
        // feed is only watched here (its end offset, for the loop check and the histories)
        CdcFeed cdc =
            new CdcFeed(localDitto.cdcBootstrapServers(), localDitto.cdcTopic(), "not-used")) {
      ditto = localDitto;
      MongoDatabase db = client.getDatabase("zava");
      for (ZavaWorkload.Coll c : ZavaWorkload.COLLECTIONS) {
        db.createCollection(
            c.name(),
            new CreateCollectionOptions()
                .changeStreamPreAndPostImagesOptions(
                    new ChangeStreamPreAndPostImagesOptions(true)));
      }
      ZavaWorkload workload = new ZavaWorkload(db, plan.seed(), TwoWayConfigs.EJSON);
      workload.seed(plan.seedDocs());
      LocalDittoClient dittoClient = new LocalDittoClient(ditto.endpoint(), dittoKey);
      DittoEdgeWorkload devices =
          new DittoEdgeWorkload(dittoClient, plan.seed() + 1).withEjsonEdits("categories");

      Map<String, String> config = TwoWayConfigs.read("zava-retail-two-way.json");
      TwoWayConfigs.describeCollections(config);
      TwoWayConfigs.mongoIdTypes(config);
      config.put("tasks.max", "2");
      config.put("snapshot.chunk.size", "50");
      config.put("heartbeat.interval.ms", "5000");
      config.put("history.lost.policy", "resnapshot");
      Path configFile = workDir.resolve("two-way.json");
      Files.writeString(
          configFile, JSON.writeValueAsString(Map.of("name", "zava-two-way", "config", config)));
      Path offsets = workDir.resolve("zava.offsets");
      Path deadLetters = workDir.resolve("dead-letters.jsonl");
      Map<String, String> env =
          Map.of(
              "MONGODB_CONNECTION_STRING",
              "mongodb://127.0.0.1:"
                  + mongo.port()
                  + "/?directConnection=true&serverSelectionTimeoutMS=10000",
              "DITTO_CLOUD_ENDPOINT",
              ditto.endpoint(),
              "DITTO_API_KEY",
              dittoKey,
              "DITTO_CDC_BOOTSTRAP_SERVERS",
              ditto.cdcBootstrapServers(),
              "DITTO_CDC_TOPIC",
              ditto.cdcTopic());
      TwoWayCheck both = new TwoWayCheck(new InvariantCheck(db, dittoClient, config), devices, db);

      try (RunnerProcesses runners =
          new RunnerProcesses(
              jar,
              workDir,
              List.of(
                  "-c",
                  configFile.toString(),
                  "--offsets",
                  offsets.toString(),
                  "--dead-letters",
                  deadLetters.toString(),
                  "--status-interval",
                  "1"),
              env)) {
        run(runners, workload, devices, both, db, cdc, offsets, deadLetters, dittoKey, began);
      }
    } finally {
      kafka.close();
    }
  }

  private void run(
      RunnerProcesses runners,
      ZavaWorkload workload,
      DittoEdgeWorkload devices,
      TwoWayCheck both,
      MongoDatabase db,
      CdcFeed cdc,
      Path offsets,
      Path deadLetters,
      String dittoKey,
      long began)
      throws IOException {
    runners.start();
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread mongoWriter =
        WorkloadWriter.thread(
            "mongo-workload",
            writing,
            plan.mongoOpsPerSecond(),
            workload,
            workload::step,
            workloadErrors);
    Thread deviceWriter =
        WorkloadWriter.thread(
            "ditto-devices",
            writing,
            plan.deviceOpsPerSecond(),
            devices,
            devices::step,
            workloadErrors);
    mongoWriter.start();
    try {
      if (!KnownBugs.enabled() && !Boolean.getBoolean("faults.devices.during.copy")) {
        // as in TwoWayFaultSuiteIT: the devices start once every collection streams, unless
        // -Dfaults.devices.during.copy=true (docs/reliability.md "Both directions", bug 2)
        await(
            runners,
            "the runner's copy done (every collection streaming in the offsets file)",
            180,
            () -> RunnerOffsets.streamingNamespaces(offsets) >= ENABLED_COLLECTIONS);
      }
      deviceWriter.start();
      for (int i = 1; i <= plan.kills(); i++) {
        killRunner(runners, i);
      }
    } finally {
      writing.set(false);
      joinQuietly(mongoWriter);
      joinQuietly(deviceWriter);
    }
    log("writers stopped: " + workload.changes() + " MongoDB and " + devices.changes() + " device");

    TwoWayCheck.Checked converged =
        both.awaitConverged(plan.settleSeconds(), () -> requireAlive(runners), this::log);
    QuietPeriod.Result quiet = QuietPeriod.watch(db, cdc, Duration.ofSeconds(plan.quietSeconds()));
    TwoWayCheck.Checked after = both.check();
    Process last = runners.current();
    last.destroy();
    KafkaProcesses.waitFor(last, 30);

    List<String> letters =
        Files.exists(deadLetters)
            ? Files.readAllLines(deadLetters, StandardCharsets.UTF_8)
            : List.of();
    List<String> leaks =
        SecretScan.scan(
            runners.logs(), List.of(), workloadErrors, Map.of("Ditto API key", dittoKey));

    StringBuilder report =
        new StringBuilder(
            "\n=== embedded runner two-way fault run ("
                + plan.name()
                + ", seed "
                + plan.seed()
                + ") ===\n");
    report.append("faults injected: ").append(faults.size()).append('\n');
    faults.forEach(f -> report.append("  - ").append(f).append('\n'));
    effects.appendTo(report);
    TwoWayCheck.appendForward(report, workload, after);
    TwoWayCheck.appendReverse(report, devices, after);
    TwoWayCheck.appendLoopCheck(report, quiet, plan.quietSeconds());
    report.append("--- other checks\n");
    report
        .append("converged before the quiet period: ")
        .append(converged == null ? "no check" : converged.summary())
        .append('\n');
    report
        .append("dead letters: ")
        .append(letters.size())
        .append(' ')
        .append(letters.subList(0, Math.min(3, letters.size())))
        .append('\n');
    report
        .append("device writes Ditto refused: ")
        .append(devices.failures().size())
        .append(' ')
        .append(devices.failures().subList(0, Math.min(3, devices.failures().size())))
        .append('\n');
    report.append("workload errors: ").append(workloadErrors.size()).append('\n');
    report.append("secret leaks: ").append(leaks).append('\n');
    report
        .append("runners started: ")
        .append(runners.starts())
        .append(", run took ")
        .append(Duration.ofNanos(System.nanoTime() - began).toSeconds())
        .append(" s\n");
    report.append("work dir: ").append(progress.getParent()).append('\n');
    log(report.toString());
    Files.writeString(progress.resolveSibling("report.txt"), report, StandardCharsets.UTF_8);
    if (!after.clean()) {
      String history =
          DocumentHistory.of(
              ditto.cdcBootstrapServers(), ditto.cdcTopic(), "zava", after.differing());
      Files.writeString(progress.resolveSibling("history.txt"), history, StandardCharsets.UTF_8);
      log(history.length() > 20_000 ? history.substring(0, 20_000) + "\n..." : history);
    }

    assertEquals(List.of(), effects.unconfirmed(), "kills without their effect" + report);
    assertEquals(plan.kills(), faults.size(), "every planned kill landed" + report);
    assertTrue(after.clean(), "both sides differ: " + after.summary() + report);
    assertTrue(quiet.quiet(), "writes during the quiet period (an echo loop)" + report);
    assertEquals(List.of(), letters, "dead letters without poison" + report);
    assertEquals(List.of(), devices.failures(), "device writes refused by Ditto" + report);
    assertEquals(List.of(), leaks, "secrets leaked" + report);
    assertTrue(
        workload.changes() > 50 && devices.changes() > 20, "both sides wrote enough" + report);
  }

  /**
   * Kill {@code n}: once the current runner has applied changes in both directions, after a seeded
   * random delay, SIGKILL; then a new runner on the same files.
   */
  private void killRunner(RunnerProcesses runners, int n) {
    await(
        runners,
        "runner " + runners.starts() + " applying in both directions",
        120,
        () ->
            runners
                .status()
                .map(s -> s.forwardApplied() > 0 && s.reverseApplied() > 0)
                .orElse(false));
    Pause.millis(random.nextInt(plan.maxKillDelayMillis() + 1));
    RunnerProcesses.Status status = runners.status().orElseThrow();
    long pid = runners.current().pid();
    boolean alive = runners.kill();
    fault(
        "kill -9 "
            + n
            + " of the runner (start "
            + runners.starts()
            + ", pid "
            + pid
            + "), "
            + effects.record(
                "kill -9 while both directions apply",
                (alive ? "it was running" : "it had already exited")
                    + ", its last status: "
                    + status,
                alive && status.forwardApplied() > 0 && status.reverseApplied() > 0));
    runners.start();
  }

  private void await(RunnerProcesses runners, String what, int seconds, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive(runners);
      if (condition.getAsBoolean()) {
        return;
      }
      Pause.millis(200);
    }
    throw new AssertionError(
        what + " not reached in " + seconds + " s; the runner's log:\n" + runners.tail());
  }

  private static void requireAlive(RunnerProcesses runners) {
    assertTrue(runners.current().isAlive(), "the runner exited:\n" + runners.tail());
  }

  private static void joinQuietly(Thread t) {
    try {
      if (t.isAlive()) {
        t.join(30_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void fault(String what) {
    faults.add(what);
    log("fault: " + what);
  }

  private void log(String line) {
    System.out.println("[runner-two-way-faults] " + line);
    try {
      Files.writeString(
          progress,
          Instant.now() + " " + line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      workloadErrors.add(e.getMessage());
    }
  }
}
