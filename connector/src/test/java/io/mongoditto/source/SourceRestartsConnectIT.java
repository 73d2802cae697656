package io.mongoditto.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.ConversionStats;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source on a real in-JVM Connect cluster across the restarts that used to lose or keep
 * documents (issue 13 items 1, 2 and 9), and the offsets API's answers (issue 15 item 2). The
 * topics are folded as a sink applies them ({@link DittoStateFold}) and compared with MongoDB.
 */
class SourceRestartsConnectIT {

  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private static SourceConnectCluster cluster;
  private static EmbeddedConnectCluster connect;

  @BeforeAll
  static void start() {
    cluster =
        SourceConnectCluster.start(
            "source-restarts-it",
            // a departed worker's tasks move at once instead of after the default five minutes
            Map.of("scheduled.rebalance.max.delay.ms", "1000"),
            UuidRepresentation.STANDARD);
    connect = cluster.connect;
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Issue 13 item 1, as a user meets it: a collection without pre/post images is synced, the
   * connector stopped, ten documents updated, images turned on (the docs recommend turning them on
   * later), the connector resumed from its offsets. The stream now asks for whenAvailable, and
   * those ten updates have no post-image: each document is looked up by _id and reaches Ditto; one
   * of them, deleted after its update, is found deleted and its delete applies.
   */
  @Test
  void updatesStoredBeforePostImagesWereOnReachDittoAndADeleteStillApplies() throws Exception {
    String name = "images-later";
    MongoDatabase db = cluster.client.getDatabase("images_later");
    MongoCollection<Document> orders = db.getCollection("orders");
    for (int i = 0; i < 12; i++) {
      orders.insertOne(new Document("_id", "o-" + i).append("status", "new"));
    }
    Map<String, String> config =
        SourceConnectCluster.sourceConfig(cluster.mongo, db.getName(), "orders", "img");
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
    await()
        .atMost(CONVERGE)
        .untilAsserted(() -> assertEquals(expected(db, "orders"), fold("img.orders")));

    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "stopped");
    orders.updateMany(Filters.in("_id", ids(0, 10)), Updates.set("status", "shipped"));
    orders.deleteOne(Filters.eq("_id", "o-0"));
    db.runCommand(
        new Document("collMod", "orders")
            .append("changeStreamPreAndPostImages", new Document("enabled", true)));
    connect.resumeConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "resumed");

