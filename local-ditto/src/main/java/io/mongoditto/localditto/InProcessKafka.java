package io.mongoditto.localditto;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node Kafka (KRaft, broker and controller combined) in this JVM, from Kafka's own test kit.
 * That kit is an optional dependency of this module: whoever asks for the in-process broker adds
 * {@code org.apache.kafka:kafka-test-common-runtime} to their (test) class path.
 */
final class InProcessKafka implements AutoCloseable {

  private final KafkaClusterTestKit cluster;

  private InProcessKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Checked before this class is loaded, so a missing kit gets an explanation. */
  static void requireKit() {
    try {
      Class.forName(
          "org.apache.kafka.common.test.KafkaClusterTestKit",
          false,
          InProcessKafka.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "the local Ditto's in-process Kafka broker needs "
              + "org.apache.kafka:kafka-test-common-runtime on the class path (or give CdcOptions bootstrap servers)",
          e);
    }
  }

  static InProcessKafka start() {
    KafkaClusterTestKit cluster = null;
    try {
      cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              // One broker: without these, consumer groups (a Connect worker, a subscribing
              // consumer) never find a coordinator, as the internal topics default to 3 replicas.
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("log.cleaner.dedupe.buffer.size", "2097152")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new InProcessKafka(cluster);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(cluster);
      throw new IllegalStateException("cannot start the in-process Kafka broker", e);
    }
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() {
    closeQuietly(cluster);
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
