package io.mongoditto.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The quickstart's Kafka side, as separate processes: a broker (unless one is given, e.g. a Kafka
 * container) and a connect-distributed worker whose plugin.path is a fresh directory holding only
 * the unpacked plugin zip. One per test class: each start costs a few seconds of both cores.
 */
final class ConnectTopology implements AutoCloseable {

  private final Path workDir;
  private final BrokerProcess broker;
  private final Path pluginPath;
  private final String bootstrapServers;
  private final Map<String, String> workerEnv;
  private ConnectWorkerProcess worker;

  private ConnectTopology(
      Path workDir,
      BrokerProcess broker,
      ConnectWorkerProcess worker,
      Path pluginPath,
      String bootstrapServers,
      Map<String, String> workerEnv) {
    this.workDir = workDir;
    this.broker = broker;
    this.worker = worker;
    this.pluginPath = pluginPath;
    this.bootstrapServers = bootstrapServers;
    this.workerEnv = Map.copyOf(workerEnv);
  }

  /** Broker and worker; {@code workerEnv} is what the connector configs read through ${env:...}. */
  static ConnectTopology start(String name, Map<String, String> workerEnv) {
    Path workDir = workDir(name);
    KafkaDistribution kafka = KafkaDistribution.fromBuild();
    BrokerProcess broker = BrokerProcess.start(kafka, workDir);
    try {
      Path plugins = PluginDirectory.unpack(PluginDirectory.zip(), workDir.resolve("plugins"));
      ConnectWorkerProcess worker =
          ConnectWorkerProcess.start(kafka, workDir, broker.bootstrapServers(), plugins, workerEnv);
      return new ConnectTopology(
          workDir, broker, worker, plugins, broker.bootstrapServers(), workerEnv);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /** A worker only, on a broker that runs elsewhere (e.g. a Kafka container). */
  static ConnectTopology startWorker(
      String name, String bootstrapServers, Map<String, String> workerEnv) {
    Path workDir = workDir(name);
    KafkaDistribution kafka = KafkaDistribution.fromBuild();
    Path plugins = PluginDirectory.unpack(PluginDirectory.zip(), workDir.resolve("plugins"));
    ConnectWorkerProcess worker =
        ConnectWorkerProcess.start(kafka, workDir, bootstrapServers, plugins, workerEnv);
    return new ConnectTopology(workDir, null, worker, plugins, bootstrapServers, workerEnv);
  }

  /** target/e2e/<name>: kept after the run, with every process's log, for post-mortems. */
  private static Path workDir(String name) {
    Path dir = Path.of("target", "e2e", name + "-" + System.currentTimeMillis()).toAbsolutePath();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops the worker (SIGTERM, as a restart or rolling upgrade does); {@link #startStoppedWorker()}
   * brings a new worker process up on the same REST port, group and internal topics.
   */
  void stopWorker() {
    worker.close();
  }

  void startStoppedWorker() {
    worker =
        ConnectWorkerProcess.start(
            KafkaDistribution.fromBuild(),
            workDir,
            bootstrapServers,
            pluginPath,
            workerEnv,
            worker.restPort());
  }

  ConnectRest rest() {
    return worker.rest();
  }

  ConnectWorkerProcess worker() {
    return worker;
  }

  Path workDir() {
    return workDir;
  }

  Path pluginPath() {
    return pluginPath;
  }

  /** For failure messages: where each process logs and its last lines. */
  String diagnostics() {
    StringBuilder sb = new StringBuilder("work dir ").append(workDir);
    sb.append("\n--- worker log tail ---\n").append(worker.process().logTail());
    if (broker != null) {
      sb.append("\n--- broker log tail ---\n").append(broker.process().logTail());
    }
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      worker.close();
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }
}
