package io.mongoditto.ditto;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Ditto matches {@code _id IN :ids} only among ids of one kind (a mixed list matched nothing on
 * 5.1.0): every statement that names ids in a list splits them with {@link #split}.
 */
public final class IdKinds {

  private enum Kind {
    STRING,
    NUMBER,
    OBJECT,
    OTHER
  }

  private IdKinds() {}

  /**
   * The ids grouped by kind, each group cut into lists of at most {@code most} (0: uncut).
   *
   * @param ids normalized Ditto ids (see {@link io.mongoditto.change.CanonicalIds#normalize})
   */
  public static List<List<Object>> split(List<Object> ids, int most) {
    Map<Kind, List<Object>> kinds = new EnumMap<>(Kind.class);
    for (Object id : ids) {
      kinds.computeIfAbsent(kindOf(id), k -> new ArrayList<>()).add(id);
    }
    List<List<Object>> out = new ArrayList<>();
    for (List<Object> group : kinds.values()) {
      int step = most > 0 ? most : group.size();
      for (int from = 0; from < group.size(); from += step) {
        out.add(group.subList(from, Math.min(group.size(), from + step)));
      }
    }
    return out;
  }

  private static Kind kindOf(Object id) {
    if (id instanceof String) {
      return Kind.STRING;
    }
    if (id instanceof Number) {
      return Kind.NUMBER;
    }
    if (id instanceof Map<?, ?>) {
      return Kind.OBJECT;
    }
    return Kind.OTHER;
  }
}
