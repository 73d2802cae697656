package io.mongoditto.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mongoditto.change.CanonicalIds;
import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoChangeCodec;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sweep markers on the real Ditto engine: what is deleted, what is kept, and when offsets may be
 * committed.
 */
class DittoSinkSweepIT {

  private static LocalDitto ditto;
  private static LocalDittoClient client;

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    client = new LocalDittoClient(ditto);
  }

  @AfterAll
  static void stop() {
    ditto.close();
  }

  private static DittoSinkTask task() {
    DittoSinkTask task = new DittoSinkTask();
    task.initialize(StandInSinkContext.create(null));
    Map<String, String> props = new HashMap<>();
    props.put(DittoSinkConfig.ENDPOINT, ditto.endpoint());
    props.put(DittoSinkConfig.API_KEY, ditto.apiKey());
    task.start(props);
    return task;
  }

  private static void seed(String collection, List<Object> ids) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object id : ids) {
      docs.add(Map.of("_id", id, "stale", true));
    }
    client.execute("INSERT INTO " + collection + " DOCUMENTS (:docs)", Map.of("docs", docs));
  }

  private static Set<String> idsIn(String collection) {
    Set<String> ids = new TreeSet<>();
    client.select(collection).forEach(d -> ids.add(CanonicalIds.text(d.get("_id"))));
    return ids;
  }

  private static Set<String> texts(Object... ids) {
    Set<String> out = new TreeSet<>();
    for (Object id : ids) {
      out.add(CanonicalIds.text(id));
    }
    return out;
  }

  private static SinkRecord marker(String topic, int kafkaPartition, long offset, SweepMarker m) {
    return new SinkRecord(topic, kafkaPartition, null, m.key(), null, m.toValue(), offset);
  }

  private static SinkRecord upsert(
      String topic, int kafkaPartition, long offset, String collection, Object id) {
    return new SinkRecord(
        topic,
        kafkaPartition,
        null,
        id,
        null,
        DittoChangeCodec.toValue(
            DittoChange.upsert(
                collection, id, Map.of("_id", id, "v", offset), List.of(), true, 0, null)),
        offset);
  }

  private static SinkRecord delete(String topic, long offset, String collection, Object id) {
    return new SinkRecord(
        topic,
        0,
        null,
        id,
        null,
        DittoChangeCodec.toValue(DittoChange.delete(collection, id, 0, null)),
        offset);
  }

  @Test
  void theEndMarkerDeletesWhatNoRecordSinceTheStartTouchedAndCommitsWaitForIt() {
    String c = "sweep_one";
    Map<String, Object> composite = Map.of("store", 1, "sku", "x");
    seed(
        c,
        List.of(
            "kept",
            "gone-1",
            "gone-2",
            7,
            8,
            composite,
            Map.of("store", 2, "sku", "y"),
            "deleted"));
    String topic = "t." + c;
    TopicPartition tp = new TopicPartition(topic, 0);
    SweepMarker start = new SweepMarker(c, SweepMarker.Phase.START, "copy-1", 0, 1);
    DittoSinkTask task = task();
    task.put(
        List.of(
            upsert(topic, 0, 10, c, "before-the-start"),
            marker(topic, 0, 11, start),
            upsert(topic, 0, 12, c, "kept"),
            upsert(topic, 0, 13, c, 7.0),
            upsert(topic, 0, 14, c, Map.of("sku", "x", "store", 1L)),
            delete(topic, 15, c, "deleted")));
    assertEquals(
        Map.of(tp, new OffsetAndMetadata(11)),
        task.preCommit(Map.of(tp, new OffsetAndMetadata(16))),
        "while the sweep is open, nothing at or after its start marker is committed");

    // the source started its copy over and sent the same start again: what was touched stays
    // touched
    task.put(
        List.of(
            marker(topic, 0, 16, start),
            upsert(topic, 0, 17, c, "new-after-restart"),
            marker(topic, 0, 18, new SweepMarker(c, SweepMarker.Phase.END, "copy-1", 0, 1))));

    assertEquals(texts("kept", 7, composite, "new-after-restart"), idsIn(c));
    assertEquals(
        5,
        task.counters().documentsSwept(),
        "gone-1, gone-2, 8, the other composite and before-the-start");
    assertEquals(
        Map.of(tp, new OffsetAndMetadata(19)),
        task.preCommit(Map.of(tp, new OffsetAndMetadata(19))));
    task.stop();
  }

  @Test
  void eachPartitionSweepsOnlyTheDocumentsWhoseRecordsItCarries() {
    String c = "sweep_two";
    List<Object> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add("doc-" + i);
    }
    seed(c, ids);
    Object keptOnOne =
        ids.stream().filter(id -> CanonicalIds.partition(id, 2) == 1).findFirst().orElseThrow();
    String topic = "t." + c;
    DittoSinkTask task = task();
    task.put(
        List.of(
            marker(topic, 0, 0, new SweepMarker(c, SweepMarker.Phase.START, "copy-2", 0, 2)),
            marker(topic, 1, 0, new SweepMarker(c, SweepMarker.Phase.START, "copy-2", 1, 2)),
            upsert(topic, 1, 1, c, keptOnOne)));

    task.put(
        List.of(marker(topic, 0, 1, new SweepMarker(c, SweepMarker.Phase.END, "copy-2", 0, 2))));
    Set<String> expected = new TreeSet<>();
    for (Object id : ids) {
      if (CanonicalIds.partition(id, 2) == 1) {
        expected.add(CanonicalIds.text(id));
      }
    }
    assertEquals(expected, idsIn(c), "partition 0's end deletes partition 0's documents only");

    task.put(
        List.of(marker(topic, 1, 2, new SweepMarker(c, SweepMarker.Phase.END, "copy-2", 1, 2))));
    assertEquals(texts(keptOnOne), idsIn(c));
    task.stop();
  }

  @Test
  void anEndWithoutItsStartDeletesNothing() {
    String c = "sweep_three";
    seed(c, List.of("a", "b"));
    DittoSinkTask task = task();
    // a task that never read the start (the copy was swept already, a duplicate end)
    task.put(
        List.of(marker("t." + c, 0, 5, new SweepMarker(c, SweepMarker.Phase.END, "copy-3", 0, 1))));
    assertEquals(texts("a", "b"), idsIn(c));
    assertEquals(0, task.counters().documentsSwept());
    task.stop();
  }
}
