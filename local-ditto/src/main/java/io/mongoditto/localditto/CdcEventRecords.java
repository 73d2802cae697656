package io.mongoditto.localditto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns one CDC event (a line of the log) into its Kafka record: the value is the event's JSON text
 * unchanged; a document's events are keyed by {@code {"collection": c, "_id": id}} so they all land
 * on one partition, in order; a requeryRequired event goes to partition 0.
 */
final class CdcEventRecords {

  // Object ids written with their keys sorted: one document, one key, whatever order a writer used.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private CdcEventRecords() {}

  static ProducerRecord<byte[], byte[]> record(String topic, String event) {
    byte[] value = event.getBytes(StandardCharsets.UTF_8);
    try {
      JsonNode node = JSON.readTree(event);
      if (!"documentChanged".equals(node.path("type").asText())) {
        return new ProducerRecord<>(topic, 0, null, value);
      }
      return new ProducerRecord<>(topic, key(node), value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the CDC log holds a line that is not JSON: " + event, e);
    }
  }

  /** The record key of a documentChanged event. */
  static byte[] key(JsonNode event) throws JsonProcessingException {
    JsonNode change = event.path("change");
    JsonNode document =
        change.hasNonNull("newValue")
            ? change.get("newValue")
            : change.hasNonNull("value") ? change.get("value") : change.path("oldValue");
    String id = JSON.writeValueAsString(JSON.treeToValue(document.path("_id"), Object.class));
    String key =
        "{\"collection\":"
            + JSON.writeValueAsString(event.path("collection").asText())
            + ",\"_id\":"
            + id
            + "}";
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
