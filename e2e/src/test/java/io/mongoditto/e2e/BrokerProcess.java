package io.mongoditto.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A real Kafka broker in its own JVM: KRaft combined mode (broker and controller in one node),
 * storage formatted with {@code kafka.tools.StorageTool --standalone}, started with {@code
 * kafka.Kafka server.properties}.
 */
final class BrokerProcess implements AutoCloseable {

  private final JavaProcess process;
  private final int port;

  private BrokerProcess(JavaProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  static BrokerProcess start(KafkaDistribution kafka, Path workDir) {
    int port = FreePorts.next();
    int controllerPort = FreePorts.next();
    Path config = workDir.resolve("server.properties");
    write(config, serverProperties(port, controllerPort, workDir.resolve("kafka-data")));
    // kafka-storage.sh format: a combined node must be formatted before its first start
    JavaProcess.run(
        "kafka-storage-format",
        kafka,
        workDir,
        "kafka.tools.StorageTool",
        "format",
        // one argument: a random id may start with '-', which the tool would read as an option
        "--cluster-id=" + clusterId(),
        "-c",
        config.toString(),
        "--standalone",
        "--ignore-formatted");
    JavaProcess process =
        JavaProcess.start(
            "kafka", kafka, "256m", workDir, Map.of(), "kafka.Kafka", config.toString());
    BrokerProcess broker = new BrokerProcess(process, port);
    try {
      FreePorts.await(
          "the Kafka broker on port " + port,
          Duration.ofSeconds(60),
          () -> FreePorts.listening(port),
          process::requireAlive);
      return broker;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  static Properties serverProperties(int port, int controllerPort, Path dataDir) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
    p.setProperty(
        "listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dataDir.toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // the cleaner's 128 MiB default dedupe buffer does not fit a 256 MiB heap
    p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
    return p;
  }

  /** A cluster id in the form kafka-storage.sh random-uuid prints (base64 of 16 random bytes). */
  private static String clusterId() {
    UUID uuid = UUID.randomUUID();
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  static void write(Path file, Properties properties) {
    try (Writer w = Files.newBufferedWriter(file)) {
      properties.store(w, "written by the e2e test harness");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String bootstrapServers() {
    return "localhost:" + port;
  }

  JavaProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
