package io.mongoditto.bench;

import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The embedded initial sync and its heap: one run of the embedded runner in a child JVM with {@code
 * -Xmx512m} (MongoDB and Ditto are other processes' memory), then a count of every Ditto collection
 * against MongoDB's.
 */
final class SyncFigures {

  static final String SUFFIX = "_sync";

  private final BenchOptions options;
  private final PrintStream progress;

  SyncFigures(BenchOptions options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  void add(
      ResultTable table,
      LocalMongo mongo,
      LocalDitto ditto,
      LocalDittoClient client,
      Map<String, Long> counts,
      RawLimits.Rate scan,
      RawLimits.Rate dittoWrite)
      throws Exception {
    long documents = ZavaData.total(counts);
    progress.printf(
        "[bench] embedded initial sync of %,d documents in a child JVM with -Xmx%s%n",
        documents, options.childHeap());
    Map<String, String> env = new HashMap<>();
    env.put("BENCH_MONGO_URI", mongo.connectionString());
    env.put("BENCH_DATABASE", Bench.ZAVA_DB);
    env.put("BENCH_DITTO_ENDPOINT", ditto.endpoint());
    env.put("BENCH_DITTO_KEY", ditto.apiKey());
    env.put("BENCH_DITTO_SUFFIX", SUFFIX);
    env.put("BENCH_EXPECTED", Long.toString(documents));
    env.put("BENCH_SETTINGS", EmbeddedSyncRun.encode(options.sourceSettings()));
    ChildJvm.Result r =
        ChildJvm.embeddedSync(options.childHeap(), env, Math.max(300, documents / 100));
    String mismatch = r.ok() ? countMismatch(client, counts) : null;

    String syncFigure = "Initial sync, embedded, MongoDB -> Ditto";
    boolean scanSlower = scan.perSecond() < dittoWrite.perSecond();
    double slower = Math.min(scan.perSecond(), dittoWrite.perSecond());
    if (!r.ok()) {
      table.add(Row.failed(syncFigure, r.failure() + " (log " + r.log() + ")"));
    } else if (mismatch != null) {
      table.add(Row.failed(syncFigure, mismatch));
    } else {
      table.add(
          Row.atLeast(
              syncFigure,
              Units.perSecond(r.applied(), r.nanos()),
              "docs/s",
              scanSlower ? "raw scan" : "raw Ditto write",
              slower,
              0.7,
              ">= 0.7",
              String.format(
                  Locale.ROOT,
                  "%,d documents, counts checked in Ditto; from the running task to the last acknowledged batch; child JVM -Xmx%s;"
                      + " the runner's JVM used %.0f us of CPU per document",
                  r.applied(),
                  options.childHeap(),
                  r.cpuNanos() / 1e3 / Math.max(1, r.applied()))));
    }
    String heapFigure =
        "Peak heap of the embedded initial sync ("
            + (options.scale() >= 1.0 ? "full size" : "scale " + options.scale())
            + ")";
    String heapValue =
        String.format(
            Locale.ROOT,
            "%s used (%s live after GC)",
            Units.bytes(r.peakUsed()),
            Units.bytes(r.peakAfterGc()));
    boolean pass = r.ok() && mismatch == null;
    table.add(
        new Row(
            heapFigure,
            r.peakUsed() > 0 ? r.peakUsed() : Double.NaN,
            r.peakUsed() > 0 ? heapValue : "n/a",
            "-Xmx" + options.childHeap(),
            r.maxHeap() > 0 ? Units.ratio((double) r.peakUsed() / r.maxHeap()) : "",
            "completes with -Xmx512m",
            pass ? "pass" : "MISSED",
            pass
                ? "sampled every 20 ms via MemoryMXBean; live = heap pools' usage after their last collection"
                : r.failure() + (mismatch == null ? "" : "; " + mismatch)));
  }

  /** Null when every Ditto collection holds as many documents as its MongoDB collection. */
  private static String countMismatch(LocalDittoClient client, Map<String, Long> counts) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      List<Map<String, Object>> items =
          LocalDittoClient.items(
              client.execute("SELECT COUNT(*) AS n FROM " + e.getKey() + SUFFIX, Map.of()));
      long n = items.isEmpty() ? 0 : ((Number) items.get(0).get("n")).longValue();
      if (n != e.getValue()) {
        sb.append(e.getKey())
            .append(": ")
            .append(n)
            .append(" in Ditto, ")
            .append(e.getValue())
            .append(" in MongoDB; ");
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
