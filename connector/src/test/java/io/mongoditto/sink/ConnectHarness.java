package io.mongoditto.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoChangeCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** A one-broker, one-worker Connect cluster and helpers to feed the sink change records. */
final class ConnectHarness implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  final EmbeddedConnectCluster connect;
  private final KafkaProducer<byte[], byte[]> producer;

  ConnectHarness(String name) {
    Map<String, String> workerProps = new HashMap<>();
    workerProps.put("plugin.discovery", "service_load");
    workerProps.put("offset.flush.interval.ms", "1000");
    connect =
        (EmbeddedConnectCluster)
            new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
    connect.start();
    producer = connect.kafka().createProducer(Map.of("linger.ms", 5));
  }

  /**
   * Offset commits task 0 of {@code connector} completed so far (Connect's own task metric, read
   * over JMX: the embedded worker runs in this JVM). Waiting for it to grow waits for a commit
   * cycle, where a sleep would only hope for one.
   */
  static long offsetCommits(String connector) throws Exception {
    javax.management.MBeanServer server =
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
    String task = String.format("connector=%s,task=0", connector);
    javax.management.ObjectName name =
        new javax.management.ObjectName("kafka.connect:type=sink-task-metrics," + task);
    return ((Number) server.getAttribute(name, "offset-commit-completion-total")).longValue();
  }

  /** Sink connector props reading {@code topics} and writing to {@code endpoint}. */
  static Map<String, String> sinkProps(String topics, String endpoint, String apiKey) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", DittoSinkConnector.class.getName());
    p.put("tasks.max", "1");
    p.put("topics", topics);
    p.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("key.converter.schemas.enable", "false");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    p.put(DittoSinkConfig.ENDPOINT, endpoint);
    p.put(DittoSinkConfig.API_KEY, apiKey);
    p.put("consumer.override.max.poll.records", "1000");
    return p;
  }

  /**
   * Produces a change the way the source connector does: key = _id, value = the codec's map, as
   * JSON.
   */
  void send(String topic, DittoChange change) {
    send(topic, change.id(), DittoChangeCodec.toValue(change));
  }

  /** A Kafka tombstone for {@code id}. */
  void tombstone(String topic, Object id) {
    send(topic, id, null);
  }

  void send(String topic, Object key, Object value) {
    try {
      byte[] k = JSON.writeValueAsString(key).getBytes(StandardCharsets.UTF_8);
      byte[] v =
          value == null ? null : JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(topic, k, v)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The first task's state; "NONE" until the worker has a status for the connector (right after
   * creation).
   */
  String taskState(String connector) {
    ConnectorStateInfo info;
    try {
      info = connect.connectorStatus(connector);
    } catch (org.apache.kafka.connect.runtime.rest.errors.ConnectRestException e) {
      if (e.statusCode() == 404) {
        return "NONE";
      }
      throw e;
    }
    return info.tasks().isEmpty() ? "NONE" : info.tasks().get(0).state();
  }

  String taskTrace(String connector) {
    ConnectorStateInfo info = connect.connectorStatus(connector);
    return info.tasks().isEmpty() ? "" : String.valueOf(info.tasks().get(0).trace());
  }

  @Override
  public void close() {
    producer.close();
    connect.stop();
  }
}
