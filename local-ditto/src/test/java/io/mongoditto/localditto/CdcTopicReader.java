package io.mongoditto.localditto;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a CDC topic from its beginning, all partitions, for assertions. */
final class CdcTopicReader implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One record: its partition, key text (null for none), value text and the parsed event. */
  record Received(int partition, String key, String value, JsonNode event) {
    String collection() {
      return event.path("collection").asText();
    }

    long txnId() {
      return event.path("txnId").asLong();
    }

    /** The document's _id (new value, else removed value). */
    JsonNode id() {
      JsonNode change = event.path("change");
      return (change.has("newValue") ? change.get("newValue") : change.path("value")).path("_id");
    }
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<Received> received = new ArrayList<>();

  CdcTopicReader(String bootstrapServers, String topic) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName()));
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .collect(Collectors.toList());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Polls until {@code done} holds for everything received so far; fails after {@code timeout}. */
  List<Received> until(Predicate<List<Received>> done, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(received)) {
      if (System.nanoTime() > deadline) {
        fail(
            "timed out waiting for "
                + what
                + "; received "
                + received.size()
                + " records: "
                + received.stream()
                    .map(Received::value)
                    .limit(50)
                    .collect(Collectors.joining("\n")));
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        String value = new String(r.value(), StandardCharsets.UTF_8);
        try {
          received.add(
              new Received(
                  r.partition(),
                  r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                  value,
                  JSON.readTree(value)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return List.copyOf(received);
  }

  /** Everything received, once {@code done} holds, of one collection. */
  List<Received> until(
      String collection, Predicate<List<Received>> done, Duration timeout, String what) {
    Predicate<List<Received>> ofCollection = all -> done.test(of(collection, all));
    return of(collection, until(ofCollection, timeout, what));
  }

  static List<Received> of(String collection, List<Received> all) {
    return all.stream().filter(r -> collection.equals(r.collection())).toList();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
