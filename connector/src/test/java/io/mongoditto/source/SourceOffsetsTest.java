package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.errors.ConnectException;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class SourceOffsetsTest {

  private static final BsonDocument TOKEN =
      new BsonDocument("_data", new BsonString("8263A1B2C7000000012B"));

  @Test
  void streamOffsetsRoundTrip() {
    Map<String, Object> offset = SourceOffsets.streamOffset(TOKEN);
    assertEquals(TOKEN, SourceOffsets.resumeToken(offset));
    assertNull(SourceOffsets.snapshotStartToken(offset));
  }

  @Test
  void aStreamOffsetOverACopyKeepsTheCopysEnd() {
    BsonDocument end = BsonDocument.parse("{\"_data\": \"82000000FF\"}");
    Map<String, Object> offset = SourceOffsets.streamOffset(TOKEN, end);
    assertEquals(TOKEN, SourceOffsets.resumeToken(offset));
    assertEquals(end, SourceOffsets.copyEndToken(offset));
    assertEquals(SourceOffset.stream(TOKEN, end), SourceOffset.parse(offset));
    assertNull(SourceOffsets.copyEndToken(SourceOffsets.streamOffset(TOKEN)));
    assertEquals(SourceOffsets.streamOffset(TOKEN), SourceOffsets.streamOffset(TOKEN, null));
  }

  @Test
  void snapshotOffsetsKeepTheExactIdType() {
    for (BsonValue id :
        new BsonValue[] {
          new BsonObjectId(new ObjectId()),
          new BsonInt64(Long.MAX_VALUE),
          new BsonBinary(UUID.randomUUID()),
          new BsonString("c-1")
        }) {
      Map<String, Object> offset = SourceOffsets.snapshotOffset(TOKEN, id);
      assertEquals(id, SourceOffsets.snapshotLastId(offset));
      assertEquals(TOKEN, SourceOffsets.snapshotStartToken(offset));
      assertNull(SourceOffsets.resumeToken(offset));
    }
    assertNull(SourceOffsets.snapshotLastId(SourceOffsets.snapshotOffset(TOKEN, null)));
  }

  @Test
  void alterOffsetsAcceptsOurShapesAndResetsAndRejectsOthers() {
    MongoSourceConnector connector = new MongoSourceConnector();
    Map<String, String> config = Map.of("mongodb.database", "zava");
    Map<Map<String, ?>, Map<String, ?>> ok = new HashMap<>();
    ok.put(Map.of("ns", "zava.orders"), SourceOffsets.streamOffset(TOKEN));
    ok.put(Map.of("ns", "zava.customers"), null);
    assertTrue(connector.alterOffsets(config, ok));
    assertThrows(
        ConnectException.class,
        () ->
            connector.alterOffsets(
                config, Map.of(Map.of("ns", "other.orders"), SourceOffsets.streamOffset(TOKEN))));
    assertThrows(
        ConnectException.class,
        () ->
            connector.alterOffsets(
                config, Map.of(Map.of("ns", "zava.orders"), Map.of("position", 5))));
  }
}
