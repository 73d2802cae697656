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
import io.mongoditto.localditto.FaultProxy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The embedded runner ({@code mongo-ditto run}, offsets in a file, dead letters in a JSON-lines
 * file) as a child JVM from cli/target/mongo-ditto-cli.jar, killed with SIGKILL and started again
 * on the same offsets file several times while the seeded workload runs, Ditto is unavailable and
 * MongoDB connections are cut; then the same invariant, dead-letter and secret checks as {@link
 * ConnectFaultSuiteIT}. The e2e module depends on cli, so {@code mvn -pl e2e -am verify} (and
 * {@code -Pfaults}) builds the jar first; a missing or stale jar fails ({@link CliJar}).
 */
class EmbeddedRunnerFaultIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FaultPlan plan = FaultPlan.fromSystemProperties();
  private final Random random = new Random(plan.seed() + 1);
  private final List<String> faults = new ArrayList<>();
  private final FaultEffects effects = new FaultEffects();
  private final List<String> messages = new ArrayList<>();

  @Test
  void killedRunnerLosesNothing() throws Exception {
    Path jar = CliJar.fresh();
    RunnerProcesses runners = null;
    Path workDir =
        Files.createDirectories(
            Path.of(
                    "target",
                    "faults",
                    "embedded-" + plan.name() + "-" + System.currentTimeMillis())
                .toAbsolutePath());
    String mongoSecret = "mongoSecret" + HexFormat.of().formatHex(longBytes(random.nextLong()));
    String dittoKey = "dittoKey" + HexFormat.of().formatHex(longBytes(random.nextLong()));
    try (LocalMongo mongo = LocalMongo.builder().historySize(plan.historySize() * 4).start();
        MongoTcpProxy mongoProxy = new MongoTcpProxy(mongo.port());
        LocalDitto ditto =
            LocalDitto.start(
                LocalDitto.Options.defaults()
                    .withApiKey(dittoKey)
                    .withDataDir(workDir.resolve("ditto-data")));
        FaultProxy dittoProxy = FaultProxy.start(ditto.endpoint());
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("zava");
      for (ZavaWorkload.Coll c : ZavaWorkload.COLLECTIONS) {
        db.createCollection(
            c.name(),
            new CreateCollectionOptions()
                .changeStreamPreAndPostImagesOptions(
                    new ChangeStreamPreAndPostImagesOptions(true)));
      }
      ZavaWorkload workload = new ZavaWorkload(db, plan.seed() + 1);
      workload.seed(plan.seedDocs());
      PoisonDocuments poison = new PoisonDocuments();
      poison.insertAll(db, 0, name -> workload.insert(coll(name)));

      Map<String, String> source =
          new LinkedHashMap<>(TwoWayConfigs.read("zava-retail-source.json"));
      source.put("tasks.max", "2");
      source.put("snapshot.chunk.size", "20");
      source.put("history.lost.policy", "resnapshot");
      Path config = workDir.resolve("source.json");
      Files.writeString(
          config, JSON.writeValueAsString(Map.of("name", "zava-retail-mongo", "config", source)));
      Map<String, String> env =
          Map.of(
              "MONGODB_CONNECTION_STRING",
              "mongodb://127.0.0.1:"
                  + mongoProxy.port()
                  + "/?directConnection=true&serverSelectionTimeoutMS=10000&faultSuiteToken="
                  + mongoSecret,
              "DITTO_CLOUD_ENDPOINT",
              dittoProxy.endpoint(),
              "DITTO_API_KEY",
              dittoKey);
      Path offsets = workDir.resolve("zava.offsets");
      Path deadLetters = workDir.resolve("dead-letters.jsonl");
      LocalDittoClient dittoClient = new LocalDittoClient(ditto.endpoint(), dittoKey);
      InvariantCheck invariant = new InvariantCheck(db, dittoClient, source);

      runners =
          new RunnerProcesses(
              jar,
              workDir,
              List.of(
                  "-c",
                  config.toString(),
                  "--offsets",
                  offsets.toString(),
                  "--dead-letters",
                  deadLetters.toString(),
                  "--status-interval",
                  "5"),
              env);
      RunnerProcesses runner = runners;
      runner.start();
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer =
          new Thread(
              () -> {
                while (writing.get()) {
                  try {
                    synchronized (workload) {
                      workload.step();
                    }
                  } catch (RuntimeException e) {
                    messages.add(String.valueOf(e.getMessage()));
                  }
                  Pause.millis(1000 / plan.opsPerSecond());
                }
              },
              "zava-workload");
      writer.start();
      try {
        // early in the initial copy, before the first offsets flush (KnownBugs 2): as soon as
        // the first copied documents are in Ditto
        long inDitto = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (inDitto == 0 && System.nanoTime() < deadline) {
          assertTrue(runner.current().isAlive(), "the runner exited: " + runner.tail());
          inDitto = countDitto(dittoClient, source);
          Pause.millis(20);
        }
        boolean offsetsWritten = Files.exists(offsets);
        long inMongo = countMongo(db, source);
        runner.kill();
        fault(
            "kill -9 of the embedded runner in its initial copy, "
                + effects.record(
                    "kill -9 in the copy",
                    "Ditto held "
                        + inDitto
                        + " of "
                        + inMongo
                        + " documents, offsets file "
                        + (offsetsWritten ? "written" : "not written yet"),
                    inDitto > 0 && (inDitto < inMongo || !offsetsWritten)));
        runner.start();
        List<Runnable> schedule = new ArrayList<>();
        for (int i = 0; i < Math.max(2, plan.streamingKills() + 1); i++) {
          schedule.add(
              () -> {
                boolean alive = runner.kill();
                fault(
                    "kill -9 of the embedded runner (start "
                        + runner.starts()
                        + "), "
                        + effects.record(
                            "kill -9 while streaming",
                            alive ? "the runner was running" : "the runner had already exited",
                            alive));
                runner.start();
              });
        }
        String[] modes = {"503", "hang"};
        for (int i = 0; i < Math.max(1, plan.dittoOutages() / 2); i++) {
          String mode = modes[i % modes.length];
          schedule.add(
              () -> {
                int s = seconds();
                int before = dittoProxy.faultedCount();
                if (mode.equals("503")) {
                  dittoProxy.respondWith(503, null);
                } else {
                  dittoProxy.hang();
                }
                Pause.millis(s * 1000L);
                // an outage nobody hit proves nothing: hold it until the sink has (30 s at most)
                for (int w = 0; w < 60 && dittoProxy.faultedCount() == before; w++) {
                  Pause.millis(500);
                }
                dittoProxy.clear();
                int faulted = dittoProxy.faultedCount() - before;
                fault(
                    "Ditto unavailable ("
                        + mode
                        + ") for "
                        + s
                        + " s, "
                        + effects.record(
                            "Ditto unavailable (" + mode + ")",
                            faulted + " requests faulted",
                            faulted > 0));
              });
        }
        schedule.add(
            () -> {
              int s = seconds();
              // a cut with nothing connected proves nothing: wait until the current runner
              // streams (its status line reports applied changes) and its driver is connected. (A
              // cut during the runner's start-up validation makes it exit: another fault.)
              long connectBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
              while ((mongoProxy.openSockets() == 0
                      || !RunnerProcesses.applying(runner.latestLog()))
                  && System.nanoTime() < connectBy) {
                Pause.millis(100);
              }
              int refusedBefore = mongoProxy.refused();
              mongoProxy.refuse(true);
              int cut = mongoProxy.cut();
              Pause.millis(s * 1000L);
              mongoProxy.refuse(false);
              int refused = mongoProxy.refused() - refusedBefore;
              fault(
                  "MongoDB connections cut, refused for "
                      + s
                      + " s, "
                      + effects.record(
                          "MongoDB connections cut",
                          cut + " sockets cut, " + refused + " new connections refused",
                          cut > 0));
            });
        schedule.add(
            () -> {
              synchronized (workload) {
                poison.insertAll(db, 1, name -> workload.insert(coll(name)));
              }
              fault("poison documents written while streaming");
            });
        java.util.Collections.shuffle(schedule, random);
        for (Runnable r : schedule) {
          r.run();
          Pause.millis(2000 + random.nextInt(3000));
          assertTrue(runner.current().isAlive(), "the runner exited: " + runner.tail());
        }
      } finally {
        writing.set(false);
        writer.join(10_000);
      }

      InvariantCheck.Result result = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(plan.settleSeconds()).toNanos();
      int clean = 0;
      while (System.nanoTime() < deadline && clean < 2) {
        result = invariant.check();
        clean = result.clean() ? clean + 1 : 0;
        Pause.millis(2000);
      }
      runners.current().destroy();
      KafkaProcesses.waitFor(runners.current(), 30);

      Map<String, String> deadLettered = new TreeMap<>();
      Map<String, List<String>> reasons = new TreeMap<>();
      List<String> unexpected = new ArrayList<>();
      int heartbeats = 0;
      if (Files.exists(deadLetters)) {
        for (String line : Files.readAllLines(deadLetters, StandardCharsets.UTF_8)) {
          JsonNode letter = JSON.readTree(line);
          String reason =
              letter.hasNonNull("error")
                  ? letter.get("error").asText()
                  : letter.path("headers").path(DeadLetters.SOURCE_REASON).asText(null);
          String tag =
              poison.poison().keySet().stream().filter(line::contains).findFirst().orElse(null);
          if (tag == null && letter.path("topic").asText().endsWith(".heartbeat")) {
            heartbeats++; // KnownBugs 3 (fixed): the sink must never see heartbeat-topic records
            unexpected.add("heartbeat record: " + reason);
          } else if (tag == null) {
            unexpected.add(letter.path("stage").asText() + ": " + reason);
          } else if (reason != null && !reason.isBlank()) {
            deadLettered.putIfAbsent(tag, letter.path("stage").asText() + ": " + reason);
            reasons.computeIfAbsent(tag, t -> new ArrayList<>()).add(reason);
          }
        }
      }
      List<String> reasonProblems = poison.reasonProblems(reasons);
      List<String> refusalProblems =
          result == null
              ? List.of("no check ran")
              : poison.refusalProblems(result.refused(), Set.of());
      List<String> leaks =
          SecretScan.scan(
              runners.logs(),
              List.of(),
              messages,
              Map.of("MongoDB secret", mongoSecret, "Ditto API key", dittoKey));
      StringBuilder report =
          new StringBuilder(
              "\n=== embedded runner fault run ("
                  + plan.name()
                  + ", seed "
                  + plan.seed()
                  + ") ===\n");
      report.append("faults injected: ").append(faults.size()).append('\n');
      faults.forEach(f -> report.append("  - ").append(f).append('\n'));
      effects.appendTo(report);
      report
          .append("changes made: ")
          .append(workload.changes())
          .append(' ')
          .append(workload.changesByKind())
          .append('\n');
      report.append("documents checked: ").append(result.checked()).append('\n');
      report
          .append("lost: ")
          .append(result.lost().size())
          .append("\nstale: ")
          .append(result.stale().size())
          .append("\nextra: ")
          .append(result.extra().size())
          .append('\n');
      report
          .append("dead-lettered: ")
          .append(deadLettered.size())
          .append(" of ")
          .append(poison.poison().size())
          .append('\n');
      deadLettered.forEach(
          (t, why) -> report.append("  - ").append(t).append(" -> ").append(why).append('\n'));
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
      report.append("dead-lettered that are not poison: ").append(unexpected).append('\n');
      report.append("of which heartbeat records (KnownBugs 3): ").append(heartbeats).append('\n');
      report
          .append("secret leaks: ")
          .append(leaks)
          .append("\nwork dir: ")
          .append(workDir)
          .append('\n');
      System.out.println(report);
      Files.writeString(workDir.resolve("report.txt"), report);

      assertEquals(List.of(), effects.unconfirmed(), "faults without their effect" + report);
      assertTrue(result.clean(), "invariant broken: " + result.summary() + report);
      assertEquals(List.of(), refusalProblems, "refused documents are not the poison" + report);
      assertEquals(List.of(), reasonProblems, "poison not dead-lettered for its defect" + report);
      assertEquals(List.of(), unexpected, "dead-lettered records that are not poison" + report);
      assertEquals(List.of(), leaks, "secrets leaked" + report);
    } finally {
      if (runners != null) {
        runners.close();
      }
    }
  }

  private int seconds() {
    return plan.minOutageSeconds()
        + random.nextInt(plan.maxOutageSeconds() - plan.minOutageSeconds() + 1);
  }

  private void fault(String what) {
    faults.add(what);
    System.out.println("[fault-suite] fault: " + what);
  }

  /** Documents in the Ditto collections the enabled MongoDB collections map to. */
  private static long countDitto(LocalDittoClient ditto, Map<String, String> source) {
    long n = 0;
    for (String c : enabledCollections(source)) {
      try {
        n += ditto.select(source.getOrDefault("collection." + c + ".ditto.collection", c)).size();
      } catch (RuntimeException e) {
        // not created yet: nothing copied into it
      }
    }
    return n;
  }

  private static long countMongo(MongoDatabase db, Map<String, String> source) {
    long n = 0;
    for (String c : enabledCollections(source)) {
      n += db.getCollection(c).countDocuments();
    }
    return n;
  }

  private static List<String> enabledCollections(Map<String, String> source) {
    return java.util.Arrays.stream(source.get("collections").split(","))
        .map(String::trim)
        .filter(c -> !"false".equals(source.get("collection." + c + ".enabled")))
        .toList();
  }

  private static ZavaWorkload.Coll coll(String name) {
    return ZavaWorkload.COLLECTIONS.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static byte[] longBytes(long v) {
    return java.nio.ByteBuffer.allocate(8).putLong(v).array();
  }
}