    Map<String, Object> expected = expected(db, "orders");
    assertEquals(11, expected.size());
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertEquals(expected, fold("img.orders")));
    assertEquals(10, SourceConnectCluster.metric(name, "orders", "post-image-lookups-total"));
    connect.deleteConnector(name);
  }

  /**
   * Issue 13 item 2: a copy that sweeps, its task restarted in the middle. Documents it copied
   * before the restart and that were deleted before the new copy's stream position must end up
   * deleted: the restarted copy starts over under a new epoch, whose start marker replaces the open
   * sweep (under the old epoch the sink counted them as touched and kept them).
   */
  @Test
  void aSweepingCopyWhoseTaskRestartsStartsOverAndDeletesWhatWentMeanwhile() throws Exception {
    sweepingCopyRestarted("sweep-task-restart", name -> connect.restartTask(name, 0));
  }

  /** As above, with the whole worker replaced (a new worker joins, the old one leaves). */
  @Test
  void aSweepingCopyWhoseWorkerIsReplacedStartsOverAndDeletesWhatWentMeanwhile() throws Exception {
    sweepingCopyRestarted(
        "sweep-worker-restart",
        name -> {
          Set<WorkerHandle> before = new HashSet<>(connect.workers());
          connect.addWorker();
          before.forEach(connect::removeWorker);
          connect.assertions().assertExactlyNumWorkersAreUp(1, "one new worker");
        });
  }

  /** A restart of the connector's task (or its worker), by the test. */
  @FunctionalInterface
  private interface Restart {
    void restart(String connector) throws Exception;
  }

  private void sweepingCopyRestarted(String name, Restart restart) throws Exception {
    MongoDatabase db = cluster.client.getDatabase(name.replace('-', '_'));
    MongoCollection<Document> items = db.getCollection("items");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      docs.add(new Document("_id", String.format("d-%03d", i)).append("v", i));
    }
    items.insertMany(docs);
    String prefix = name.replace('-', '_');
    Map<String, String> config =
        SourceConnectCluster.sourceConfig(cluster.mongo, db.getName(), "items", prefix);
    config.put("snapshot.sweep", "always");
    config.put("snapshot.chunk.size", "10");
    config.put("topic.creation.default.partitions", "2");
    // 20 ms per record on its way to Kafka, one record per poll (so a stop is not held up by a
    // batch): the copy lasts at least 6 s, so it is restarted inside
    config.put("poll.max.batch.size", "1");
    config.put("buffer.capacity", "1");
    config.put("transforms", "slow");
    config.put("transforms.slow.type", SlowRecords.class.getName());
    config.put("transforms.slow.delay.ms", "20");
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
    String ns = db.getName() + ".items";
    // In the middle of the copy: its stored offset is a sweeping copy's, past d-020.
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Map<String, Object> offset = storedOffset(name, ns);
              BsonValue last =
                  offset == null || SourceOffsets.snapshotSweep(offset) == null
                      ? null
                      : SourceOffsets.snapshotLastId(offset);
              return last != null && last.asString().getValue().compareTo("d-020") > 0;
            });
    // Copied already, deleted before the restarted copy takes its position.
    items.deleteMany(Filters.in("_id", List.of("d-000", "d-001", "d-002", "d-003", "d-004")));
    restart.restart(name);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "restarted");

    Map<String, Object> expected = expected(db, "items");
    assertEquals(295, expected.size());
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertEquals(expected, fold(prefix + ".items")));
    List<TopicContents.Rec> records = cluster.topics.read(prefix + ".items");
    Set<String> epochs = new HashSet<>();
    for (TopicContents.Rec r : records) {
      if (SweepMarker.isMarker(r.value())) {
        SweepMarker m = SweepMarker.fromValue((Map<?, ?>) r.value());
        assertEquals(name, m.origin(), "markers carry the source id");
        if (m.phase() == SweepMarker.Phase.START) {
          epochs.add(m.epoch());
        }
      } else {
        assertEquals(name, r.valueMap().get("origin"), "records carry the source id");
      }
    }
    assertEquals(2, epochs.size(), "the restarted copy runs under a new epoch: " + epochs);
    connect.deleteConnector(name);
  }

  /**
   * Issue 13 item 9: under snapshot_only a copy that sweeps stored a stream position with its last
   * end marker, so a restart streamed. Now the finished copy's offset says so, and a restart reads
   * nothing.
   */
  @Test
  void aFinishedSnapshotOnlyCopyThatSweptStaysSnapshotOnlyAfterARestart() throws Exception {
    String name = "snapshot-only-swept";
    MongoDatabase db = cluster.client.getDatabase("snapshot_only_swept");
    MongoCollection<Document> items = db.getCollection("items");
    for (int i = 0; i < 20; i++) {
      items.insertOne(new Document("_id", "i-" + i));
    }
    Map<String, String> config =
        SourceConnectCluster.sourceConfig(cluster.mongo, db.getName(), "items", "soswept");
    config.put("startup.mode", "snapshot_only");
    config.put("snapshot.sweep", "always");
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
    String ns = db.getName() + ".items";
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertEquals(3L, SourceConnectCluster.metric(name, "items", "state"), "finished");
              Map<String, Object> offset = storedOffset(name, ns);
              assertNotNull(offset);
              assertEquals("true", offset.get(SourceOffsets.SNAPSHOT_COMPLETE), offset.toString());
            });
    assertEquals(expected(db, "items"), fold("soswept.items"));

    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "stopped");
    connect.resumeConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "resumed");
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertEquals(
                    3L,
                    SourceConnectCluster.metric(name, "items", "state"),
                    "finished again, not streaming"));
    Map<String, Object> offset = storedOffset(name, ns);
    assertFalse(offset.containsKey(SourceOffsets.RESUME_TOKEN), offset.toString());
    connect.deleteConnector(name);
  }

  /**
   * Issue 15 item 2: PATCH .../offsets answers 400 with the reason for a malformed offset and for a
   * collection this connector does not stream; a reset of any partition and a well-formed offset of
   * a streamed collection are accepted.
   */
  @Test
  void theOffsetsApiRefusesWhatTheConnectorWouldNeverReadWith400() throws Exception {
    String name = "offsets-api";
    MongoDatabase db = cluster.client.getDatabase("offsets_api");
    db.createCollection("items");
    Map<String, String> config =
        SourceConnectCluster.sourceConfig(
            cluster.mongo, db.getName(), "items,old_items,edge_items", "offapi");
    config.put("collection.old_items.enabled", "false");
    config.put("collection.edge_items.direction", "ditto_to_mongo");
    connect.configureConnector(name, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "running");
    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "stopped");

    String token = "{\"resume_token\": \"{\\\"_data\\\": \\\"8263A1B2C7000000012B\\\"}\"}";
    assertPatch(
        name,
        "offsets_api.items",
        "{\"resume_token\": \"{_data: \"}",
        400,
        "offset for offsets_api.items rejected");
    assertPatch(
        name, "offsets_api.items", "{\"position\": 5}", 400, "an offset needs 'resume_token'");
    assertPatch(name, "offsets_api.nope", token, 400, "'nope' is not listed in 'collections'");
    assertPatch(name, "offsets_api.old_items", token, 400, "'old_items' is disabled");
    assertPatch(name, "offsets_api.edge_items", token, 400, "is synced ditto_to_mongo only");
    assertPatch(name, "other_db.items", token, 400, "is not one of this connector's");
    assertPatch(name, "offsets_api.nope", "null", 200, "successfully");
    assertPatch(name, "offsets_api.items", token, 200, "successfully");
    connect.deleteConnector(name);
  }

  private static void assertPatch(
      String connector, String ns, String offsetJson, int status, String fragment) {
    String body =
        "{\"offsets\": [{\"partition\": {\"ns\": \""
            + ns
            + "\"}, \"offset\": "
            + offsetJson
            + "}]}";
    Response response =
        connect.requestPatch(
            connect.endpointForResource("connectors/" + connector + "/offsets"), body);
    String text = String.valueOf(response.getEntity());
    assertEquals(status, response.getStatus(), ns + " " + offsetJson + ": " + text);
    assertTrue(text.contains(fragment), ns + " " + offsetJson + ": " + text);
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add("o-" + i);
    }
    return ids;
  }

  /** The stored offset of {@code ns}, as GET /connectors/NAME/offsets shows it, or null. */
  private static Map<String, Object> storedOffset(String connector, String ns) {
    for (ConnectorOffset o : connect.connectorOffsets(connector).offsets()) {
      if (ns.equals(o.partition().get(SourceOffsets.NAMESPACE))) {
        return o.offset() == null ? null : new java.util.HashMap<>(o.offset());
      }
    }
    return null;
  }

  private static Map<String, Object> fold(String topic) {
    return DittoStateFold.fold(cluster.topics.read(topic));
  }

  /** The Ditto documents MongoDB implies now (match_ids, no rules). */
  private static Map<String, Object> expected(MongoDatabase db, String collection) {
    ChangeEventMapper mapper =
        new ChangeEventMapper(CollectionMapping.matchIds(collection), new ConversionStats());
    Map<String, Object> expected = new TreeMap<>();
    for (BsonDocument doc : db.getCollection(collection, BsonDocument.class).find()) {
      var change = mapper.mapSnapshot(doc, 0).changes().get(0);
      expected.put(TopicContents.idKey(change.id()), TopicContents.normalize(change.document()));
    }
    return expected;
  }
}
