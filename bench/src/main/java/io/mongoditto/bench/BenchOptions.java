package io.mongoditto.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What to run and at which size.
 *
 * @param scale Zava Retail scale (1.0 = 650,000+ documents)
 * @param streamEvents inserts per streaming figure
 * @param lagDuration how long the lag run writes
 * @param lagRate changes per second of the lag run
 * @param only the parts to run besides the limits (sync, kafka, lag, reverse); all when empty
 * @param pluginPath the plugin.path holding mongo-kafka-connect's directory
 * @param childHeap -Xmx of the embedded run's JVM
 * @param sourceSettings extra settings for our connectors (Connect and embedded), e.g.
 *     snapshot.chunk.size
 */
record BenchOptions(
    double scale,
    int streamEvents,
    Duration lagDuration,
    int lagRate,
    Set<String> only,
    Path pluginPath,
    String childHeap,
    Map<String, String> sourceSettings) {

  BenchOptions {
    sourceSettings = Map.copyOf(sourceSettings);
  }

  static final List<String> PARTS = List.of("sync", "kafka", "lag", "reverse");
  static final double DEFAULT_SCALE = 0.05;

  static BenchOptions scaled(double scale) {
    boolean full = scale >= 1.0;
    return new BenchOptions(
        scale,
        Math.max(1_000, (int) Math.round(200_000 * Math.min(1, scale * 2))),
        Duration.ofSeconds(full ? 60 : 15),
        1_000,
        Set.of(),
        Path.of(System.getProperty("bench.plugin.dir", "bench/target/plugins")),
        "512m",
        Map.of());
  }

  BenchOptions withStreamEvents(int n) {
    return new BenchOptions(
        scale, n, lagDuration, lagRate, only, pluginPath, childHeap, sourceSettings);
  }

  BenchOptions withLagDuration(Duration d) {
    return new BenchOptions(
        scale, streamEvents, d, lagRate, only, pluginPath, childHeap, sourceSettings);
  }

  BenchOptions withOnly(Set<String> parts) {
    return new BenchOptions(
        scale,
        streamEvents,
        lagDuration,
        lagRate,
        Set.copyOf(parts),
        pluginPath,
        childHeap,
        sourceSettings);
  }

  BenchOptions withSourceSettings(Map<String, String> settings) {
    return new BenchOptions(
        scale, streamEvents, lagDuration, lagRate, only, pluginPath, childHeap, settings);
  }

  boolean runs(String part) {
    return only.isEmpty() || only.contains(part);
  }

  /**
   * {@code [--scale S | --full] [--only sync,kafka,lag,reverse] [--stream-events N] [--lag-seconds
   * S] [--setting key=value ...]}.
   */
  static BenchOptions parse(String[] args) {
    BenchOptions o = scaled(DEFAULT_SCALE);
    Integer events = null;
    Integer lagSeconds = null;
    Set<String> only = new LinkedHashSet<>();
    Map<String, String> settings = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--full" -> o = scaled(1.0);
        case "--scale" -> o = scaled(Double.parseDouble(value(args, ++i, "--scale")));
        case "--only" -> {
          for (String p : value(args, ++i, "--only").split(",")) {
            String part = p.trim().toLowerCase(Locale.ROOT);
            if (!PARTS.contains(part)) {
              throw new IllegalArgumentException("--only takes " + PARTS + ", got " + p);
            }
            only.add(part);
          }
        }
        case "--stream-events" -> events = Integer.parseInt(value(args, ++i, "--stream-events"));
        case "--lag-seconds" -> lagSeconds = Integer.parseInt(value(args, ++i, "--lag-seconds"));
        case "--setting" -> {
          String kv = value(args, ++i, "--setting");
          int eq = kv.indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException("--setting takes key=value, got " + kv);
          }
          settings.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default ->
            throw new IllegalArgumentException(
                ("-h".equals(args[i]) || "--help".equals(args[i])
                        ? ""
                        : "unknown argument " + args[i] + "; ")
                    + "usage: scripts/bench.sh [--scale S | --full] [--only sync,kafka,lag,reverse] [--stream-events N] [--lag-seconds S] [--setting key=value]...");
      }
    }
    if (events != null) {
      o = o.withStreamEvents(events);
    }
    if (lagSeconds != null) {
      o = o.withLagDuration(Duration.ofSeconds(lagSeconds));
    }
    return o.withOnly(only).withSourceSettings(settings);
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return args[i];
  }
}
