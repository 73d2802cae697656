package io.mongoditto.localditto;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the local Ditto's CDC event log and produces every event to a Kafka topic, at least once
 * and in order: the log position is saved only after the broker acknowledged everything before it,
 * so a process killed at any moment resumes from there (events produced since come again).
 */
final class CdcKafkaBridge implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CdcKafkaBridge.class);
  private static final int BATCH_BYTES = 4 * 1024 * 1024;
  // An event holds a document twice (old and new value), each up to Ditto's 5 MiB.
  private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

  private final CdcEventLog log;
  private final String bootstrapServers;
  private final String topic;
  private final Thread thread;
  private volatile boolean stopWhenDrained;
  private long deletedBelow = -1;

  private CdcKafkaBridge(CdcEventLog log, String bootstrapServers, String topic) {
    this.log = log;
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.thread = new Thread(this::run, "local-ditto-cdc-bridge");
    this.thread.setDaemon(true);
  }

  /** Creates the topic when missing and starts producing. */
  static CdcKafkaBridge start(
      CdcEventLog log, String bootstrapServers, String topic, int partitions) {
    createTopic(bootstrapServers, topic, partitions);
    CdcKafkaBridge bridge = new CdcKafkaBridge(log, bootstrapServers, topic);
    bridge.thread.start();
    return bridge;
  }

  private static void createTopic(String bootstrapServers, String topic, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      try {
        admin
            .createTopics(
                List.of(
                    new NewTopic(topic, Optional.of(partitions), Optional.empty())
                        .configs(Map.of("max.message.bytes", Integer.toString(MAX_EVENT_BYTES)))))
            .all()
            .get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create the CDC topic " + topic + " on " + bootstrapServers, e.getCause());
        }
        TopicDescription existing =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(60, TimeUnit.SECONDS)
                .get(topic);
        if (existing.partitions().size() != partitions) {
          LOG.warn(
              "CDC topic {} exists with {} partitions (not {}): using it as it is",
              topic,
              existing.partitions().size(),
              partitions);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the CDC topic", e);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at " + bootstrapServers + " for the CDC topic " + topic, e);
    }
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "local-ditto-cdc");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // With idempotence the broker keeps up to 5 in-flight batches per partition in order.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_EVENT_BYTES);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      KafkaProducer<byte[], byte[]> producer = null;
      try {
        producer = newProducer();
        produceUntilStopped(producer);
        return;
      } catch (RuntimeException | ExecutionException e) {
        // resume from the saved position with a new producer: events since then come again
        LOG.warn("CDC bridge to {} failed, retrying in {}: {}", topic, RETRY_BACKOFF, e.toString());
        LockSupport.parkNanos(RETRY_BACKOFF.toNanos());
      } catch (InterruptedException e) {
        return;
      } finally {
        if (producer != null) {
          producer.close(Duration.ofSeconds(5));
        }
      }
    }
  }

  /** Returns once the log is read to its end after {@link #close(Duration)} was called. */
  private void produceUntilStopped(KafkaProducer<byte[], byte[]> producer)
      throws ExecutionException, InterruptedException {
    CdcEventLog.Position position = log.loadPosition();
    while (true) {
      // the flag is read before the log: whatever was written before close() is produced
      boolean stopping = stopWhenDrained;
      CdcEventLog.Batch batch = log.read(position, BATCH_BYTES);
      if (batch.events().isEmpty()) {
        if (!batch.end().equals(position)) {
          position = commit(batch.end());
          continue;
        }
        if (stopping) {
          return;
        }
        LockSupport.parkNanos(IDLE_POLL_NANOS);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        continue;
      }
      List<Future<RecordMetadata>> sent = new ArrayList<>(batch.events().size());
      for (String event : batch.events()) {
        sent.add(producer.send(CdcEventRecords.record(topic, event)));
      }
      producer.flush();
      for (Future<RecordMetadata> ack : sent) {
        ack.get(); // throws when the broker did not take it: the position stays before it
      }
      position = commit(batch.end());
    }
  }

  private CdcEventLog.Position commit(CdcEventLog.Position position) {
    log.savePosition(position);
    if (position.segment() != deletedBelow) {
      log.deleteBefore(position.segment());
      deletedBelow = position.segment();
    }
    return position;
  }

  /** Produces what the log holds now (up to {@code timeout}), then stops. */
  void close(Duration timeout) {
    stopWhenDrained = true;
    try {
      thread.join(timeout.toMillis());
      if (thread.isAlive()) {
        LOG.warn(
            "CDC bridge did not catch up with the event log within {}: stopping it (the rest is produced on the next start)",
            timeout);
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
