package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The local Ditto's CDC topic on the suite's broker, as the fault suite disturbs it: older events
 * delivered again out of order, poison messages, and how far the MongoDB sink's consumer group has
 * read (the effect of those faults: the sink read past them).
 */
final class CdcFeed implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String bootstrap;
  private final String topic;
  private final String group;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;

  /**
   * @param group the sink's consumer group ({@code connect-<connector name>})
   */
  CdcFeed(String bootstrap, String topic, String group) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.group = group;
    this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()));
  }

  private List<TopicPartition> partitions() {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .toList();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The end offsets of the topic's partitions. */
  Map<TopicPartition, Long> endOffsets() {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    try {
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many events the topic holds (over all partitions). */
  long endOffset() {
    return endOffsets().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether the sink group has committed at least {@code ends} on every partition. */
  boolean readUpTo(Map<TopicPartition, Long> ends) {
    Map<TopicPartition, OffsetAndMetadata> offsets = committedOffsets();
    return ends.entrySet().stream()
        .allMatch(
            e ->
                e.getValue() == 0
                    || (offsets.get(e.getKey()) != null
                        && offsets.get(e.getKey()).offset() >= e.getValue()));
  }

  /** Events on the topic the sink group has not committed yet. */
  long lag() {
    Map<TopicPartition, OffsetAndMetadata> offsets = committedOffsets();
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> e : endOffsets().entrySet()) {
      OffsetAndMetadata o = offsets.get(e.getKey());
      lag += e.getValue() - (o == null ? 0 : o.offset());
    }
    return lag;
  }

  private Map<TopicPartition, OffsetAndMetadata> committedOffsets() {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets == null ? Map.of() : offsets;
    } catch (ExecutionException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every record on the topic so far. */
  List<ConsumerRecord<byte[], byte[]>> readAll() {
    Map<TopicPartition, Long> ends = endOffsets();
    List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()))) {
      c.assign(ends.keySet());
      c.seekToBeginning(ends.keySet());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (ends.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())
          && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(300)).forEach(seen::add);
      }
    }
    return seen;
  }

  /** How a replay went: events delivered again. */
  record Replay(int delivered) {}

  /**
   * Produces {@code n} of the events already on the topic again, shuffled: duplicated and reordered
   * delivery, events of documents removed since included.
   */
  Replay replay(Random random, int n) {
    List<ConsumerRecord<byte[], byte[]>> candidates = new ArrayList<>(readAll());
    Collections.shuffle(candidates, random);
    List<ConsumerRecord<byte[], byte[]>> again =
        candidates.subList(0, Math.min(n, candidates.size()));
    for (ConsumerRecord<byte[], byte[]> r : again) {
      send(r.key(), r.value());
    }
    producer.flush();
    return new Replay(again.size());
  }

  /** A message that is not a CDC event at all (cut-off JSON), holding {@code tag}. */
  void sendMalformed(String tag) {
    send(
        null,
        ("{\"type\": \"documentChanged\", \"collection\": \"orders\", \"poison_tag\": \"" + tag)
            .getBytes(StandardCharsets.UTF_8));
    producer.flush();
  }

  /**
   * A well-formed CDC event creating a {@code collection} document whose {@code _id} is {@code tag}
   * (made from a real event of that collection when the topic holds one, so only the id is wrong).
   */
  void sendWithId(String collection, String tag) {
    for (ConsumerRecord<byte[], byte[]> r : readAll()) {
      try {
        JsonNode event = JSON.readTree(r.value());
        JsonNode change = event.path("change");
        if (!collection.equals(event.path("collection").asText())
            || !change.path("newValue").isObject()) {
          continue;
        }
        ObjectNode copy = (ObjectNode) event.deepCopy();
        ObjectNode c = (ObjectNode) copy.get("change");
        ((ObjectNode) c.get("newValue")).put("_id", tag);
        c.putNull("oldValue");
        send(
            ("{\"collection\":\"" + collection + "\",\"_id\":\"" + tag + "\"}")
                .getBytes(StandardCharsets.UTF_8),
            JSON.writeValueAsBytes(copy));
        producer.flush();
        return;
      } catch (java.io.IOException notJson) {
        // a poison message of an earlier round: not a template
      }
    }
    // No event of the collection yet (the poison round came before the devices' first write):
    // one in the engine's own shape, as the feed publishes it.
    send(
        ("{\"collection\":\"" + collection + "\",\"_id\":\"" + tag + "\"}")
            .getBytes(StandardCharsets.UTF_8),
        ("{\"txnId\":1,\"type\":\"documentChanged\",\"collection\":\""
                + collection
                + "\",\"change\":{\"method\":\"upsert\",\"oldValue\":null,"
                + "\"newValue\":{\"_id\":\""
                + tag
                + "\",\"count\":1}}}")
            .getBytes(StandardCharsets.UTF_8));
    producer.flush();
  }

  private void send(byte[] key, byte[] value) {
    try {
      producer
          .send(
              key == null
                  ? new ProducerRecord<>(topic, 0, null, value)
                  : new ProducerRecord<>(topic, key, value))
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    producer.close();
    admin.close();
  }
}
