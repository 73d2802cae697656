package io.mongoditto.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.ExitCodes;
import io.mongoditto.cli.MongoDittoCli;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.cli.verify.SyncVerifier;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.RetryPolicy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.tools.seed.ZavaRetailGenerator;
import io.mongoditto.tools.seed.ZavaRetailSeeder;
import io.mongoditto.tools.seed.ZavaRetailSpec;
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
 * The embedded runner as its own process, killed with SIGKILL in the middle of its initial copy
 * (with changes made while it is down) and started again on the same offsets file: afterwards
 * `verify` finds MongoDB and Ditto equal, document counts and sampled documents alike.
 */
class RunKillRestartIT {

  @TempDir Path dir;

  @Test
  void killedMidSyncThenRestartedConverges() throws Exception {
    try (LocalMongo mongo = LocalMongo.start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("zava");
      for (String name : ZavaRetailSpec.COLLECTIONS) {
        db.createCollection(name);
        db.runCommand(
            new Document("collMod", name)
                .append("changeStreamPreAndPostImages", new Document("enabled", true)));
      }
      Path config = dir.resolve("source.json");
      StringBuilder json = new StringBuilder("{\"name\": \"zava-retail-mongo\", \"config\": {");
      ZavaRetailSpec.connectorMapping()
          .forEach((k, v) -> json.append('"').append(k).append("\": \"").append(v).append("\","));
      json.append(
          "\"topic.prefix\": \"zava\", \"mongodb.uri\": \"${env:MONGODB_CONNECTION_STRING}\", \"mongodb.database\": \"zava\"}}");
      Files.writeString(config, json);
      Map<String, String> env =
          Map.of(
              "MONGODB_CONNECTION_STRING", mongo.connectionString(),
              "DITTO_CLOUD_ENDPOINT", ditto.endpoint(),
              "DITTO_API_KEY", ditto.apiKey());
      Path offsets = dir.resolve("offsets.dat");

      Settings settings = Settings.load(config).resolveEnv(env);
      List<CollectionConfig> synced = settings.collectionsSyncedToDitto();
      try (DittoHttpClient dittoClient =
          new DittoHttpClient(
              new DittoHttpClient.Settings(
                  ditto.endpoint(),
                  ditto.apiKey(),
                  ApiVersion.V5,
                  Duration.ofSeconds(30),
                  new RetryPolicy(
                      Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)),
                  false))) {
        SyncVerifier verifier = new SyncVerifier(db, dittoClient);

        ZavaRetailSpec spec = new ZavaRetailSpec(0.05, 99);
        ZavaRetailSeeder.seed(db, new ZavaRetailGenerator(spec, 1000), false, null);
        long total = 0;
        for (CollectionConfig e : synced) {
          total += db.getCollection(e.name()).countDocuments();
        }

        Process first = startRunner(config, offsets, env, "first");
        try {
          // Kill it (SIGKILL) mid-copy, right after an offsets flush that follows some progress.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (dittoTotal(verifier, synced) < 2_000
              && first.isAlive()
              && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          long progressAt = System.currentTimeMillis();
          while ((!Files.exists(offsets)
                  || Files.getLastModifiedTime(offsets).toMillis() <= progressAt)
              && first.isAlive()
              && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertTrue(first.isAlive(), () -> "the first runner died:\n" + log("first"));
          first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
          long atKill = dittoTotal(verifier, synced);
          assertTrue(
              atKill >= 2_000 && atKill < total,
              "killed mid-copy: " + atKill + " of " + total + " documents in Ditto");
          // Changes while it is down must arrive too.
          DemoCommand.applyLiveChanges(db, spec, 300, 5);
        } finally {
          first.destroyForcibly();
        }

        Process second = startRunner(config, offsets, env, "second");
        try {
          CliRun verify =
              CliRun.run(
                  env, "", "verify", "-c", config.toString(), "--wait", "180", "--sample", "15");
          assertEquals(
              ExitCodes.OK, verify.exitCode(), () -> verify + "\nrunner log:\n" + log("second"));
          assertTrue(verify.out().contains("All collections match."), verify::toString);
        } finally {
          second.destroy();
          assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the runner stops on SIGTERM");
        }
        assertTrue(Files.size(offsets) > 0, "offsets were written");
      }
    }
  }

  private static long dittoTotal(SyncVerifier verifier, List<CollectionConfig> synced) {
    long n = 0;
    for (CollectionConfig e : synced) {
      n += verifier.dittoCount(e.mapping().dittoCollection());
    }
    return n;
  }

  private String classpath;

  /**
   * The test classpath with every class directory copied: other builds in the same tree may
   * recompile target/classes while the runner processes load classes from it.
   */
  private String frozenClasspath() throws Exception {
    if (classpath == null) {
      List<String> entries = new ArrayList<>();
      int i = 0;
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path p = Path.of(entry);
        if (Files.isDirectory(p)) {
          Path copy = dir.resolve("cp-" + i++);
          try (var paths = Files.walk(p)) {
            for (Path src : (Iterable<Path>) paths::iterator) {
              Path dst = copy.resolve(p.relativize(src).toString());
              if (Files.isDirectory(src)) {
                Files.createDirectories(dst);
              } else {
                Files.copy(src, dst);
              }
            }
          }
          entries.add(copy.toString());
        } else {
          entries.add(entry);
        }
      }
      classpath = String.join(File.pathSeparator, entries);
    }
    return classpath;
  }

  private Process startRunner(Path config, Path offsets, Map<String, String> env, String name)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx384m",
                "-cp",
                frozenClasspath(),
                MongoDittoCli.class.getName(),
                "run",
                "-c",
                config.toString(),
                "--offsets",
                offsets.toString(),
                "--dead-letters",
                dir.resolve("dead-letters.jsonl").toString(),
                "--status-interval",
                "2"));
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
