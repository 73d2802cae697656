package io.mongoditto.mongosink;

import static com.mongodb.client.model.Filters.eq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import io.mongoditto.localditto.LocalDittoClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Device writes made in Ditto while the source copies the collection again (issue 17): the copy's
 * records hold MongoDB's state from before the devices' writes and reach Ditto after them. The
 * Ditto sink is paused so the copy's records pile up in the topic, the source's offsets are reset
 * for a re-copy, and the copy is held open (its records wait on their way to Kafka, {@link
 * HeldRecords}, with a buffer of 5) once its first chunk is read; the devices then set, set nested,
 * unset, set twice and delete documents of that chunk, and the Ditto -> MongoDB sink applies them
 * to MongoDB. Then the copy ends, the Ditto sink resumes, and both sides must hold every device
 * write, field by field, and stay quiet.
 */
class CopyWindowDeviceEditsIT {

  private static final int DOCUMENTS = 60;
  private static TwoWayCluster cluster;

  @BeforeAll
  static void start() {
    Map<String, String> collections = new LinkedHashMap<>();
    collections.put("collections", "devices,swept");
    cluster = new TwoWayCluster("copywindow", collections);
    cluster.createCollections();
    cluster.startConnectors();
  }

  @AfterAll
  static void stop() {
    HeldRecords.openGate();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void deviceWritesDuringACopyOutliveTheCopysOlderRecords() throws Exception {
    deviceWritesDuringACopy("devices", false);
  }

  /** A copy that sweeps: the stream's records count as touched, and nothing more is deleted. */
  @Test
  void deviceWritesDuringASweepingCopyOutliveTheCopysOlderRecords() throws Exception {
    deviceWritesDuringACopy("swept", true);
  }

  private static void deviceWritesDuringACopy(String collection, boolean sweep) throws Exception {
    MongoCollection<Document> devices = cluster.db().getCollection(collection);
    for (int i = 0; i < DOCUMENTS; i++) {
      devices.insertOne(
          new Document("_id", id(i))
              .append("qty", i)
              .append("notes", new Document("by", "pos").append("lane", i))
              .append("note", "n" + i));
    }
    cluster.awaitDittoCount(collection, DOCUMENTS);

    cluster.connect.pauseConnector("ditto-sink");
    cluster
        .connect
        .assertions()
        .assertConnectorAndExactlyNumTasksArePaused("ditto-sink", 1, "the Ditto sink paused");
    cluster.connect.stopConnector("mongo-source");
    cluster.connect.assertions().assertConnectorIsStopped("mongo-source", "the source stopped");
    cluster.connect.resetConnectorOffsets("mongo-source");
    HeldRecords.closeGate();
    Map<String, String> source = cluster.sourceProps();
    source.put("buffer.capacity", "5");
    source.put("snapshot.chunk.size", "10");
    source.put("snapshot.sweep", sweep ? "always" : "never");
    source.put("transforms", "held");
    source.put("transforms.held.type", HeldRecords.class.getName());
    source.put("transforms.held.topic", topic(collection));
    cluster.connect.configureConnector("mongo-source", source);
    cluster.connect.resumeConnector("mongo-source");
    assertTrue(HeldRecords.awaitArrival(60), "the re-copy's first record (its first chunk read)");

    // The devices, on documents of the chunk the copy has read already.
    LocalDittoClient ditto = cluster.dittoClient;
    String c = collection;
    ditto.execute("UPDATE " + c + " SET qty = 101 WHERE _id = 'd01'", Map.of());
    ditto.execute("UPDATE " + c + " SET notes.by = 'device' WHERE _id = 'd02'", Map.of());
    ditto.execute("UPDATE " + c + " UNSET note WHERE _id = 'd03'", Map.of());
    ditto.execute("DELETE FROM " + c + " WHERE _id = 'd04'", Map.of());
    ditto.execute("UPDATE " + c + " SET qty = 105 WHERE _id = 'd05'", Map.of());
    ditto.execute("UPDATE " + c + " SET qty = 205 WHERE _id = 'd05'", Map.of());
    // And one the copy reads after the device's write.
    ditto.execute("UPDATE " + c + " SET qty = 130 WHERE _id = 'd30'", Map.of());
    Awaitility.await("the device writes in MongoDB while the copy runs")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertDeviceWrites(mongoDocuments(devices), "MongoDB"));

    // A MongoDB write after them: once its record is in the topic, the stream has handled the
    // device writes' change events (in order, after the copy's records).
    devices.updateOne(eq("_id", id(DOCUMENTS - 1)), new Document("$set", new Document("mark", 1)));
    HeldRecords.openGate();
    Awaitility.await("the re-copy and the stream's records up to the mark in the topic")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> recordsOf(topic(collection), id(DOCUMENTS - 1)) >= 3);

