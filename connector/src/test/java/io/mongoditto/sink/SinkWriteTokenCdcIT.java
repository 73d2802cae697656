package io.mongoditto.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.cdc.CdcEvent;
import io.mongoditto.cdc.CdcEvents;
import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every change event the sink's statements cause is told from a device's edit by its write token
 * ({@link DittoMetadata#writtenByTheSink}), read from the local Ditto's CDC feed on the real
 * engine: the Ditto -> MongoDB direction must never apply one of them as a device's edit.
 */
class SinkWriteTokenCdcIT {

  private static final String TOPIC = "token-cdc";
  private static LocalDitto ditto;

  @BeforeAll
  static void start() {
    ditto =
        LocalDitto.start(
            LocalDitto.Options.defaults().withCdc(CdcOptions.inProcessBroker().withTopic(TOPIC)));
  }

  @AfterAll
  static void stop() {
    if (ditto != null) {
      ditto.close();
    }
  }

  private static CollectionWriter writer() {
    DittoHttpClient client = LocalDittoHttp.client(ditto, ApiVersion.V5, Duration.ofSeconds(10));
    return new CollectionWriter(client, new SinkMetrics(null), WriterSettings.defaults());
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void theEventsOfABatchThatRemovesFieldsAllCarryANewWriteToken() throws Exception {
    String c = "tokens";
    CollectionWriter w = writer();
    Map<String, Object> first = map("_id", "s1", "name", "Kent", "attrs", map("color", "red"));
    w.apply(c, BatchCollapser.collapse(List.of(replace(c, first))));
    // a replace without "attrs" and a delta unsetting "name": both unset before they upsert
    Map<String, Object> second = map("_id", "s1", "name", "Kent", "n", 2);
    w.apply(c, BatchCollapser.collapse(List.of(replace(c, second))));
    w.apply(
        c,
        BatchCollapser.collapse(
            List.of(
                DittoChange.delta(
                        c, "s1", map("_id", "s1", "n", 3), List.of("n"), List.of("name"), 0, null)
                    .withOrigin("src"))));

    List<CdcEvent> events = eventsOf(c, 5);
    assertTrue(events.size() >= 5, "a creation, then an UNSET and an upsert twice: " + events);
    for (CdcEvent e : events) {
      assertTrue(
          DittoMetadata.writtenByTheSink(e.before(), e.after()),
          "the sink's own write, told by its token: " + e);
    }
    assertEquals(
        map("_id", "s1", "n", 3), DittoMetadata.without(events.get(events.size() - 1).after()));
  }

  private static DittoChange replace(String c, Map<String, Object> doc) {
    return DittoChange.upsert(c, doc.get("_id"), doc, List.of(), true, 0, null).withOrigin("src");
  }

  /** The collection's events, once at least {@code atLeast} arrived and none came for a while. */
  private static List<CdcEvent> eventsOf(String collection, int atLeast) throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ditto.cdcBootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName()))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(ditto.cdcTopic(), Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(ditto.cdcTopic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<CdcEvent> events = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long quietUntil = 0;
      while (System.nanoTime() < deadline
          && (events.size() < atLeast || System.nanoTime() < quietUntil)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          CdcEvent e = CdcEvents.parse(new String(r.value(), StandardCharsets.UTF_8));
          if (e != null && collection.equals(e.collection())) {
            events.add(e);
            quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
          }
        }
      }
      return events;
    }
  }
}
