package io.mongoditto.e2e;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * A real {@code connect-distributed} worker in its own JVM ({@code
 * org.apache.kafka.connect.cli.ConnectDistributed}), configured from the project's root
 * connect-distributed.properties with only the broker address, REST port and plugin.path of this
 * run replaced, and the environment its connector configs read through {@code ${env:...}}.
 */
final class ConnectWorkerProcess implements AutoCloseable {

  private final JavaProcess process;
  private final ConnectRest rest;
  private final int restPort;

  private ConnectWorkerProcess(JavaProcess process, ConnectRest rest, int restPort) {
    this.process = process;
    this.rest = rest;
    this.restPort = restPort;
  }

  int restPort() {
    return restPort;
  }

  static ConnectWorkerProcess start(
      KafkaDistribution kafka,
      Path workDir,
      String bootstrapServers,
      Path pluginPath,
      Map<String, String> env) {
    return start(kafka, workDir, bootstrapServers, pluginPath, env, FreePorts.next());
  }

  /** On a given REST port, e.g. the port of a worker this one replaces. */
  static ConnectWorkerProcess start(
      KafkaDistribution kafka,
      Path workDir,
      String bootstrapServers,
      Path pluginPath,
      Map<String, String> env,
      int restPort) {
    Properties config =
        workerProperties(
            ProjectFiles.connectDistributedProperties(), bootstrapServers, restPort, pluginPath);
    Path file = workDir.resolve("connect-distributed.properties");
    BrokerProcess.write(file, config);
    JavaProcess process =
        JavaProcess.start(
            "connect",
            kafka,
            "384m",
            workDir,
            env,
            "org.apache.kafka.connect.cli.ConnectDistributed",
            file.toString());
    ConnectWorkerProcess worker =
        new ConnectWorkerProcess(
            process, new ConnectRest("http://127.0.0.1:" + restPort), restPort);
    try {
      // 200 on GET /connectors only once the worker joined its group and read the config topic
      FreePorts.await(
          "the Connect worker's REST API on port " + restPort,
          Duration.ofSeconds(120),
          () -> worker.rest.get("connectors").status() == 200,
          process::requireAlive);
      return worker;
    } catch (RuntimeException e) {
      worker.close();
      throw new IllegalStateException(e.getMessage() + "; worker log:\n" + process.logTail(), e);
    }
  }

  /** The root file with this run's broker, REST listener and plugin.path; everything else kept. */
  static Properties workerProperties(
      Path rootFile, String bootstrapServers, int restPort, Path pluginPath) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(rootFile)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    p.setProperty("bootstrap.servers", bootstrapServers);
    p.setProperty("listeners", "http://127.0.0.1:" + restPort);
    p.setProperty("rest.advertised.host.name", "127.0.0.1");
    p.setProperty("plugin.path", pluginPath.toAbsolutePath().toString());
    return p;
  }

  ConnectRest rest() {
    return rest;
  }

  JavaProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
