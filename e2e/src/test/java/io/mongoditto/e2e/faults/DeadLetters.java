package io.mongoditto.e2e.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything in the source's errors topic and the sink's dead-letter topic, read from the start:
 * which topic, the reason header, and the record value as text (the raw change event or the
 * change), so the suite can tell poison from neighbours by content.
 */
final class DeadLetters {

  record Letter(String topic, String reason, String value) {}

  static final String SOURCE_REASON = "mongoditto.error.reason";
  static final String SINK_REASON = "__connect.errors.exception.message";

  private DeadLetters() {}

  static List<Letter> read(String bootstrap, Set<String> topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(20 * 1024 * 1024));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
    List<Letter> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = new ArrayList<>();
      Map<String, List<org.apache.kafka.common.PartitionInfo>> all =
          consumer.listTopics(Duration.ofSeconds(20));
      for (String topic : topics) {
        for (var info : all.getOrDefault(topic, List.of())) {
          partitions.add(new TopicPartition(topic, info.partition()));
        }
      }
      if (partitions.isEmpty()) {
        return letters;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(20));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!done(consumer, end) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          String reason = header(r, SOURCE_REASON);
          if (reason == null) {
            reason = header(r, SINK_REASON);
          }
          String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
          letters.add(new Letter(r.topic(), reason, value));
        }
      }
    }
    return letters;
  }

  private static boolean done(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static String header(ConsumerRecord<?, ?> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
