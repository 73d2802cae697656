package io.mongoditto.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Counts the records in the topics whose names start with a prefix (heartbeat topics left out),
 * from their end offsets (no record is read, so counting costs the broker next to nothing).
 */
final class TopicCounter implements AutoCloseable {

  private static final long POLL_MILLIS = 20;

  /**
   * Our source's heartbeat topic ({@code <prefix>.heartbeat}) carries stream positions, not
   * documents: a first copy's start marker lands there before the copy begins, so counting it would
   * start the copy's clock during the wait for the offset flush (reported apart instead).
   */
  static final String HEARTBEAT_SUFFIX = ".heartbeat";

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

  private final Admin admin;

  TopicCounter(String bootstrapServers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    admin = Admin.create(p);
  }

  long count(String prefix) throws InterruptedException {
    try {
      List<String> topics =
          admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
              .filter(t -> t.startsWith(prefix) && !t.endsWith(HEARTBEAT_SUFFIX))
              .toList();
      if (topics.isEmpty()) {
        return 0;
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicDescription d :
          admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
        for (TopicPartitionInfo p : d.partitions()) {
          latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
        }
      }
      return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
          .mapToLong(r -> r.offset())
          .sum();
    } catch (ExecutionException | TimeoutException e) {
      return 0; // a topic being created: count again at the next poll
    }
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
    admin.close(Duration.ofSeconds(5));
  }
}
