package io.mongoditto.localditto;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The Kafka side of a local Ditto's CDC feed: the broker (when it runs in this JVM) and the bridge.
 */
final class CdcFeed implements AutoCloseable {

  private final InProcessKafka broker;
  private final CdcKafkaBridge bridge;
  private final String bootstrapServers;
  private final String topic;

  private CdcFeed(
      InProcessKafka broker, CdcKafkaBridge bridge, String bootstrapServers, String topic) {
    this.broker = broker;
    this.bridge = bridge;
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  /** Starts the broker if asked and the bridge from the log under {@code dataDir}/cdc. */
  static CdcFeed start(CdcOptions options, Path dataDir) {
    InProcessKafka broker = null;
    String servers = options.bootstrapServers();
    if (servers == null) {
      InProcessKafka.requireKit();
      broker = InProcessKafka.start();
      servers = broker.bootstrapServers();
    }
    try {
      CdcKafkaBridge bridge =
          CdcKafkaBridge.start(
              new CdcEventLog(dataDir.resolve("cdc")),
              servers,
              options.topic(),
              options.partitions());
      return new CdcFeed(broker, bridge, servers, options.topic());
    } catch (RuntimeException e) {
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  String topic() {
    return topic;
  }

  /** Call after the server stopped: produces the rest of the log, then stops. */
  @Override
  public void close() {
    bridge.close(Duration.ofSeconds(30));
    if (broker != null) {
      broker.close();
    }
  }
}
