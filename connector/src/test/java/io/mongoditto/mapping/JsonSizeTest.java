package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSizeTest {

  private static Map<String, Object> doc(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void theBoundIsNeverBelowTheExactSize() {
    List<Map<String, Object>> docs =
        List.of(
            doc(),
            doc("", null, "a", true, "b", false),
            doc("ctl", "\u0000\u0001\u001f\"\\", "uni", "ünïcødé 😀 中文", "empty", ""),
            doc(
                "n",
                Long.MIN_VALUE,
                "d",
                -Double.MAX_VALUE,
                "tiny",
                Double.MIN_VALUE,
                "i",
                Integer.MIN_VALUE),
            doc(
                "big",
                new BigInteger("123456789012345678901234567890"),
                "dec",
                new BigDecimal("-1.000000000000000000001E-300")),
            doc("nested", doc("x", List.of(1L, "two", doc("\u0007", List.of())), "y", doc())),
            doc("\"quoted key\\", java.util.Arrays.asList(null, null, true)));
    for (Map<String, Object> d : docs) {
      long exact = JsonSize.of(d);
      long bound = JsonSize.upperBound(d);
      assertTrue(bound >= exact, () -> "bound " + bound + " < exact " + exact + " for " + d);
    }
  }

  @Test
  void onlyDocumentsOverFiveMebibytesExceedTheLimit() {
    assertFalse(
        JsonSize.exceeds(doc("s", "x".repeat(1_000_000)), DocumentSizeLimit.DITTO.bytes()),
        "bound over the limit, exact under");
    assertFalse(JsonSize.exceeds(doc("s", "x".repeat(100)), DocumentSizeLimit.DITTO.bytes()));
    List<Object> many = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      many.add("y".repeat(100));
    }
    assertTrue(JsonSize.exceeds(doc("many", many), DocumentSizeLimit.DITTO.bytes()));
  }
}
