package io.mongoditto.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads whole topics from the beginning, with JSON keys and values parsed (schemaless
 * JsonConverter).
 */
final class TopicContents {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One record as the sink would see it. */
  record Rec(String topic, Object key, Object value, Map<String, String> headers, Long timestamp) {
    @SuppressWarnings("unchecked")
    Map<String, Object> valueMap() {
      return (Map<String, Object>) value;
    }
  }

  private final String bootstrap;

  TopicContents(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** Every record in the topic now, in partition order; empty when the topic does not exist. */
  List<Rec> read(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(10));
      if (!topics.containsKey(topic)) {
        return List.of();
      }
      List<TopicPartition> partitions =
          topics.get(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<Rec> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Map<String, String> headers = new HashMap<>();
          for (Header h : r.headers()) {
            headers.put(
                h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
          }
          out.add(new Rec(topic, parse(r.key()), parse(r.value()), headers, r.timestamp()));
        }
      }
      return out;
    }
  }

  static Object parse(byte[] json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, Object.class);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + new String(json, StandardCharsets.UTF_8), e);
    }
  }

  /** A value as it looks after one JSON round trip, for comparisons. */
  static Object normalize(Object value) {
    try {
      return JSON.readValue(JSON.writeValueAsBytes(value), Object.class);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static String idKey(Object id) {
    try {
      return JSON.writeValueAsString(normalize(id));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