    cluster.connect.resumeConnector("ditto-sink");
    cluster.awaitBothSidesEqual(Duration.ofSeconds(90));
    assertDeviceWrites(dittoDocuments(collection), "Ditto");
    assertDeviceWrites(mongoDocuments(devices), "MongoDB");
    cluster.assertQuiet(Duration.ofSeconds(8));
    cluster.assertBothSidesEqual();
    assertDeviceWrites(dittoDocuments(collection), "Ditto");
    assertDeviceWrites(mongoDocuments(devices), "MongoDB");
    assertEquals(DOCUMENTS - 1, cluster.dittoClient.select(collection).size());
  }

  private static String topic(String collection) {
    return cluster.configs().stream()
        .filter(c -> c.name().equals(collection))
        .findFirst()
        .orElseThrow()
        .topic();
  }

  /** The devices' writes, field by field, and the fields they did not touch as copied. */
  private static void assertDeviceWrites(Map<String, Map<String, Object>> docs, String side) {
    assertEquals(101, number(docs, "d01", "qty"), side + " d01.qty set by a device");
    assertEquals(
        Map.of("by", "device", "lane", 2),
        normalized(docs.get("d02").get("notes")),
        side + " d02.notes.by set by a device, lane kept");
    assertFalse(docs.get("d03").containsKey("note"), side + " d03.note unset by a device");
    assertEquals(3, number(docs, "d03", "qty"), side + " d03.qty untouched");
    assertNull(docs.get("d04"), side + " d04 deleted by a device");
    assertEquals(205, number(docs, "d05", "qty"), side + " d05.qty, the device's second write");
    assertEquals(130, number(docs, "d30", "qty"), side + " d30.qty set by a device");
    assertEquals(7, number(docs, "d07", "qty"), side + " d07 untouched");
  }

  private static int number(Map<String, Map<String, Object>> docs, String id, String field) {
    Map<String, Object> doc = docs.get(id);
    assertNotNull(doc, id + " exists");
    return ((Number) doc.get(field)).intValue();
  }

  private static Object normalized(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new HashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), normalized(v)));
      return out;
    }
    return value instanceof Number n ? (Object) n.intValue() : value;
  }

  private static Map<String, Map<String, Object>> mongoDocuments(
      MongoCollection<Document> devices) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    for (Document d : devices.find()) {
      out.put(d.getString("_id"), d);
    }
    return out;
  }

  private static Map<String, Map<String, Object>> dittoDocuments(String collection) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    for (Map<String, Object> d : cluster.dittoClient.select(collection)) {
      out.put(String.valueOf(d.get("_id")), d);
    }
    return out;
  }

  /** How many records of {@code topic} are keyed by {@code id}. */
  private static int recordsOf(String topic, String id) {
    TopicPartition tp = new TopicPartition(topic, 0);
    int count = 0;
    try (Consumer<byte[], byte[]> c = cluster.connect.kafka().createConsumer(Map.of())) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).contains(id)) {
            count++;
          }
        }
      }
    }
    return count;
  }

  private static String id(int i) {
    return String.format(java.util.Locale.ROOT, "d%02d", i);
  }
}
