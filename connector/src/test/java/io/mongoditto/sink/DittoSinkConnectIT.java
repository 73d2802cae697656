package io.mongoditto.sink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.localditto.FaultProxy;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink on a real in-JVM Connect cluster writing into the real Ditto engine: changes for the
 * Zava collections (upserts, replaces dropping fields, nested unsets, deletes, tombstones) end up
 * in Ditto exactly, document by document; and a sweep survives a restart of the sink task.
 */
class DittoSinkConnectIT {

  private static final String SWEEP_TOPIC = "sweep.restart";
  private static final String SWEEP_COLLECTION = "sweep_restart";
  private static final String SWEEP_CONNECTOR = "sweep-restart";
  private static final String SWEEP_SOURCE = "sweep-source";

  /** The Zava collections the seed enables (product_embeddings is disabled). */
  static final List<String> ZAVA =
      List.of(
          "stores", "customers", "categories", "products", "inventory", "orders", "order_items");

  private static LocalDitto ditto;
  private static ConnectHarness harness;

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    harness = new ConnectHarness("ditto-sink-zava");
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    ditto.close();
  }

  @Test
  void zavaChangesEndUpInDittoExactly() {
    String prefix = "zava.retail.";
    Map<String, Map<Object, Map<String, Object>>> expected = new LinkedHashMap<>();
    List<String> topics = new ArrayList<>();
    for (String c : ZAVA) {
      harness.connect.kafka().createTopic(prefix + c, 2);
      topics.add(prefix + c);
      expected.put(c, new LinkedHashMap<>());
    }
    Map<String, String> props =
        ConnectHarness.sinkProps(String.join(",", topics), ditto.endpoint(), ditto.apiKey());
    props.put(DittoSinkConfig.BATCH_SIZE, "40"); // several batches per put, across collections
    // one explicit mapping; the others come from the records (and tombstones from the topic name)
    props.put(DittoSinkConfig.COLLECTION_MAP, prefix + "order_items:order_items");
    harness.connect.configureConnector("zava-sink", props);

    ZavaChanges gen = new ZavaChanges(new Random(42));
    for (int round = 0; round < 3; round++) {
      for (String c : ZAVA) {
        for (ZavaChanges.Step step : gen.round(c, round)) {
          if (step.tombstone()) {
            harness.tombstone(prefix + c, step.id());
            expected.get(c).remove(Docs.norm(step.id()));
          } else {
            harness.send(prefix + c, step.change());
            if (step.change().isDelete()) {
              expected.get(c).remove(Docs.norm(step.change().id()));
            } else {
              expected.get(c).put(Docs.norm(step.change().id()), step.change().document());
            }
          }
        }
      }
    }

    LocalDittoClient reader = new LocalDittoClient(ditto);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (String c : ZAVA) {
                List<Map<String, Object>> want = new ArrayList<>(expected.get(c).values());
                assertEquals(Docs.byId(want), Docs.byId(reader.select(c)), "collection " + c);
              }
            });
    for (String c : ZAVA) {
      assertTrue(expected.get(c).size() > 10, c + " keeps documents");
      assertTrue(gen.deletedCount(c) > 0, c + " had deletes");
    }
    assertEquals("RUNNING", harness.taskState("zava-sink"));

    // Everything acknowledged is committed: the sink's consumer offsets reach the end of each
    // topic.
    Map<TopicPartition, Long> ends;
    try (var consumer = harness.connect.kafka().createConsumer(Map.of())) {
      ends =
          consumer.endOffsets(
              topics.stream()
                  .flatMap(
                      t -> List.of(new TopicPartition(t, 0), new TopicPartition(t, 1)).stream())
                  .collect(java.util.stream.Collectors.toSet()));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Map<String, Long> committed = new HashMap<>();
              for (ConnectorOffset o : harness.connect.connectorOffsets("zava-sink").offsets()) {
                committed.put(
                    o.partition().get("kafka_topic") + "-" + o.partition().get("kafka_partition"),
                    ((Number) o.offset().get("kafka_offset")).longValue());
              }
              ends.forEach(
                  (tp, end) -> {
                    if (end > 0) {
                      assertEquals(
                          end, committed.get(tp.topic() + "-" + tp.partition()), tp.toString());
                    }
                  });
            });
  }

  /** Generates realistic changes per Zava collection and remembers which ids are live. */
  static final class ZavaChanges {
    record Step(DittoChange change, boolean tombstone, Object id) {}

    private final Random random;
    private final Map<String, List<Object>> live = new HashMap<>();
    private final Map<String, Integer> deleted = new HashMap<>();

    ZavaChanges(Random random) {
      this.random = random;
    }

    int deletedCount(String c) {
      return deleted.getOrDefault(c, 0);
    }

    private Object id(String c, int n) {
      return switch (c) {
        case "inventory" -> Map.of("store_id", "s" + (n % 5), "product_id", "p" + n); // composite
        case "order_items" -> Map.of("order_id", (long) (n / 3), "line", (long) (n % 3));
        case "categories" -> (long) n; // numeric ids
        default -> c.substring(0, 2) + "-" + n;
      };
    }

    private Map<String, Object> document(String c, Object id, int n, int version) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("_id", id);
      d.put("name", c + " " + n + " v" + version);
      d.put("updated_at", "2026-01-0" + (1 + version) + "T10:00:00Z");
      Map<String, Object> nested = new LinkedHashMap<>();
      nested.put("city", "City " + (n % 7));
      nested.put("geo", new LinkedHashMap<>(Map.of("lat", 47.0 + n / 100.0, "lon", 8.5)));
      if (version % 2 == 0) {
        nested.put("extra", "only in even versions");
        ((Map<String, Object>) nested.get("geo")).put("alt", (long) (400 + n));
      }
      d.put("address", nested);
      d.put("tags", List.of("t" + (n % 3), "v" + version));
      if (version == 0) {
        d.put("legacy_field", true);
      }
      switch (c) {
        case "products" -> d.put("price", 9.99 + n);
        case "orders" -> d.put("total", (long) (100 * n));
        case "inventory" -> d.put("quantity", (long) (n * 3 + version));
        default -> {}
      }
      return d;
    }

    /**
     * Round 0 inserts; later rounds update (unsets or replaces), delete, tombstone and re-insert.
     */
    @SuppressWarnings("unchecked")
    List<Step> round(String c, int round) {
      List<Step> steps = new ArrayList<>();
      List<Object> ids = live.computeIfAbsent(c, k -> new ArrayList<>());
      if (round == 0) {
        for (int n = 0; n < 60; n++) {
          Object id = id(c, n);
          ids.add(id);
          steps.add(
              new Step(
                  DittoChange.upsert(c, id, document(c, id, n, 0), List.of(), true, 0, null),
                  false,
                  id));
        }
        return steps;
      }
      for (int i = 0; i < ids.size(); i++) {
        Object id = ids.get(i);
        int n = i;
        int pick = random.nextInt(10);
        if (pick < 4) {
          // an update: the source lists the removed paths (nested keys included)
          Map<String, Object> next = document(c, id, n, round);
          List<String> unset = new ArrayList<>(List.of("legacy_field"));
          if (round % 2 == 1) {
            unset.add("address.extra");
            unset.add("address.geo.alt");
          }
          steps.add(new Step(DittoChange.upsert(c, id, next, unset, false, 0, null), false, id));
        } else if (pick < 6) {
          // a replace with fewer fields: nothing listed, the sink must find what to remove
          Map<String, Object> next = document(c, id, n, round);
          next.remove("tags");
          ((Map<String, Object>) next.get("address")).remove("geo");
          steps.add(new Step(DittoChange.upsert(c, id, next, List.of(), true, 0, null), false, id));
          if (pick == 5) {
            // and again in the same batch, then a delete and a re-insert: last one wins
            steps.add(new Step(DittoChange.delete(c, id, 0, null), false, id));
            steps.add(
                new Step(
                    DittoChange.upsert(c, id, document(c, id, n, 7), List.of(), false, 0, null),
                    false,
                    id));
          }
        } else if (pick == 6) {
          steps.add(new Step(DittoChange.delete(c, id, 0, null), false, id));
          deleted.merge(c, 1, Integer::sum);
        } else if (pick == 7) {
          steps.add(new Step(null, true, id));
          deleted.merge(c, 1, Integer::sum);
        }
      }
      // deleted ids leave the live list (deletes and tombstones); re-inserted ones stay
      for (Step s : steps) {
        boolean gone =
            s.tombstone()
                || (s.change().isDelete()
                    && steps.stream()
                        .noneMatch(
                            o ->
                                o != s
                                    && o.change() != null
                                    && !o.change().isDelete()
                                    && o.id().equals(s.id())
                                    && steps.indexOf(o) > steps.indexOf(s)));
        if (gone) {
          ids.remove(s.id());
        }
      }
      return steps;
    }
  }

  /**
   * A sweep on a real Connect worker whose sink task restarts between the start and the end marker:
   * the task never commits past the open sweep's start marker, so the restarted task reads the
   * start marker again, rebuilds what the copy touched, and the end marker deletes exactly the
   * documents the copy did not write. (Committing past it would leave the stale documents: the new
   * task would meet an end marker without its start.)
   */
  @Test
  void aSinkTaskRestartedInsideASweepStillDeletesExactlyWhatTheCopyDidNotWrite() throws Exception {
    LocalDittoClient client = new LocalDittoClient(ditto);
    List<Map<String, Object>> stale = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stale.add(
          Map.of(
              "_id",
              "stale-" + i,
              "old",
              true,
              DittoMetadata.FIELD,
              DittoMetadata.of(SWEEP_SOURCE)));
    }
    client.execute("INSERT INTO " + SWEEP_COLLECTION + " DOCUMENTS (:docs)", Map.of("docs", stale));
    harness.connect.kafka().createTopic(SWEEP_TOPIC, 1);
    // written before the copy began and deleted in MongoDB since: the sweep must remove them too
    harness.send(SWEEP_TOPIC, sweepCopy("before-0"));
    harness.send(SWEEP_TOPIC, sweepCopy("before-1"));
    SweepMarker start =
        new SweepMarker(SWEEP_COLLECTION, SweepMarker.Phase.START, "copy-r", 0, 1, SWEEP_SOURCE);
    harness.send(SWEEP_TOPIC, start.key(), start.toValue());
    for (int i = 0; i < 5; i++) {
      harness.send(SWEEP_TOPIC, sweepCopy("kept-" + i));
    }
    Map<String, String> props =
        ConnectHarness.sinkProps(SWEEP_TOPIC, ditto.endpoint(), ditto.apiKey());
    props.put(DittoSinkConfig.SWEEP_GRACE_MS, "0");
    harness.connect.configureConnector(SWEEP_CONNECTOR, props);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sweepIdsInDitto(client).containsAll(sweepIds("kept-", 5)));
    // two commit cycles after every record up to kept-4 was written: each held the sweep back
    long commits = ConnectHarness.offsetCommits(SWEEP_CONNECTOR);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ConnectHarness.offsetCommits(SWEEP_CONNECTOR) >= commits + 2);
    assertEquals(
        2L,
        sweepCommitted(),
        "committed up to the open sweep's start marker (offset 2), not past it");

    harness.connect.restartTask(SWEEP_CONNECTOR, 0);
    for (int i = 5; i < 10; i++) {
      harness.send(SWEEP_TOPIC, sweepCopy("kept-" + i));
    }
    SweepMarker end =
        new SweepMarker(SWEEP_COLLECTION, SweepMarker.Phase.END, "copy-r", 0, 1, SWEEP_SOURCE);
    harness.send(SWEEP_TOPIC, end.key(), end.toValue());

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertEquals(sweepIds("kept-", 10), sweepIdsInDitto(client)));
    await().atMost(Duration.ofSeconds(30)).until(() -> sweepCommitted() == 14L);
    assertEquals("RUNNING", harness.taskState(SWEEP_CONNECTOR));
    harness.connect.deleteConnector(SWEEP_CONNECTOR);
  }

  private static DittoChange sweepCopy(String id) {
    return DittoChange.upsert(
            SWEEP_COLLECTION, id, Map.of("_id", id, "copied", true), List.of(), true, 0, null)
        .withOrigin(SWEEP_SOURCE);
  }

  private static Set<String> sweepIds(String prefix, int n) {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  private static Set<String> sweepIdsInDitto(LocalDittoClient client) {
    Set<String> out = new TreeSet<>();
    client.select(SWEEP_COLLECTION).forEach(d -> out.add(String.valueOf(d.get("_id"))));
    return out;
  }

  /** The sink's committed offset of the topic's partition, or -1 when none is committed. */
  private static long sweepCommitted() throws Exception {
    return committed(SWEEP_CONNECTOR, SWEEP_TOPIC);
  }

  private static long committed(String connector, String topic) throws Exception {
    try (Admin admin = harness.connect.kafka().createAdminClient()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets("connect-" + connector)
              .partitionsToOffsetAndMetadata()
              .get();
      OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
      return o == null ? -1L : o.offset();
    }
  }

  /**
   * Resetting the sink's offsets and replaying its topic (a normal way to rebuild Ditto) re-reads
   * old sweep markers. The replayed sweep waits after its end marker until the task has caught up
   * and the grace passed, so every record after the marker spares its document: no live document is
   * deleted, not even for a moment (Ditto is polled throughout, and no DELETE the sink sends names
   * one). Documents of apps and of another source on the same collection are never swept.
   */
  @Test
  void aReplayOfTheTopicAfterAnOffsetResetNeverDeletesALiveDocument() throws Exception {
    String topic = "replay.orders";
    String collection = "replay_orders";
    String connector = "replay-sink";
    String source = "replay-source";
    LocalDittoClient client = new LocalDittoClient(ditto);
    List<Map<String, Object>> before = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      before.add(
          Map.of("_id", "stale-" + i, DittoMetadata.FIELD, DittoMetadata.of(source), "old", true));
    }
    before.add(Map.of("_id", "app-0", "by", "an app"));
    before.add(Map.of("_id", "other-0", DittoMetadata.FIELD, DittoMetadata.of("other-source")));
    client.execute("INSERT INTO " + collection + " DOCUMENTS (:docs)", Map.of("docs", before));

    harness.connect.kafka().createTopic(topic, 1);
    SweepMarker start =
        new SweepMarker(collection, SweepMarker.Phase.START, "copy-1", 0, 1, source);
    harness.send(topic, start.key(), start.toValue());
    for (int i = 0; i < 10; i++) {
      harness.send(topic, replayUpsert(collection, "c-" + i, 1, source));
    }
    SweepMarker end = new SweepMarker(collection, SweepMarker.Phase.END, "copy-1", 0, 1, source);
    harness.send(topic, end.key(), end.toValue());
    // streamed after the copy: new documents, an update, a delete
    for (int i = 0; i < 5; i++) {
      harness.send(topic, replayUpsert(collection, "n-" + i, 1, source));
    }
    harness.send(topic, replayUpsert(collection, "c-0", 2, source));
    harness.send(topic, DittoChange.delete(collection, "c-9", 0, null).withOrigin(source));
    long endOfTopic = 19;

    Set<String> live = new TreeSet<>(Set.of("app-0", "other-0"));
    for (int i = 0; i < 9; i++) {
      live.add("c-" + i);
    }
    for (int i = 0; i < 5; i++) {
      live.add("n-" + i);
    }
    try (FaultProxy proxy = FaultProxy.start(ditto.endpoint())) {
      Map<String, String> props = ConnectHarness.sinkProps(topic, proxy.endpoint(), ditto.apiKey());
      props.put(DittoSinkConfig.SWEEP_GRACE_MS, "2000");
      // small polls: the replayed end marker and the records after it come in different puts
      props.put("consumer.override.max.poll.records", "5");
      harness.connect.configureConnector(connector, props);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertEquals(live, idsIn(client, collection)));
      await().atMost(Duration.ofSeconds(60)).until(() -> committed(connector, topic) == endOfTopic);

      harness.connect.stopConnector(connector);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  "STOPPED".equals(harness.connect.connectorStatus(connector).connector().state()));
      harness.connect.alterSinkConnectorOffset(connector, new TopicPartition(topic, 0), 0L);
      int sentBeforeReplay = proxy.received().size();

      List<String> vanished = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.atomic.AtomicBoolean polling =
          new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread poller =
          new Thread(
              () -> {
                while (polling.get()) {
                  Set<String> now = idsIn(client, collection);
                  for (String id : live) {
                    if (!now.contains(id)) {
                      vanished.add(id);
                    }
                  }
                }
              },
              "replay-poller");
      poller.start();
      try {
        harness.connect.resumeConnector(connector);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> committed(connector, topic) == endOfTopic);
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertEquals(live, idsIn(client, collection)));
      } finally {
        polling.set(false);
        poller.join();
      }
      assertEquals(List.of(), vanished, "documents missing from Ditto during the replay");
      List<String> deletes = new ArrayList<>();
      for (FaultProxy.Received r :
          proxy.received().subList(sentBeforeReplay, proxy.received().size())) {
        if (r.body().contains("DELETE")) {
          deletes.add(r.body());
        }
      }
      for (String d : deletes) {
        for (String id : live) {
          assertTrue(
              !d.contains("\"" + id + "\""), "a DELETE during the replay named " + id + ": " + d);
        }
      }
      // the reads before writes and the sweep's read ask for the task's own writes
      List<FaultProxy.Received> reads =
          proxy.received().stream()
              .filter(
                  r ->
                      r.body().startsWith("{\"statement\":\"SELECT * FROM")
                          || r.body().contains("WHERE `_mongoditto`.`source`"))
              .toList();
      assertTrue(reads.size() >= 2, "reads seen: " + reads.size());
      for (FaultProxy.Received r : reads) {
        assertTrue(r.txnId() != null && Long.parseLong(r.txnId()) >= 0, r.body());
      }
      assertEquals("RUNNING", harness.taskState(connector));
    } finally {
      harness.connect.deleteConnector(connector);
    }
  }

  private static DittoChange replayUpsert(String collection, String id, int v, String source) {
    return DittoChange.upsert(
            collection, id, Map.of("_id", id, "v", (long) v), List.of(), true, 0, null)
        .withOrigin(source);
  }

  private static Set<String> idsIn(LocalDittoClient client, String collection) {
    Set<String> out = new TreeSet<>();
    client.select(collection).forEach(d -> out.add(String.valueOf(d.get("_id"))));
    return out;
  }
}
