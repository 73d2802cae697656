package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class ShortJsonTest {

  private static final JsonWriterSettings RELAXED =
      JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
  private static final JsonWriterSettings CANONICAL =
      JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

  @Test
  void coveredValuesAreWrittenExactlyAsTheJsonWriterWritesThemInBothModes() {
    StringBuilder everyPrintable = new StringBuilder();
    for (char c = 0x20; c <= 0x7e; c++) {
      if (c != '"' && c != '\\') {
        everyPrintable.append(c);
      }
    }
    List<BsonValue> values =
        List.of(
            new BsonObjectId(new ObjectId()),
            new BsonBinary(UUID.randomUUID()),
            new BsonBinary(new byte[] {1, 2, 3}),
            new BsonBinary((byte) 0x80, new byte[] {9}),
            new BsonBinary(new byte[0]),
            new BsonString(""),
            new BsonString("ord-00042"),
            new BsonString(everyPrintable.toString()),
            new BsonString(
                "826553A2B6000000012B022C0100296E5A1004F1A2B3C4D5E6F708192A3B4C5D6E7F8046645F696400"));
    for (BsonValue v : values) {
      BsonDocument doc = new BsonDocument("_id", v);
      for (JsonWriterSettings mode : List.of(RELAXED, CANONICAL)) {
        assertEquals(doc.toJson(mode), ShortJson.field("_id", v), v.toString());
        assertEquals(doc.toJson(mode), ShortJson.document(doc), v.toString());
      }
      String relaxed = doc.toJson(RELAXED);
      assertEquals(
          relaxed.substring(relaxed.indexOf(':') + 1, relaxed.length() - 1).trim(),
          ShortJson.value(v));
    }
  }

  @Test
  void anythingElseIsLeftToTheJsonWriter() {
    assertNull(ShortJson.value(new BsonString("with \"quote\"")));
    assertNull(ShortJson.value(new BsonString("back\\slash")));
    assertNull(ShortJson.value(new BsonString("tab\there")));
    assertNull(ShortJson.value(new BsonString("caf\u00e9")));
    assertNull(ShortJson.value(new BsonInt64(5)), "int64 differs between relaxed and canonical");
    assertNull(ShortJson.value(new BsonInt32(5)), "int32 differs between relaxed and canonical");
    assertNull(ShortJson.value(new BsonDouble(1.5)));
    assertNull(ShortJson.value(new BsonDocument("a", new BsonInt32(1))));
    assertNull(ShortJson.value(null));
    assertNull(ShortJson.field("na\"me", new BsonInt32(1)));
    assertNull(
        ShortJson.document(new BsonDocument("a", new BsonInt32(1)).append("b", new BsonInt32(2))));
    assertNull(ShortJson.document(new BsonDocument()));
  }

  @Test
  void integerSourceIdsAreWrittenAsTheRelaxedJsonWriterWritesThem() {
    for (BsonValue v :
        List.of(
            new BsonInt32(0),
            new BsonInt32(-7),
            new BsonInt32(Integer.MIN_VALUE),
            new BsonInt64(5),
            new BsonInt64(Long.MAX_VALUE),
            new BsonInt64(Long.MIN_VALUE))) {
      String relaxed = new BsonDocument("_id", v).toJson(RELAXED);
      assertEquals(
          relaxed.substring(relaxed.indexOf(':') + 1, relaxed.length() - 1).trim(),
          DittoIds.sourceId(v));
    }
  }

  @Test
  void sourceIdsAreUnchanged() {
    ObjectId oid = new ObjectId();
    assertEquals(
        "{\"$oid\": \"" + oid.toHexString() + "\"}", DittoIds.sourceId(new BsonObjectId(oid)));
    assertEquals("\"a-1\"", DittoIds.sourceId(new BsonString("a-1")));
    assertEquals("5", DittoIds.sourceId(new BsonInt64(5)));
    assertEquals("\"caf\u00e9\"", DittoIds.sourceId(new BsonString("caf\u00e9")));
  }
}
