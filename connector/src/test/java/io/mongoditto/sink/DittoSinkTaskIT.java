package io.mongoditto.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoChangeCodec;
import io.mongoditto.localditto.FaultProxy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The task's contract with the worker, driven directly: offsets, tombstones, reporting. */
class DittoSinkTaskIT {

  private static LocalDitto ditto;
  private static FaultProxy proxy;

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    proxy = FaultProxy.start(ditto.endpoint());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    ditto.close();
  }

  /** A worker stand-in; {@code reporter} null = no dead-letter queue. */
  private static SinkTaskContext context(ErrantRecordReporter reporter) {
    return StandInSinkContext.create(reporter);
  }

  private static DittoSinkTask task(ErrantRecordReporter reporter) {
    DittoSinkTask task = new DittoSinkTask();
    task.initialize(context(reporter));
    Map<String, String> props = new HashMap<>();
    props.put(DittoSinkConfig.ENDPOINT, proxy.endpoint());
    props.put(DittoSinkConfig.API_KEY, ditto.apiKey());
    props.put(DittoSinkConfig.RETRY_MAX_DURATION_MS, "600");
    props.put(DittoSinkConfig.RETRY_BACKOFF_MS, "50");
    props.put(DittoSinkConfig.RETRY_BACKOFF_MAX_MS, "100");
    task.start(props);
    return task;
  }

  private static SinkRecord record(String topic, long offset, Object key, Object value) {
    return new SinkRecord(topic, 0, null, key, null, value, offset);
  }

  private static SinkRecord upsert(String topic, long offset, String collection, String id) {
    return record(
        topic,
        offset,
        id,
        DittoChangeCodec.toValue(
            DittoChange.upsert(
                collection, id, Map.of("_id", id, "v", offset), List.of(), true, 0, null)));
  }

  @Test
  void offsetsAreCommittedOnlyForWhatDittoAcknowledged() {
    DittoSinkTask task = task(null);
    TopicPartition tp = new TopicPartition("t.offsets", 0);
    Map<TopicPartition, OffsetAndMetadata> current = Map.of(tp, new OffsetAndMetadata(3));
    List<SinkRecord> batch =
        List.of(
            upsert("t.offsets", 0, "offs", "a"),
            upsert("t.offsets", 1, "offs", "b"),
            upsert("t.offsets", 2, "offs", "c"));
    proxy.respondWith(503, null);
    try {
      ConnectException e = assertThrows(ConnectException.class, () -> task.put(batch));
      assertTrue(e.getMessage().contains("stayed unavailable"), e.getMessage());
      assertEquals(Map.of(), task.preCommit(current), "nothing acknowledged, nothing committed");
    } finally {
      proxy.clear();
    }
    task.put(batch);
    assertEquals(Map.of(tp, new OffsetAndMetadata(3)), task.preCommit(current));
    assertEquals(3, new LocalDittoClient(ditto).select("offs").size());
    task.stop();
  }

  @Test
  void tombstonesDeleteTheirKeyInTheCollectionNamedByTheTopic() {
    DittoSinkTask task = task(null);
    task.put(List.of(upsert("shop.tomb", 0, "tomb", "a"), upsert("shop.tomb", 1, "tomb", "b")));
    task.put(List.of(record("shop.tomb", 2, "a", null)));
    assertEquals(
        List.of("b"),
        new LocalDittoClient(ditto).select("tomb").stream().map(d -> d.get("_id")).toList());
    assertEquals(1, task.metrics().totals().documentsDeleted());
    task.stop();
  }

  @Test
  void badRecordsAreReportedOrFailTheTaskWithoutAReporter() {
    List<String> reported = new ArrayList<>();
    DittoSinkTask withDlq =
        task(
            (rec, error) -> {
              reported.add(rec.kafkaOffset() + ": " + error.getMessage());
              return CompletableFuture.completedFuture(null);
            });
    withDlq.put(
        List.of(
            upsert("t.bad", 0, "bad", "ok1"),
            record(
                "t.bad",
                1,
                1.5,
                DittoChangeCodec.toValue(
                    DittoChange.upsert("bad", 1.5, Map.of("_id", 1.5), List.of(), false, 0, null))),
            record("t.bad", 2, "x", "not a map"),
            upsert("t.bad", 3, "bad", "ok2")));
    assertEquals(2, reported.size(), reported.toString());
    assertTrue(reported.get(0).startsWith("2: not a Ditto change record"), reported.toString());
    assertTrue(
        reported.get(1).startsWith("1: Ditto rejected the document")
            && reported.get(1).contains("Floats"),
        reported.toString());
    assertEquals(2, new LocalDittoClient(ditto).select("bad").size());
    withDlq.stop();

    DittoSinkTask noDlq = task(null);
    ConnectException e =
        assertThrows(
            ConnectException.class, () -> noDlq.put(List.of(record("t.bad", 4, "y", "not a map"))));
    assertTrue(e.getMessage().contains("no dead-letter queue"), e.getMessage());
    noDlq.stop();
  }
}
