package io.mongoditto.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ditto's CDC messages in every spelling its documentation has shown. */
class CdcEventsTest {

  @Test
  void anInsertAnUpdateAndARemovalAsTheCloudDocumentsThem() {
    CdcEvent insert =
        CdcEvents.parse(
            "{\"txnId\": 552789, \"type\": \"documentChanged\", \"collection\": \"people\","
                + " \"change\": {\"method\": \"upsert\", \"oldValue\": null, \"newValue\": {\"_id\":"
                + " \"p1\", \"name\": \"Ann\"}}}");
    assertEquals(552789L, insert.txnId());
    assertEquals("people", insert.collection());
    assertNull(insert.before());
    assertEquals(Map.of("_id", "p1", "name", "Ann"), insert.after());
    assertEquals("p1", insert.documentId());

    CdcEvent update =
        CdcEvents.parse(
            ("{\"txnID\": 7, \"type\": \"documentChanged\", \"collection\": \"people\", \"change\":"
                    + " {\"method\": \"update\", \"oldValue\": {\"_id\": \"p1\", \"n\": 1},"
                    + " \"newValue\": {\"_id\": \"p1\", \"n\": 2}}}")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(7L, update.txnId());
    assertEquals(Map.of("_id", "p1", "n", 1), update.before());

    CdcEvent removal =
        CdcEvents.parse(
            Map.of(
                "txnId",
                8L,
                "type",
                "documentChanged",
                "collection",
                "people",
                "change",
                Map.of("method", "remove", "value", Map.of("_id", "p1", "n", 2))));
    assertTrue(removal.isRemove());
    assertEquals(Map.of("_id", "p1", "n", 2), removal.before());
    assertEquals("p1", removal.documentId());
  }

  @Test
  void requeryRequiredAndUnknownTypes() {
    CdcEvent requery =
        CdcEvents.parse("{\"txnID\": 45, \"type\": \"requeryRequired\", \"documents\": []}");
    assertTrue(requery.isRequery());
    assertEquals(45L, requery.txnId());
    assertNull(CdcEvents.parse("{\"txnId\": 1, \"type\": \"heartbeat\"}"));
  }

  @Test
  void malformedMessagesNameWhatIsWrong() {
    assertEquals(
        "field 'change.newValue' is missing",
        assertThrows(
                CdcEvents.InvalidCdcEventException.class,
                () ->
                    CdcEvents.parse(
                        "{\"txnId\": 1, \"type\": \"documentChanged\", \"collection\": \"c\","
                            + " \"change\": {\"method\": \"upsert\"}}"))
            .getMessage());
    assertEquals(
        "field 'txnId' is missing or not a number",
        assertThrows(
                CdcEvents.InvalidCdcEventException.class,
                () -> CdcEvents.parse("{\"type\": \"documentChanged\"}"))
            .getMessage());
    assertTrue(
        assertThrows(CdcEvents.InvalidCdcEventException.class, () -> CdcEvents.parse("not json"))
            .getMessage()
            .startsWith("the message is not JSON"));
    assertEquals(
        "the document in 'change.newValue' has no _id",
        assertThrows(
                CdcEvents.InvalidCdcEventException.class,
                () ->
                    CdcEvents.parse(
                        "{\"txnId\": 1, \"type\": \"documentChanged\", \"collection\": \"c\","
                            + " \"change\": {\"method\": \"upsert\", \"newValue\": {\"a\": 1}}}"))
            .getMessage());
  }
}
