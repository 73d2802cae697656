package io.mongoditto.sink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mongoditto.change.DittoChange;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sweep on a real Connect worker whose sink task restarts between the start and the end marker:
 * the task never commits past the open sweep's start marker, so the restarted task reads the start
 * marker again, rebuilds what the copy touched, and the end marker deletes exactly the documents the
 * copy did not write. (Committing past it would leave the stale documents: the new task would meet
 * an end marker without its start.)
 */
class DittoSinkSweepConnectTest {

  private static final String TOPIC = "sweep.restart";
  private static final String COLLECTION = "sweep_restart";
  private static final String CONNECTOR = "sweep-restart";

  private static LocalDitto ditto;
  private static ConnectHarness harness;

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    harness = new ConnectHarness("ditto-sink-sweep");
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    ditto.close();
  }

  @Test
  void aSinkTaskRestartedInsideASweepStillDeletesExactlyWhatTheCopyDidNotWrite() throws Exception {
    LocalDittoClient client = new LocalDittoClient(ditto);
    List<Map<String, Object>> stale = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stale.add(Map.of("_id", "stale-" + i, "old", true));
    }
    client.execute("INSERT INTO " + COLLECTION + " DOCUMENTS (:docs)", Map.of("docs", stale));
    harness.connect.kafka().createTopic(TOPIC, 1);
    // written before the copy began and deleted in MongoDB since: the sweep must remove them too
    harness.send(TOPIC, copy("before-0"));
    harness.send(TOPIC, copy("before-1"));
    SweepMarker start = new SweepMarker(COLLECTION, SweepMarker.Phase.START, "copy-r", 0, 1);
    harness.send(TOPIC, start.key(), start.toValue());
    for (int i = 0; i < 5; i++) {
      harness.send(TOPIC, copy("kept-" + i));
    }
    harness.connect.configureConnector(CONNECTOR, ConnectHarness.sinkProps(TOPIC, ditto.endpoint(), ditto.apiKey()));
    await().atMost(Duration.ofSeconds(60)).until(() -> idsInDitto(client).containsAll(ids("kept-", 5)));
    Thread.sleep(2500); // two offset commits (offset.flush.interval.ms=1000)
    assertEquals(2L, committed(), "committed up to the open sweep's start marker (offset 2), not past it");

    harness.connect.restartTask(CONNECTOR, 0);
    for (int i = 5; i < 10; i++) {
      harness.send(TOPIC, copy("kept-" + i));
    }
    SweepMarker end = new SweepMarker(COLLECTION, SweepMarker.Phase.END, "copy-r", 0, 1);
    harness.send(TOPIC, end.key(), end.toValue());

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(ids("kept-", 10), idsInDitto(client)));
    await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 14L);
    assertEquals("RUNNING", harness.taskState(CONNECTOR));
    harness.connect.deleteConnector(CONNECTOR);
  }

  private static DittoChange copy(String id) {
    return DittoChange.upsert(COLLECTION, id, Map.of("_id", id, "copied", true), List.of(), true, 0, null);
  }

  private static Set<String> ids(String prefix, int n) {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  private static Set<String> idsInDitto(LocalDittoClient client) {
    Set<String> out = new TreeSet<>();
    client.select(COLLECTION).forEach(d -> out.add(String.valueOf(d.get("_id"))));
    return out;
  }

  /** The sink's committed offset of the topic's partition, or -1 when none is committed. */
  private static long committed() throws Exception {
    try (Admin admin = harness.connect.kafka().createAdminClient()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets("connect-" + CONNECTOR).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata o = offsets.get(new TopicPartition(TOPIC, 0));
      return o == null ? -1L : o.offset();
    }
  }
}
