package io.mongoditto.source;

import static io.mongoditto.source.SourceTaskDriver.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.mongo.ConnectorSessions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
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
}
