package io.mongoditto.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class DittoChangeCodecTest {

  private static Object throughJsonConverter(Object value) {
    try (JsonConverter converter = new JsonConverter()) {
      converter.configure(Map.of("schemas.enable", "false"), false);
      byte[] bytes = converter.fromConnectData("zava.customers", null, value);
      SchemaAndValue back = converter.toConnectData("zava.customers", bytes);
      return back.value();
    }
  }

  @Test
  void upsertSurvivesTheSchemalessJsonConverter() {
    Map<String, Object> address = new LinkedHashMap<>();
    address.put("city", "Seattle");
    address.put("zip", "98101");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("_id", "C-1");
    doc.put("customer_id", "C-1");
    doc.put("address", address);
    doc.put("tags", List.of("vip", "b2b"));
    doc.put("balance", 12.5);
    doc.put("visits", 42L);
    DittoChange change =
        DittoChange.upsert(
            "customers",
            "C-1",
            doc,
            List.of("old", "address.street"),
            false,
            1700000000123L,
            "64f0");

    DittoChange back =
        DittoChangeCodec.fromValue(throughJsonConverter(DittoChangeCodec.toValue(change)));

    assertEquals(change, back);
  }

  @Test
  void deltaTouchAndOriginSurviveTheConverter() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("_id", "I-1");
    doc.put("qty", 7L);
    doc.put("loc", Map.of("aisle", "3"));
    DittoChange delta =
        DittoChange.delta(
                "inventory", "I-1", doc, List.of("qty", "loc.aisle"), List.of("note"), 9L, "I-1")
            .withOrigin("zava-src");
    DittoChange touch = DittoChange.touch("inventory", "I-2", 10L, "I-2").withOrigin("zava-src");

    DittoChange deltaBack =
        DittoChangeCodec.fromValue(throughJsonConverter(DittoChangeCodec.toValue(delta)));
    DittoChange touchBack =
        DittoChangeCodec.fromValue(throughJsonConverter(DittoChangeCodec.toValue(touch)));

    assertEquals(delta, deltaBack);
    assertTrue(deltaBack.isDelta());
    assertEquals(List.of("qty", "loc.aisle"), deltaBack.changedPaths());
    assertEquals("zava-src", deltaBack.origin());
    assertEquals(touch, touchBack);
    assertTrue(touchBack.isTouch());
    assertNull(touchBack.document());
  }

  @Test
  void aReplaceThatClaimsChangedPathsIsRefused() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("collection", "c");
    value.put("op", "upsert");
    value.put("id", "x");
    value.put("doc", Map.of("_id", "x"));
    value.put("replace", true);
    value.put("set", List.of("a"));
    assertThrows(
        DittoChangeCodec.InvalidChangeException.class, () -> DittoChangeCodec.fromValue(value));
  }

  @Test
  void compositeIdAndDeleteSurvive() {
    Map<String, Object> id = new LinkedHashMap<>();
    id.put("store_id", 3L);
    id.put("sku", "A-7");
    DittoChange change = DittoChange.delete("inventory", id, 5L, null);

    DittoChange back =
        DittoChangeCodec.fromValue(throughJsonConverter(DittoChangeCodec.toValue(change)));

    assertEquals(change, back);
    assertTrue(back.isDelete());
    assertNull(back.document());
  }

  @Test
  void malformedValuesNameTheField() {
    var e1 =
        assertThrows(
            DittoChangeCodec.InvalidChangeException.class, () -> DittoChangeCodec.fromValue("x"));
    assertTrue(e1.getMessage().contains("map"), e1.getMessage());
    var e2 =
        assertThrows(
            DittoChangeCodec.InvalidChangeException.class,
            () -> DittoChangeCodec.fromValue(Map.of("collection", "c", "op", "upsert", "id", "1")));
    assertTrue(e2.getMessage().contains("'doc'"), e2.getMessage());
    var e3 =
        assertThrows(
            DittoChangeCodec.InvalidChangeException.class,
            () -> DittoChangeCodec.fromValue(Map.of("collection", "c", "op", "merge", "id", "1")));
    assertTrue(e3.getMessage().contains("merge"), e3.getMessage());
  }
}
