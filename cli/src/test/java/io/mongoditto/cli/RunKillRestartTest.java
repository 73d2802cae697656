package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.config.CollectionsConfig;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.cli.seed.ZavaRetailGenerator;
import io.mongoditto.cli.seed.ZavaRetailSeeder;
import io.mongoditto.cli.seed.ZavaRetailSpec;
import io.mongoditto.cli.verify.PipelineProbe;
import io.mongoditto.cli.verify.SyncVerifier;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.RetryPolicy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localmongo.LocalMongo;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded runner as its own process, killed with SIGKILL in the middle of a sync and started
 * again on the same offsets file: afterwards `verify` finds MongoDB and Ditto equal, document counts
 * and sampled documents alike.
 */
class RunKillRestartTest {

  @TempDir Path dir;

  @Test
  void killedMidSyncThenRestartedConverges() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("zava");
      for (String name : ZavaRetailSpec.COLLECTIONS) {
        db.createCollection(name);
        db.runCommand(new Document("collMod", name).append("changeStreamPreAndPostImages", new Document("enabled", true)));
      }
      Path config = dir.resolve("source.json");
      StringBuilder json = new StringBuilder("{\"name\": \"zava-retail-mongo\", \"config\": {");
      ZavaRetailSpec.connectorMapping().forEach((k, v) -> json.append('"').append(k).append("\": \"").append(v).append("\","));
      json.append("\"topic.prefix\": \"zava\", \"mongodb.uri\": \"${env:MONGODB_CONNECTION_STRING}\", \"mongodb.database\": \"zava\"}}");
      Files.writeString(config, json);
      Map<String, String> env = Map.of(
          "MONGODB_CONNECTION_STRING", mongo.connectionString(),
          "DITTO_CLOUD_ENDPOINT", ditto.endpoint(),
          "DITTO_API_KEY", ditto.apiKey());
      Path offsets = dir.resolve("offsets.dat");

      Settings settings = Settings.load(config).resolveEnv(env);
      List<CollectionsConfig.Entry> synced = CollectionsConfig.enabled(settings);
      try (DittoHttpClient dittoClient = new DittoHttpClient(new DittoHttpClient.Settings(ditto.endpoint(), ditto.apiKey(),
          ApiVersion.V5, Duration.ofSeconds(30), new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1),
              Duration.ofSeconds(30)), false))) {
        SyncVerifier verifier = new SyncVerifier(db, dittoClient);

        Process first = startRunner(config, offsets, env, "first");
        try {
          PipelineProbe.awaitStreaming(db, verifier, synced, Duration.ofSeconds(90), first::isAlive);
          // Load in the background and kill the runner once part of it reached Ditto.
          ZavaRetailSpec spec = new ZavaRetailSpec(0.05, 99);
          Thread loader = new Thread(() -> ZavaRetailSeeder.seed(db, new ZavaRetailGenerator(spec, 200), false, null));
          loader.start();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (verifier.dittoCount("orders") < 300 && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertTrue(verifier.dittoCount("orders") >= 300, "the first runner synced part of the orders");
          // Kill right after an offsets flush that follows that progress (flushes come every second).
          long progressAt = System.currentTimeMillis();
          while (Files.getLastModifiedTime(offsets).toMillis() <= progressAt && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
          long ordersAtKill = verifier.dittoCount("orders");
          loader.join();
          assertTrue(ordersAtKill < db.getCollection("orders").countDocuments(),
              "killed mid-sync: " + ordersAtKill + " of " + db.getCollection("orders").countDocuments() + " orders in Ditto");
          // Changes while it is down: they must be picked up from the offsets too.
          DemoCommand.applyLiveChanges(db, spec, 150, 5);
        } finally {
          first.destroyForcibly();
        }

        Process second = startRunner(config, offsets, env, "second");
        try {
          CliRun verify = CliRun.run(env, "", "verify", "-c", config.toString(), "--wait", "180", "--sample", "15");
          assertEquals(ExitCodes.OK, verify.exitCode(), () -> verify + "\nrunner log:\n" + log("second"));
          assertTrue(verify.out().contains("All collections match."), verify::toString);
        } finally {
          second.destroy();
          assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the runner stops on SIGTERM");
        }
        assertTrue(Files.size(offsets) > 0, "offsets were written");
      }
    }
  }

  private Process startRunner(Path config, Path offsets, Map<String, String> env, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
        MongoDittoCli.class.getName(), "run", "-c", config.toString(), "--offsets", offsets.toString(),
        "--dead-letters", dir.resolve("dead-letters.jsonl").toString(), "--status-interval", "2"));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> penv = new HashMap<>(pb.environment());
    penv.putAll(env);
    pb.environment().putAll(penv);
    File logFile = dir.resolve(name + ".log").toFile();
    pb.redirectErrorStream(true).redirectOutput(logFile);
    return pb.start();
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
