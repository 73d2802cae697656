package io.mongoditto.cli.verify;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts JSON-like values into one comparable form: numbers as BigDecimal without trailing zeros
 * (Ditto may answer 5.0 for 5, or a Long for an Integer), maps sorted by key, lists as lists.
 */
final class JsonValues {

  private JsonValues() {}

  static Object normalize(Object value) {
    if (value instanceof Number n) {
      return n instanceof BigDecimal b
          ? b.stripTrailingZeros()
          : new BigDecimal(n.toString()).stripTrailingZeros();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), normalize(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(normalize(v)));
      return out;
    }
    return value;
  }

  /** The dotted paths where two normalized documents differ (at most {@code max}). */
  static List<String> differences(Object expected, Object actual, int max) {
    List<String> out = new ArrayList<>();
    diff("", normalize(expected), normalize(actual), out, max);
    return out;
  }

  private static void diff(String path, Object a, Object b, List<String> out, int max) {
    if (out.size() >= max) {
      return;
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      TreeMap<String, Object> keys = new TreeMap<>();
      ma.keySet().forEach(k -> keys.put(String.valueOf(k), null));
      mb.keySet().forEach(k -> keys.put(String.valueOf(k), null));
      for (String k : keys.keySet()) {
        String p = path.isEmpty() ? k : path + "." + k;
        if (!ma.containsKey(k)) {
          out.add(p + " (only in Ditto)");
        } else if (!mb.containsKey(k)) {
          out.add(p + " (missing in Ditto)");
        } else {
          diff(p, ma.get(k), mb.get(k), out, max);
        }
        if (out.size() >= max) {
          return;
        }
      }
    } else if (a == null ? b != null : !a.equals(b)) {
      out.add((path.isEmpty() ? "(document)" : path) + " differs");
    }
  }
}
