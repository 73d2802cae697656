package io.mongoditto.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Snapshot progress of a copy continued after a restart, through Kafka's own plugin metrics
 * implementation: the documents earlier runs copied count, so it ends at 100 %, not at the share
 * this run copied.
 */
class SnapshotProgressMetricsIT {

  @RegisterExtension static final LocalMongoExtension MONGO = new LocalMongoExtension();

  @Test
  void aContinuedCopyCountsWhatEarlierRunsCopiedAndReaches100Percent() throws Exception {
    MongoCollection<Document> cats =
        MONGO.client().getDatabase("t_progress").getCollection("categories");
    for (int i = 0; i < 10; i++) {
      cats.insertOne(new Document("_id", "c" + i));
    }
    BsonDocument startToken;
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor = cats.watch().cursor()) {
      cursor.tryNext();
      startToken = cursor.getResumeToken();
    }
    // As stored by a run that handed on c0..c5 before it was stopped.
    Map<String, Object> stored = SourceOffsets.snapshotOffset(startToken, new BsonString("c5"));

    Map<String, String> props = new HashMap<>();
    props.put("name", "progress-test");
    props.put("mongodb.uri", MONGO.connectionString());
    props.put("mongodb.database", "t_progress");
    props.put("collections", "categories");
    props.put("startup.mode", "snapshot_only");
    props.put("snapshot.chunk.size", "3");
    props.put("change.stream.max.await.time.ms", "200");
    props.put(
        MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START,
        "false"); // no runtime stores offsets here

    try (Metrics metrics = new Metrics();
        PluginMetricsImpl plugin =
            new PluginMetricsImpl(metrics, Map.of("connector", "progress-test", "task", "0"))) {
      MongoSourceTask task =
          SourceTaskDriver.start(props, SourceTaskDriver.storedOffset(stored), plugin);
      try {
        Map<String, String> tags =
            Map.of("connector", "progress-test", "task", "0", "collection", "categories");
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  task.poll();
                  assertEquals(3L, value(metrics, "state", tags), "finished (snapshot_only)");
                });
        assertEquals(4L, value(metrics, "snapshot-copied-total", tags), "this run copied c6..c9");
        assertEquals(
            10L,
            value(metrics, "snapshot-documents-copied", tags),
            "six before the restart, four now");
        assertEquals(10L, value(metrics, "snapshot-documents-expected", tags));
        assertEquals(100.0, (Double) value(metrics, "snapshot-percent", tags), 1e-9);
        assertEquals(0L, value(metrics, "snapshot-eta-seconds", tags));
        assertEquals("finished", value(metrics, "state-name", tags));
      } finally {
        task.stop();
      }
      assertEquals(
          0,
          metrics.metrics().keySet().stream().filter(n -> n.group().equals("plugins")).count(),
          "stop removes the task's metrics");
    }
  }

  private static Object value(Metrics metrics, String name, Map<String, String> tags) {
    var metric = metrics.metrics().get(new MetricName(name, "plugins", "", tags));
    if (metric == null) {
      throw new AssertionError(
          "no metric " + name + " " + tags + " among " + metrics.metrics().keySet());
    }
    return metric.metricValue();
  }
}
