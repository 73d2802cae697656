package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.config.CollectionConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A changed filter or transformation is noticed through the fingerprint every offset carries. */
class SyncRulesChangeTest {

  private static CollectionConfig customers(String... keyValues) {
    Map<String, String> p = MongoSourceConfigTest.base();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.put(keyValues[i], keyValues[i + 1]);
    }
    return MongoSourceConfig.of(p).collections().get(0);
  }

  private static final Map<String, Object> STREAM_OFFSET =
      Map.of(SourceOffsets.RESUME_TOKEN, "{\"_data\": \"82\"}");

  @Test
  void offsetsOfACollectionWithRulesCarryTheirFingerprint() {
    CollectionConfig c = customers("collection.customers.filter", "{\"active\": true}");
    Map<String, ?> stamped = SyncRulesChange.stamped(STREAM_OFFSET, c.rules());
    assertEquals(c.rules().fingerprint(), stamped.get(SyncRulesChange.OFFSET_KEY));
    assertEquals(
        STREAM_OFFSET.get(SourceOffsets.RESUME_TOKEN), stamped.get(SourceOffsets.RESUME_TOKEN));
    assertEquals(
        STREAM_OFFSET,
        SyncRulesChange.stamped(STREAM_OFFSET, customers().rules()),
        "no rules, no key");
  }

  @Test
  void sameRulesOrAFirstStartSayNothing() {
    CollectionConfig c = customers("collection.customers.filter", "{\"active\": true}");
    assertNull(
        SyncRulesChange.message(
            "src", "zava", c, SyncRulesChange.stamped(STREAM_OFFSET, c.rules())));
    assertNull(SyncRulesChange.message("src", "zava", c, null));
    assertNull(SyncRulesChange.message("src", "zava", customers(), STREAM_OFFSET));
  }

  @Test
  void changedRulesWarnWithTheExactResetCalls() {
    CollectionConfig before = customers("collection.customers.filter", "{\"active\": true}");
    CollectionConfig after =
        customers(
            "collection.customers.filter",
            "{\"active\": true, \"deleted\": false}",
            "collection.customers.fields.exclude",
            "internal_notes");
    Map<String, ?> stored = SyncRulesChange.stamped(STREAM_OFFSET, before.rules());
    String message = SyncRulesChange.message("zava-src", "zava", after, stored);
    assertTrue(
        message.contains("zava.customers") && message.contains("keep their old shape"), message);
    assertTrue(message.contains("PUT /connectors/zava-src/stop"), message);
    assertTrue(
        message.contains(
            "PATCH /connectors/zava-src/offsets with {\"offsets\": [{\"partition\": {\"ns\":"
                + " \"zava.customers\"}, \"offset\": null}]}"),
        message);
    assertTrue(message.contains("PUT /connectors/zava-src/resume"), message);
    // rules added to a collection that had none, and rules removed
    assertTrue(SyncRulesChange.message("s", "zava", after, STREAM_OFFSET) != null);
    Map<String, Object> removed = new HashMap<>(STREAM_OFFSET);
    removed.put(SyncRulesChange.OFFSET_KEY, before.rules().fingerprint());
    assertTrue(SyncRulesChange.message("s", "zava", customers(), removed) != null);
  }
}
