package io.mongoditto.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@link EmbeddedSyncRun} in a child JVM with a given {@code -Xmx} and reads its result. */
final class ChildJvm {

  /** What the child reported. */
  record Result(
      long applied,
      long nanos,
      long peakUsed,
      long peakAfterGc,
      long maxHeap,
      long deadLetters,
      long cpuNanos,
      String failure,
      int exitCode,
      Path log) {
    boolean ok() {
      return exitCode == 0 && failure.isEmpty();
    }
  }

  private ChildJvm() {}

  static Result embeddedSync(String maxHeap, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Files.createTempFile("bench-embedded-child-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx" + maxHeap,
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp",
                    System.getProperty("java.class.path"),
                    EmbeddedSyncRun.class.getName()))
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    pb.environment().put("BENCH_TIMEOUT_S", Long.toString(timeoutSeconds));
    // BENCH_CHILD_JAVA_OPTS: options for the child only, e.g. a JFR recording of the embedded sync
    // (JAVA_TOOL_OPTIONS would reach the benchmark's own JVM too).
    String childOpts = System.getenv("BENCH_CHILD_JAVA_OPTS");
    pb.environment().remove("BENCH_CHILD_JAVA_OPTS");
    if (childOpts != null && !childOpts.isBlank()) {
      pb.environment().put("JAVA_TOOL_OPTIONS", childOpts);
    }
    Process p = pb.start();
    String line;
    Map<String, String> fields = new HashMap<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      while ((line = out.readLine()) != null) {
        if (line.startsWith(EmbeddedSyncRun.RESULT + " ")) {
          parse(line.substring(EmbeddedSyncRun.RESULT.length() + 1), fields);
        }
      }
    }
    if (!p.waitFor(timeoutSeconds + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    int exit = p.isAlive() ? -1 : p.exitValue();
    if (fields.isEmpty()) {
      return new Result(
          0, 0, 0, 0, 0, 0, 0, "no result (exit " + exit + "), see " + log, exit, log);
    }
    return new Result(
        num(fields, "applied"),
        num(fields, "nanos"),
        num(fields, "peakUsed"),
        num(fields, "peakAfterGc"),
        num(fields, "maxHeap"),
        num(fields, "deadLetters"),
        num(fields, "cpuNanos"),
        fields.getOrDefault("failure", ""),
        exit,
        log);
  }

  /** key=value pairs; the last one, failure, runs to the end of the line. */
  private static void parse(String s, Map<String, String> into) {
    int f = s.indexOf("failure=");
    String head = f >= 0 ? s.substring(0, f) : s;
    for (String kv : head.trim().split(" ")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        into.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    into.put("failure", f >= 0 ? s.substring(f + "failure=".length()).trim() : "");
  }

  private static long num(Map<String, String> m, String k) {
    try {
      return Long.parseLong(m.getOrDefault(k, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
