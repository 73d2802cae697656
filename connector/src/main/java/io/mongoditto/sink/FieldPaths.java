package io.mongoditto.sink;

import io.mongoditto.change.DittoMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Field paths (lists of segments) to unset, computed against the document Ditto holds.
 *
 * <p>Why against the stored document: on the engine, {@code UNSET a.b.c} on a document without
 * {@code a} creates {@code a: {b: {}}}, and unsetting below a scalar turns it into a map, so only
 * paths that exist are unset. It also resolves dotted paths: field names may themselves contain
 * dots, and the stored document tells which reading is meant.
 */
final class FieldPaths {

  private FieldPaths() {}

  /** Every reading of the dotted {@code path} that exists in {@code doc} (usually zero or one). */
  static List<List<String>> resolve(Map<String, Object> doc, String path) {
    List<List<String>> found = new ArrayList<>();
    resolve(doc, path, new ArrayList<>(), found);
    return found;
  }

  private static void resolve(
      Map<?, ?> node, String rest, List<String> prefix, List<List<String>> found) {
    if (node.containsKey(rest)) {
      List<String> p = new ArrayList<>(prefix);
      p.add(rest);
      found.add(p);
    }
    for (int dot = rest.indexOf('.'); dot >= 0; dot = rest.indexOf('.', dot + 1)) {
      Object child = node.get(rest.substring(0, dot));
      if (child instanceof Map<?, ?> map) {
        prefix.add(rest.substring(0, dot));
        resolve(map, rest.substring(dot + 1), prefix, found);
        prefix.remove(prefix.size() - 1);
      }
    }
  }

  /**
   * What a replace must unset: paths present in {@code stored} but absent from {@code next}, plus
   * {@link #kindChanges fields next turns from a map into a non-map or back}; maps recurse, arrays
   * and scalars are leaves.
   */
  static List<List<String>> removed(Map<String, Object> stored, Map<String, Object> next) {
    List<List<String>> out = new ArrayList<>();
    walk(stored, next, new ArrayList<>(), out, true);
    return out;
  }

  /** As {@link #removed(Map, Map)} for the sub-documents at {@code at}, paths from the top. */
  static List<List<String>> removed(Map<?, ?> stored, Map<?, ?> next, List<String> at) {
    List<List<String>> out = new ArrayList<>();
    walk(stored, next, new ArrayList<>(at), out, true);
    return out;
  }

  /**
   * Paths holding a map in one of {@code stored} and {@code next} and a non-map (scalar, array,
   * null) in the other. Why (seen on the engine 5.1.0): a field can hold a map and a non-map at
   * once. Upserting one over the other hides the old one instead of removing it, and {@code UNSET}
   * removes only the one that shows, so the hidden one comes back: a map's keys when the field is
   * unset or a map again, a scalar when the map that replaced it is unset (fault suite bug 4: a
   * field dropped in MongoDB kept its old scalar in Ditto). Unsetting the field before the upsert,
   * while it holds only the old value, leaves nothing underneath.
   */
  static List<List<String>> kindChanges(Map<String, Object> stored, Map<String, Object> next) {
    List<List<String>> out = new ArrayList<>();
    walk(stored, next, new ArrayList<>(), out, false);
    return out;
  }

  private static void walk(
      Map<?, ?> stored,
      Map<?, ?> next,
      List<String> prefix,
      List<List<String>> out,
      boolean absentToo) {
    for (Map.Entry<?, ?> e : stored.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (prefix.isEmpty() && (key.equals("_id") || key.equals(DittoMetadata.FIELD))) {
        continue; // the id, and the connector's metadata, which no diff removes
      }
      prefix.add(key);
      if (!next.containsKey(key)) {
        if (absentToo) {
          out.add(List.copyOf(prefix));
        }
      } else if (e.getValue() instanceof Map<?, ?> a && next.get(key) instanceof Map<?, ?> b) {
        walk(a, b, prefix, out, absentToo);
      } else if (e.getValue() instanceof Map<?, ?> || next.get(key) instanceof Map<?, ?>) {
        out.add(List.copyOf(prefix)); // a map turned non-map, or a non-map turned map
      }
      prefix.remove(prefix.size() - 1);
    }
  }

  /**
   * For registers (v4): a nested path becomes its top-level field, kept only if {@code next} lacks
   * that field (a field {@code next} has is replaced whole by the upsert).
   */
  static List<List<String>> topLevelAbsentFrom(List<List<String>> paths, Map<String, Object> next) {
    List<List<String>> out = new ArrayList<>();
    for (List<String> p : paths) {
      if (!p.isEmpty() && !next.containsKey(p.get(0))) {
        out.add(List.of(p.get(0)));
      }
    }
    return out;
  }

  /**
   * Drops duplicates, paths below another path in the set (Ditto refuses two modifications of one
   * path in a statement), and {@code _id}; sorted for a stable grouping key.
   */
  static List<List<String>> prune(List<List<String>> paths) {
    List<List<String>> sorted =
        new ArrayList<>(
            paths.stream()
                .filter(p -> !p.isEmpty() && !(p.size() == 1 && p.get(0).equals("_id")))
                .distinct()
                .sorted(
                    Comparator.comparingInt((List<String> p) -> p.size())
                        .thenComparing(Object::toString))
                .toList());
    List<List<String>> kept = new ArrayList<>();
    for (List<String> p : sorted) {
      boolean covered =
          kept.stream().anyMatch(k -> k.size() <= p.size() && p.subList(0, k.size()).equals(k));
      if (!covered) {
        kept.add(p);
      }
    }
    kept.sort(Comparator.comparing(Object::toString));
    return kept;
  }
}
