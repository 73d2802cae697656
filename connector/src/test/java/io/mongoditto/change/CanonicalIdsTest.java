package io.mongoditto.change;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalIdsTest {

  /**
   * The text decides the partition of every record, and the sink compares ids by it: the short path
   * for strings and integers must write exactly what Jackson writes.
   */
  @Test
  void textIsJacksonsJsonOfTheNormalizedId() throws Exception {
    ObjectMapper jackson = new ObjectMapper();
    List<Object> ids =
        List.of(
            "65a1f0c2e4b0a1b2c3d4e5f6",
            "",
            "order 7/8 ~",
            "a\"b",
            "a\\b",
            "tab\there",
            "line\n",
            "\u0000",
            "\u007f",
            "caf\u00e9",
            "\u2028",
            "\ud83d\ude00",
            7,
            7L,
            -7.0,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            7.5,
            true,
            Map.of("b", 2, "a", "x\"y"));
    for (Object id : ids) {
      assertEquals(
          jackson.writeValueAsString(CanonicalIds.normalize(id)),
          CanonicalIds.text(id),
          () -> "id " + id);
    }
  }
}
