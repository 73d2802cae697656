package io.mongoditto.source;

import static io.mongoditto.source.SourceTaskDriver.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongoditto.mongo.ConnectorSessions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source tells the Ditto -> MongoDB direction's writes (transactions on its recorded sessions)
 * from everyone else's: those came from Ditto and go back only as touches.
 */
class EchoRecognitionIT {

  @RegisterExtension static final LocalMongoExtension MONGO = new LocalMongoExtension();

  private static Map<String, String> props() {
    Map<String, String> p = new HashMap<>();
    p.put("name", "echo-test");
    p.put("mongodb.uri", MONGO.connectionString());
    p.put("mongodb.database", "t_echo");
    p.put("collections", "inventory");
    p.put("startup.mode", "latest");
    p.put("change.stream.max.await.time.ms", "200");
    p.put(MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START, "false");
    return p;
  }

  private static String op(SourceRecord r) {
    return String.valueOf(((Map<?, ?>) r.value()).get("op"));
  }

  @Test
  void writesOfTheRecordedSessionsComeBackAsTouchesOnly() throws Exception {
    MongoDatabase db = MONGO.client().getDatabase("t_echo");
    MongoCollection<Document> inventory = db.getCollection("inventory");
    inventory.insertOne(new Document("_id", 1).append("qty", 1));
    MongoSourceTask task = SourceTaskDriver.start(props(), Map.of());
    try {
      List<SourceRecord> first = new ArrayList<>();
      for (int i = 0; i < 40 && first.isEmpty(); i++) {
        inventory.updateOne(
            new Document("_id", 1), new Document("$set", new Document("qty", 2 + i)));
        first.addAll(poll(task, 1, 500));
      }
      assertEquals("upsert", op(first.get(0)), "the stream is running");
      poll(task, 100, 500); // drain

      ConnectorSessions sessions = new ConnectorSessions(db);
      try (ClientSession ours = sessions.start(MONGO.client(), "echo-test-sink", "0");
          ClientSession users = MONGO.client().startSession()) {
        ours.withTransaction(
            () ->
                inventory.updateOne(
                    ours, new Document("_id", 1), new Document("$set", new Document("qty", 100))));
        users.withTransaction(
            () ->
                inventory.updateOne(
                    users, new Document("_id", 1), new Document("$set", new Document("qty", 200))));
      }
      inventory.updateOne(new Document("_id", 1), new Document("$set", new Document("qty", 300)));

      List<SourceRecord> got = poll(task, 3, 10_000);
      assertEquals(
          List.of("touch", "upsert", "upsert"), got.stream().map(EchoRecognitionIT::op).toList());
      assertEquals(1L, ((Map<?, ?>) got.get(0).value()).get("id"));
      assertTrue(
          !((Map<?, ?>) got.get(0).value()).containsKey("doc"), "a touch carries no document");
    } finally {
      task.stop();
    }
  }

  /**
   * A task restarted while its stream caught up over a copy (the copy's end in the stored offset)
   * sends the direction's writes up to that end as what they changed, and touches after it.
   */
  @Test
  void aRestartInsideACopysWindowStillSendsOwnWritesAsWhatTheyChanged() throws Exception {
    MongoDatabase db = MONGO.client().getDatabase("t_echo");
    MongoCollection<Document> devices = db.getCollection("devices");
    devices.insertOne(new Document("_id", 1).append("qty", 1).append("note", "n"));
    List<BsonDocument> tokens = new ArrayList<>();
    ConnectorSessions sessions = new ConnectorSessions(db);
    // The direction's own client, as in production: a pooled session of the shared client would
    // come back to other tests' writes with this recorded lsid.
    try (MongoClient sinkClient = MongoClients.create(MONGO.connectionString());
        MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = devices.watch().cursor();
        ClientSession ours = sessions.start(sinkClient, "echo-test-sink", "0")) {
      MongoCollection<Document> sinkDevices =
          sinkClient.getDatabase("t_echo").getCollection("devices");
      devices.updateOne(new Document("_id", 1), new Document("$set", new Document("qty", 2)));
      ours.withTransaction(
          () ->
              sinkDevices.updateOne(
                  ours,
                  new Document("_id", 1),
                  new Document("$set", new Document("qty", 100))
                      .append("$unset", new Document("note", ""))));
      devices.updateOne(new Document("_id", 1), new Document("$set", new Document("mark", 1)));
      ours.withTransaction(
          () ->
              sinkDevices.updateOne(
                  ours, new Document("_id", 1), new Document("$set", new Document("qty", 300))));
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (tokens.size() < 4 && System.nanoTime() < deadline) {
        ChangeStreamDocument<Document> e = stream.tryNext();
        if (e != null) {
          tokens.add(e.getResumeToken());
        }
      }
    }
    assertEquals(4, tokens.size(), "the four updates' events");
    Map<String, String> props = props();
    props.put("collections", "devices");
    // Stored: after the first update, inside a copy that ended at the third one.
    MongoSourceTask task =
        SourceTaskDriver.start(
            props, new HashMap<>(SourceOffsets.streamOffset(tokens.get(0), tokens.get(2))));
    try {
      List<SourceRecord> got = poll(task, 3, 10_000);
      assertEquals(
          List.of("upsert", "upsert", "touch"),
          got.stream().map(EchoRecognitionIT::op).toList(),
          got.toString());
      Map<?, ?> own = (Map<?, ?>) got.get(0).value();
      assertEquals(
          100, ((Number) ((Map<?, ?>) own.get("doc")).get("qty")).intValue(), own::toString);
      assertTrue(String.valueOf(own.get("unset")).contains("note"), own::toString);
      assertTrue(
          got.get(0).sourceOffset().containsKey(SourceOffsets.COPY_END_TOKEN),
          "inside the window the offset keeps its end");
      assertTrue(
          !got.get(2).sourceOffset().containsKey(SourceOffsets.COPY_END_TOKEN),
          "past it, it is dropped");
    } finally {
      task.stop();
    }
  }
}
