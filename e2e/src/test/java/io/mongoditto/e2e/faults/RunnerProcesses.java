package io.mongoditto.e2e.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded runner ({@code mongo-ditto run}) as child JVMs started one after the other on the
 * same offsets and dead-letter files, each with its own log file: what the runner fault tests kill
 * with SIGKILL and start again.
 */
final class RunnerProcesses implements AutoCloseable {

  /** The runner's status line: {@code MongoDB -> Ditto: applied a=1 b=2, ... | Ditto -> ...}. */
  private static final Pattern FORWARD = Pattern.compile(" ([A-Za-z0-9_.-]+)=(\\d+)");

  private static final Pattern REVERSE =
      Pattern.compile("Ditto -> MongoDB: applied (\\d+), echoes (\\d+)");

  /**
   * What one runner's latest status line says it did since it started: MongoDB changes applied to
   * Ditto, and Ditto's CDC events written to MongoDB and recognised as echoes.
   */
  record Status(long forwardApplied, long reverseApplied, long reverseEchoes) {
    @Override
    public String toString() {
      return "MongoDB -> Ditto applied "
          + forwardApplied
          + ", Ditto -> MongoDB applied "
          + reverseApplied
          + " (echoes "
          + reverseEchoes
          + ")";
    }
  }

  private final Path jar;
  private final Path workDir;
  private final List<String> runArgs;
  private final Map<String, String> env;
  private final List<Path> logs = new ArrayList<>();
  private Process current;

  /**
   * @param runArgs the arguments after {@code run} (config, offsets, dead letters, status interval)
   */
  RunnerProcesses(Path jar, Path workDir, List<String> runArgs, Map<String, String> env) {
    this.jar = jar;
    this.workDir = workDir;
    this.runArgs = List.copyOf(runArgs);
    this.env = Map.copyOf(env);
  }

  /** Starts the next runner, logging to {@code runner-<n>.log} in the work dir. */
  Process start() {
    Path log = workDir.resolve("runner-" + (logs.size() + 1) + ".log");
    logs.add(log);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "run"));
    command.addAll(runArgs);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    try {
      current = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the runner", e);
    }
    return current;
  }

  /** The runner started last. */
  Process current() {
    return current;
  }

  /** How many runners were started. */
  int starts() {
    return logs.size();
  }

  List<Path> logs() {
    return List.copyOf(logs);
  }

  Path latestLog() {
    return logs.get(logs.size() - 1);
  }

  /** SIGKILL of the current runner, waited for; whether it was alive when killed. */
  boolean kill() {
    boolean alive = current.isAlive();
    current.destroyForcibly();
    KafkaProcesses.waitFor(current, 15);
    return alive;
  }

  /** The last lines of the current runner's log, for failure messages. */
  String tail() {
    return tail(latestLog());
  }

  /** The current runner's latest status line, if it printed one yet. */
  Optional<Status> status() {
    return status(latestLog());
  }

  static Optional<Status> status(Path log) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i);
      int at = line.indexOf("MongoDB -> Ditto: applied");
      if (at < 0) {
        continue;
      }
      int bar = line.indexOf(" | ", at);
      String forward = line.substring(at, bar < 0 ? line.length() : bar);
      long applied = 0;
      Matcher f = FORWARD.matcher(forward);
      while (f.find()) {
        applied += Long.parseLong(f.group(2));
      }
      Matcher r = REVERSE.matcher(line);
      boolean reverse = r.find();
      return Optional.of(
          new Status(
              applied,
              reverse ? Long.parseLong(r.group(1)) : 0,
              reverse ? Long.parseLong(r.group(2)) : 0));
    }
    return Optional.empty();
  }

  /** The runner writing {@code log} has reported applied changes (it is past its start-up). */
  static boolean applying(Path log) {
    return status(log).map(s -> s.forwardApplied() > 0).orElse(false);
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    if (current != null) {
      current.destroyForcibly();
    }
  }
}
