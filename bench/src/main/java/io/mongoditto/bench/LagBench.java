package io.mongoditto.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.localditto.LocalDittoClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;

/**
 * End-to-end lag through the embedded runner: inserts at a fixed rate into MongoDB while a poller
 * counts the documents in Ditto. The sink applies one collection's changes in order, so a count of
 * n means the first n inserts are visible; insert i is visible at the first poll (its response)
 * that counts more than i. Lag = that moment minus the moment just before insert i was sent, so it
 * is never understated (it may be overstated by up to one poll round trip).
 */
final class LagBench {

  /** The lags in milliseconds, sorted, and what went wrong if anything. */
  record Result(
      double[] lagsMillis, int changes, double achievedRate, double pollMillis, String problem) {
    double percentile(double p) {
      if (lagsMillis.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p / 100.0 * lagsMillis.length) - 1;
      return lagsMillis[Math.max(0, Math.min(lagsMillis.length - 1, i))];
    }
  }

  private record Poll(long nanos, long count) {}

  private LagBench() {}

  static Result run(
      MongoDatabase db,
      String mongoUri,
      LocalDittoClient ditto,
      String dittoEndpoint,
      String dittoKey,
      String collection,
      int perSecond,
      Duration duration,
      Map<String, String> extra)
      throws Exception {
    ZavaData.createWithImages(db, collection);
    MongoCollection<Document> coll = db.getCollection(collection);
    Map<String, String> settings = new HashMap<>();
    settings.put("name", "bench-lag");
    settings.put("mongodb.uri", mongoUri);
    settings.put("mongodb.database", db.getName());
    settings.put("collections", collection);
    // From a moment before the probe: a stream opened a little after it still sees it.
    settings.put("startup.mode", "timestamp");
    settings.put("startup.timestamp", Long.toString(System.currentTimeMillis() / 1000 - 1));
    settings.put("ditto.endpoint", dittoEndpoint);
    settings.put("ditto.api.key", dittoKey);
    settings.putAll(extra);
    Path dir = Files.createTempDirectory("bench-lag-");
    int changes = (int) (perSecond * duration.toSeconds());
    String countStatement = "SELECT COUNT(*) AS n FROM " + collection;
    EmbeddedSync sync =
        EmbeddedSync.start(
            new EmbeddedSync.Options(
                settings,
                dir.resolve("offsets.dat"),
                dir.resolve("dead-letters.jsonl"),
                Duration.ofSeconds(1)));
    try {
      if (!sync.awaitStarted(Duration.ofSeconds(60))) {
        return new Result(
            new double[0], 0, 0, 0, "the embedded runner did not start: " + sync.failure());
      }
      // Probe: the stream is open once a first insert reaches Ditto.
      coll.insertOne(InsertLoad.doc(0));
      long probeDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (count(ditto, countStatement) < 1) {
        if (System.nanoTime() > probeDeadline) {
          return new Result(
              new double[0],
              0,
              0,
              0,
              "the probe never reached Ditto"
                  + (sync.failure() != null ? ": " + sync.failure() : ""));
        }
        Thread.sleep(20);
      }
      List<Poll> polls = new CopyOnWriteArrayList<>();
      long target = changes + 1L;
      Thread poller =
          new Thread(
              () -> {
                long deadline =
                    System.nanoTime() + duration.toNanos() + Duration.ofSeconds(120).toNanos();
                long n = 0;
                while (n < target && System.nanoTime() < deadline) {
                  n = count(ditto, countStatement);
                  polls.add(new Poll(System.nanoTime(), n));
                }
              },
              "bench-lag-poller");
      poller.start();
      long writeStart = System.nanoTime();
      long[] sent = InsertLoad.paced(coll, 1, changes, perSecond);
      double achieved = Units.perSecond(changes, System.nanoTime() - writeStart);
      poller.join();
      double[] lags = new double[changes];
      int p = 0;
      int measured = 0;
      for (int i = 0; i < changes; i++) {
        // insert i has _id i+1; the probe is 0: visible when count > i+1
        while (p < polls.size() && polls.get(p).count() <= i + 1) {
          p++;
        }
        if (p == polls.size()) {
          break;
        }
        lags[measured++] = Math.max(0, polls.get(p).nanos() - sent[i]) / 1e6;
      }
      double[] done = Arrays.copyOf(lags, measured);
      Arrays.sort(done);
      double pollMillis =
          polls.size() < 2
              ? 0
              : (polls.get(polls.size() - 1).nanos() - polls.get(0).nanos())
                  / 1e6
                  / (polls.size() - 1);
      String problem =
          measured < changes
              ? (changes - measured) + " of " + changes + " changes never seen in Ditto"
              : null;
      return new Result(done, changes, achieved, pollMillis, problem);
    } finally {
      sync.close();
    }
  }

  private static long count(LocalDittoClient ditto, String statement) {
    List<Map<String, Object>> items = LocalDittoClient.items(ditto.execute(statement, Map.of()));
    return items.isEmpty() ? 0 : ((Number) items.get(0).get("n")).longValue();
  }
}
