package io.mongoditto.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.bson.BsonDocument;

/** Change events as MongoDB sends them, kept as Extended JSON under test resources mapping/. */
final class Events {

  private Events() {}

  /** The event stored in {@code mapping/<name>.json}. */
  static BsonDocument load(String name) {
    String resource = "/mapping/" + name + ".json";
    try (InputStream in = Events.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return BsonDocument.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An event with the envelope every real event has (_id resume token, times, ns). */
  static BsonDocument event(String operationType, String collection, String bodyJson) {
    BsonDocument event =
        BsonDocument.parse(
            "{\"_id\": {\"_data\": \"8266A1B2C3000000012B022C0100296E5A1004\"},"
                + " \"operationType\": \""
                + operationType
                + "\","
                + " \"clusterTime\": {\"$timestamp\": {\"t\": 1704164645, \"i\": 1}},"
                + " \"wallTime\": {\"$date\": \"2024-01-02T03:04:05.678Z\"},"
                + " \"ns\": {\"db\": \"zava\", \"coll\": \""
                + collection
                + "\"}}");
    event.putAll(BsonDocument.parse(bodyJson));
    return event;
  }

  static final long WALL_TIME = 1704164645678L;
}
