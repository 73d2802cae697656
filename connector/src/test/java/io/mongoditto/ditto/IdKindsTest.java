package io.mongoditto.ditto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdKindsTest {

  @Test
  void idsAreSplitByKindAndCutToTheLimitKeepingTheirOrder() {
    List<Object> ids = List.of("a", 1, Map.of("s", 1), "b", 2L, "c", true);
    assertEquals(
        List.of(
            List.of("a", "b"),
            List.of("c"),
            List.of(1, 2L),
            List.of(Map.of("s", 1)),
            List.of(true)),
        IdKinds.split(ids, 2));
    assertEquals(
        List.of(List.of("a", "b", "c"), List.of(1, 2L), List.of(Map.of("s", 1)), List.of(true)),
        IdKinds.split(ids, 0));
  }
}
