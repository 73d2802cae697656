package io.mongoditto.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class SweepMarkerTest {

  private static Object throughJsonConverter(Object value) {
    try (JsonConverter converter = new JsonConverter()) {
      converter.configure(Map.of("schemas.enable", "false"), false);
      byte[] bytes = converter.fromConnectData("t", null, value);
      return converter.toConnectData("t", bytes).value();
    }
  }

  @Test
  void aMarkerSurvivesTheSchemalessJsonConverterAndIsToldApartFromChanges() {
    SweepMarker marker = new SweepMarker("orders", SweepMarker.Phase.END, "e-1", 2, 3);
    Object value = throughJsonConverter(marker.toValue());
    assertTrue(SweepMarker.isMarker(value));
    assertEquals(marker, SweepMarker.fromValue((Map<?, ?>) value));
    assertFalse(
        SweepMarker.isMarker(
            throughJsonConverter(
                DittoChangeCodec.toValue(DittoChange.delete("orders", "o-1", 0, null)))));
    assertThrows(
        DittoChangeCodec.InvalidChangeException.class,
        () -> DittoChangeCodec.fromValue(value),
        "an old sink must not take a marker for a change");
    assertNotEquals(
        marker.key(),
        new SweepMarker("orders", SweepMarker.Phase.END, "e-1", 1, 3).key(),
        "one key per partition, so log compaction keeps each");
  }

  @Test
  void theOriginTravelsWithTheMarker() {
    SweepMarker marker = new SweepMarker("orders", SweepMarker.Phase.START, "e-2", 0, 1, "src-a");
    SweepMarker back = SweepMarker.fromValue((Map<?, ?>) throughJsonConverter(marker.toValue()));
    assertEquals(marker, back);
    assertEquals("src-a", back.origin());
    assertEquals(
        null,
        SweepMarker.fromValue(
                (Map<?, ?>)
                    throughJsonConverter(
                        new SweepMarker("orders", SweepMarker.Phase.START, "e", 0, 1).toValue()))
            .origin());
  }

  @Test
  void malformedMarkersNameTheField() {
    Map<String, Object> value =
        new LinkedHashMap<>(new SweepMarker("c", SweepMarker.Phase.START, "e", 0, 1).toValue());
    value.remove("epoch");
    var e =
        assertThrows(
            DittoChangeCodec.InvalidChangeException.class, () -> SweepMarker.fromValue(value));
    assertTrue(e.getMessage().contains("epoch"), e.getMessage());
    value.put("epoch", "e");
    value.put("partition", 4L);
    e =
        assertThrows(
            DittoChangeCodec.InvalidChangeException.class, () -> SweepMarker.fromValue(value));
    assertTrue(e.getMessage().contains("partition 4 of 1"), e.getMessage());
  }

  @Test
  void idsDittoTreatsAsOneGetOneTextAndOnePartition() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", "x");
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", "x");
    ba.put("a", 1.0);
    assertEquals(CanonicalIds.text(ab), CanonicalIds.text(ba));
    assertEquals(CanonicalIds.text(7), CanonicalIds.text(7.0));
    assertEquals(CanonicalIds.text(7), CanonicalIds.text(7L));
    assertNotEquals(CanonicalIds.text(7), CanonicalIds.text("7"));
    for (int n : List.of(1, 2, 3, 12)) {
      assertEquals(CanonicalIds.partition(ab, n), CanonicalIds.partition(ba, n));
      assertEquals(CanonicalIds.partition(7, n), CanonicalIds.partition(7.0, n));
    }
  }

  @Test
  void partitionsStayInRangeAndSpreadDocuments() {
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int p = CanonicalIds.partition("order-" + i, 4);
      assertTrue(p >= 0 && p < 4, "partition " + p);
      used.add(p);
    }
    assertEquals(Set.of(0, 1, 2, 3), used);
    assertEquals(0, CanonicalIds.partition("anything", 1));
  }
}
