package io.mongoditto.e2e.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many records each topic holds (end offsets: the suite's topics are never compacted or
 * trimmed), without reading them: cheap enough to poll while waiting for the first copied record.
 */
final class TopicRecords implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;

  TopicRecords(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(p);
  }

  /** Records per topic, for the topics that exist among {@code topics}. */
  Map<String, Long> counts(List<String> topics) {
    Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(20));
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (PartitionInfo info : all.getOrDefault(topic, List.of())) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    Map<String, Long> counts = new TreeMap<>();
    consumer
        .endOffsets(partitions, Duration.ofSeconds(20))
        .forEach((tp, end) -> counts.merge(tp.topic(), end, Long::sum));
    return counts;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
