package io.mongoditto.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the Kafka distribution's class path (target/kafka-lib), its output in a log file.
 * Stopped on {@link #close()} and, if the test JVM dies first, by a shutdown hook, so no broker or
 * worker outlives the build.
 */
final class JavaProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;
  private final Thread reaper;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.reaper = new Thread(process::destroyForcibly, "reap-" + name);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Starts {@code mainClass} in a new JVM.
   *
   * @param heap e.g. "256m": brokers and workers share two cores with everything else
   */
  static JavaProcess start(
      String name,
      KafkaDistribution kafka,
      String heap,
      Path workDir,
      Map<String, String> env,
      String mainClass,
      String... args) {
    List<String> command = new ArrayList<>(kafka.javaCommand(heap, workDir));
    command.add(mainClass);
    command.addAll(List.of(args));
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(env);
    try {
      return new JavaProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** Runs {@code mainClass} to completion and fails unless it exits with 0. */
  static void run(
      String name, KafkaDistribution kafka, Path workDir, String mainClass, String... args) {
    try (JavaProcess p = start(name, kafka, "128m", workDir, Map.of(), mainClass, args)) {
      if (!p.process.waitFor(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " did not finish in 120 s:\n" + p.logTail());
      }
      if (p.process.exitValue() != 0) {
        throw new IllegalStateException(
            name + " exited with " + p.process.exitValue() + ":\n" + p.logTail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + name, e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** The last lines of the log, for failure messages. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log at " + log + ": " + e + ")";
    }
  }

  /** Fails with the log tail when the process died; used while waiting for it to come up. */
  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + "; its log " + log + ":\n" + logTail());
    }
  }

  @Override
  public void close() {
    // SIGTERM first: the worker leaves its group and the broker shuts down cleanly
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", log " + log + ")";
  }
}
