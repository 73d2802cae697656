package io.mongoditto.bench;

import io.mongoditto.cli.embedded.EmbeddedSync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The embedded initial sync of the Zava collections, run in a child JVM (started by {@link
 * ChildJvm} with a small {@code -Xmx}) so its heap is the runner's own: MongoDB and Ditto live in
 * other processes. Prints one {@value #RESULT} line for the parent.
 *
 * <p>Inputs from the environment (never the command line, which {@code ps} shows): BENCH_MONGO_URI,
 * BENCH_DATABASE, BENCH_DITTO_ENDPOINT, BENCH_DITTO_KEY, BENCH_DITTO_SUFFIX, BENCH_EXPECTED,
 * BENCH_TIMEOUT_S, BENCH_SETTINGS (extra settings, see {@link #encode}).
 */
public final class EmbeddedSyncRun {

  static final String RESULT = "BENCH_RESULT";

  private EmbeddedSyncRun() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    long expected = Long.parseLong(env.get("BENCH_EXPECTED"));
    Duration timeout =
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("BENCH_TIMEOUT_S", "1800")));
    Map<String, String> settings = new HashMap<>(ZavaData.mapping());
    String suffix = env.getOrDefault("BENCH_DITTO_SUFFIX", "");
    for (String c : ZavaData.collections()) {
      settings.put("collection." + c + ".ditto.collection", c + suffix);
    }
    settings.put("name", "bench-embedded");
    settings.put("mongodb.uri", env.get("BENCH_MONGO_URI"));
    settings.put("mongodb.database", env.get("BENCH_DATABASE"));
    settings.put("ditto.endpoint", env.get("BENCH_DITTO_ENDPOINT"));
    settings.put("ditto.api.key", env.get("BENCH_DITTO_KEY"));
    settings.put("startup.mode", "initial");
    settings.putAll(decode(env.getOrDefault("BENCH_SETTINGS", "")));
    Path dir = Files.createTempDirectory("bench-embedded-");
    String failure = "";
    long applied = 0;
    long nanos = 0;
    long cpuNanos = 0;
    try (HeapSampler heap = new HeapSampler()) {
      EmbeddedSync sync =
          EmbeddedSync.start(
              new EmbeddedSync.Options(
                  settings,
                  dir.resolve("offsets.dat"),
                  dir.resolve("dead-letters.jsonl"),
                  Duration.ofSeconds(1)));
      try {
        if (!sync.awaitStarted(Duration.ofSeconds(60))) {
          failure = "did not start: " + sync.failure();
        } else {
          // Timed from the running task: engine and connector start-up (about a second) left out.
          long start = System.nanoTime();
          long cpuStart = processCpuNanos();
          long deadline = start + timeout.toNanos();
          while (sync.isRunning() && total(sync) < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          nanos = System.nanoTime() - start;
          cpuNanos = processCpuNanos() - cpuStart;
          applied = total(sync);
          if (applied < expected) {
            failure =
                sync.failure() != null
                    ? "stopped: " + sync.failure()
                    : "timed out at " + applied + " of " + expected;
          }
        }
      } finally {
        sync.close();
      }
      heap.close();
      System.out.printf(
          "%s applied=%d nanos=%d peakUsed=%d peakAfterGc=%d maxHeap=%d deadLetters=%d cpuNanos=%d failure=%s%n",
          RESULT,
          applied,
          nanos,
          heap.peakUsed(),
          heap.peakAfterGc(),
          Runtime.getRuntime().maxMemory(),
          sync.deadLetters(),
          cpuNanos,
          failure.replace('\n', ' '));
    } catch (OutOfMemoryError e) {
      System.out.printf(
          "%s applied=%d nanos=0 peakUsed=0 peakAfterGc=0 maxHeap=%d deadLetters=0 failure=OutOfMemoryError %s%n",
          RESULT, applied, Runtime.getRuntime().maxMemory(), e.getMessage());
    }
    System.out.flush();
    System.exit(0);
  }

  /** Extra settings as lines of key=value (values hold no line breaks). */
  static String encode(Map<String, String> settings) {
    StringBuilder sb = new StringBuilder();
    settings.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sb.toString();
  }

  static Map<String, String> decode(String encoded) {
    Map<String, String> out = new HashMap<>();
    for (String line : encoded.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  /** CPU time of this JVM: the runner's own cost, steadier than its rate on a shared machine. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long total(EmbeddedSync sync) {
    return sync.stats().applied().values().stream().mapToLong(Long::longValue).sum();
  }
}
