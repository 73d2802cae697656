package io.mongoditto.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records in the topics whose names start with a prefix, from their end offsets (no
 * record is read, so counting costs the broker next to nothing).
 */
final class TopicCounter implements AutoCloseable {

  private static final long POLL_MILLIS = 20;

  /** When the count first moved and when it reached the target. */
  record Progress(long firstNanos, long countAtFirst, long reachedNanos, long count) {
    boolean reached(long target) {
      return count >= target;
    }

    /** Records per second from the first record seen to the target. */
    double ratePerSecond() {
      return Units.perSecond(count - countAtFirst, reachedNanos - firstNanos);
    }
  }

  private final KafkaConsumer<byte[], byte[]> consumer;

  TopicCounter(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  long count(String prefix) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (Map.Entry<String, List<PartitionInfo>> t : consumer.listTopics(Duration.ofSeconds(10)).entrySet()) {
      if (t.getKey().startsWith(prefix)) {
        for (PartitionInfo p : t.getValue()) {
          partitions.add(new TopicPartition(p.topic(), p.partition()));
        }
      }
    }
    if (partitions.isEmpty()) {
      return 0;
    }
    return consumer.endOffsets(partitions, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Polls until the topics hold {@code target} records or the timeout passes. */
  Progress awaitCount(String prefix, long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long first = 0;
    long atFirst = 0;
    long n = 0;
    while (System.nanoTime() < deadline) {
      n = count(prefix);
      long now = System.nanoTime();
      if (n > 0 && first == 0) {
        first = now;
        atFirst = n;
      }
      if (n >= target) {
        return new Progress(first, atFirst, now, n);
      }
      Thread.sleep(POLL_MILLIS);
    }
    return new Progress(first, atFirst, System.nanoTime(), n);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
