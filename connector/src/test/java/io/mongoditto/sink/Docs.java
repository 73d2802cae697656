package io.mongoditto.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test helper: compares documents as JSON values (7 == 7L, key order ignored). */
final class Docs {

  private Docs() {}

  static Object norm(Object v) {
    if (v instanceof Integer || v instanceof Short || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return d.longValue();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), norm(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(norm(x)));
      return out;
    }
    return v;
  }

  @SafeVarargs
  static Map<String, Object> doc(Object id, Map.Entry<String, Object>... fields) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("_id", id);
    for (Map.Entry<String, Object> f : fields) {
      d.put(f.getKey(), f.getValue());
    }
    return d;
  }

  /** The collection's documents keyed by normalized _id. */
  static Map<Object, Object> byId(List<Map<String, Object>> docs) {
    Map<Object, Object> out = new LinkedHashMap<>();
    for (Map<String, Object> d : docs) {
      out.put(norm(d.get("_id")), norm(d));
    }
    return out;
  }
}
