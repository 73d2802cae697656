package io.mongoditto.cli.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's Ditto -> MongoDB direction: a Kafka consumer of Ditto's CDC topic (Ditto's own
 * cluster with the SSL settings its portal gives, or the local Ditto's broker: the same code either
 * way) handing each batch to the sink task exactly as a Connect worker would ({@code put}, then
 * {@code preCommit}), and storing the positions the task acknowledged in the runner's offsets file,
 * so a crash at any point replays, never loses. The consumer is assigned every partition of the
 * topic itself (one process: no group, no commits to Ditto's cluster).
 */
final class CdcSyncLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(CdcSyncLoop.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long RETRY_FALLBACK_MS = 1000;

  private final Map<String, Object> consumerProps;
  private final String topic;
  private final SinkTask task;
  private final EmbeddedSinkContext context;
  private final CdcPositions positions;
  private final Consumer<Throwable> onFailure;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closeRequested = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean closing;

  /** Positioned on every partition: what is written to the topic from now on is read. */
  private volatile boolean reading;

  /** Kafka timestamp of the oldest record of the batch in hand; 0 while none is in hand. */
  private volatile long inHandSince;

  /**
   * @param onFailure told once, from the loop's thread, when the loop stops on an error (not when
   *     closed)
   */
  CdcSyncLoop(
      Map<String, Object> consumerProps,
      String topic,
      SinkTask task,
      EmbeddedSinkContext context,
      CdcPositions positions,
      Consumer<Throwable> onFailure) {
    Map<String, Object> props = new HashMap<>(consumerProps);
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("enable.auto.commit", "false");
    props.putIfAbsent("auto.offset.reset", "earliest");
    this.consumerProps = props;
    this.topic = topic;
    this.task = task;
    this.context = context;
    this.positions = positions;
    this.onFailure = onFailure;
  }

  @Override
  public void run() {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps)) {
      consumer = c;
      List<TopicPartition> partitions = partitions(c);
      c.assign(partitions);
      context.assign(partitions);
      task.open(partitions);
      Map<TopicPartition, Long> stored = positions.stored(partitions);
      boolean fromEnd = "latest".equals(String.valueOf(consumerProps.get("auto.offset.reset")));
      Map<TopicPartition, Long> starts = new HashMap<>();
      for (TopicPartition tp : partitions) {
        if (stored.containsKey(tp)) {
          c.seek(tp, stored.get(tp));
        } else if (fromEnd) {
          c.seekToEnd(List.of(tp));
          starts.put(tp, c.position(tp));
        } else {
          c.seekToBeginning(List.of(tp));
        }
      }
      // "latest" means the end at the first start: stored at once, so events that arrive before
      // the first batch is stored are read after a crash, not skipped by a new seek to the end.
      positions.store(starts);
      reading = true;
      LOG.info(
          "Ditto -> MongoDB: reading {} partition(s) of Ditto's CDC topic {} ({} with a stored"
              + " position)",
          partitions.size(),
          topic,
          stored.size());
      while (!closing) {
        ConsumerRecords<byte[], byte[]> polled = c.poll(POLL);
        List<SinkRecord> batch = new ArrayList<>(polled.count());
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        long oldest = Long.MAX_VALUE;
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          if (r.timestamp() > 0) {
            oldest = Math.min(oldest, r.timestamp());
          }
          batch.add(
              new SinkRecord(
                  r.topic(),
                  r.partition(),
                  null,
                  r.key(),
                  null,
                  r.value(),
                  r.offset(),
                  r.timestamp(),
                  TimestampType.CREATE_TIME));
          current.put(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        if (!batch.isEmpty()) {
          inHandSince = oldest == Long.MAX_VALUE ? System.currentTimeMillis() : oldest;
        }
        if (!deliver(batch)) {
          return; // closed while the batch waited: its positions are not stored, it comes again
        }
        commit(current);
        inHandSince = 0;
      }
    } catch (WakeupException stopping) {
      // close() woke the consumer
    } catch (RuntimeException e) {
      if (!closing) {
        RuntimeException clear = explain(e);
        failure.set(clear);
        LOG.error("The Ditto -> MongoDB direction stopped: {}", clear.getMessage(), e);
      }
    } finally {
      stopped.countDown();
    }
    // Told only once the loop has stopped: whoever hears of the failure sees it not running.
    Throwable failed = failure.get();
    if (failed != null) {
      onFailure.accept(failed);
    }
  }

  /**
   * Hands the batch to the task; one it hands back (retriable) is delivered again after its wait.
   * False when closed before the task took it.
   */
  private boolean deliver(List<SinkRecord> batch) {
    while (!closing) {
      try {
        task.put(batch);
        return true;
      } catch (RetriableException again) {
        long waitMs = context.takeTimeout(RETRY_FALLBACK_MS);
        LOG.warn(
            "Ditto -> MongoDB: {}; delivering the batch again in {} ms",
            again.getMessage(),
            waitMs);
        try {
          // a close() ends the wait at once
          closeRequested.await(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  /** Kafka's errors in words that say which setting to look at. */
  private RuntimeException explain(RuntimeException e) {
    Object servers = consumerProps.get("bootstrap.servers");
    if (e instanceof org.apache.kafka.common.errors.SslAuthenticationException) {
      return new IllegalStateException(
          "the SSL handshake with Ditto's Kafka at "
              + servers
              + " failed (check ditto.cdc.ssl.truststore.* and ditto.cdc.ssl.keystore.*): "
              + e.getMessage(),
          e);
    }
    if (e instanceof org.apache.kafka.common.errors.AuthenticationException
        || e instanceof org.apache.kafka.common.errors.AuthorizationException) {
      return new IllegalStateException(
          "Ditto's Kafka at "
              + servers
              + " refused this consumer (check the Data Bridge's certificates and"
              + " ditto.cdc.*): "
              + e.getMessage(),
          e);
    }
    if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new IllegalStateException(
          "cannot reach Ditto's CDC topic '"
              + topic
              + "' at "
              + servers
              + " (check ditto.cdc.bootstrap.servers, ditto.cdc.security.protocol and the"
              + " network): "
              + e.getMessage(),
          e);
    }
    return e;
  }

  /** The Kafka timestamp of the oldest record handed to the task and not yet stored; 0: none. */
  long inHandSince() {
    return inHandSince;
  }

  /** Stores, per partition, what the task acknowledged (its preCommit), never more. */
  private void commit(Map<TopicPartition, OffsetAndMetadata> current) {
    if (current.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> acknowledged = task.preCommit(current);
    Map<TopicPartition, Long> next = new HashMap<>();
    acknowledged.forEach((tp, o) -> next.put(tp, o.offset()));
    positions.store(next);
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
    List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(60));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException(
          "Ditto's CDC topic '"
              + topic
              + "' does not exist or is not readable with the given settings (ditto.cdc.*)");
    }
    List<TopicPartition> out = new ArrayList<>();
    for (PartitionInfo p : infos) {
      out.add(new TopicPartition(p.topic(), p.partition()));
    }
    return out;
  }

  Throwable failure() {
    return failure.get();
  }

  /** Whether it is positioned on every partition (and reading) and not stopped. */
  boolean isReading() {
    return reading && isRunning();
  }

  boolean isRunning() {
    return stopped.getCount() > 0;
  }

  /** Stops reading after the batch in hand (delivered and stored first). */
  void close() {
    closing = true;
    closeRequested.countDown();
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      stopped.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
