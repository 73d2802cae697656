package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds an update event's {@link UpdateDescription} the way MongoDB (5.0 and later) does.
 *
 * <p>For operator updates the server logs each operator's own path: a {@code $set} of a whole
 * sub-document reports that path with its new value (not the changed leaves), {@code $unset}
 * reports a removed field, {@code $rename} a removed and an updated field, and {@code $push} or
 * {@code $addToSet} that only append report each appended element as {@code path.index}; paths
 * whose value did not change are left out. Positional paths ({@code $}, {@code $[]}, {@code $[id]})
 * are resolved by comparing the sub-tree before the first positional part.
 *
 * <p>Pipeline updates have no operators: the server diffs the documents, recursing into
 * sub-documents and arrays and reporting shortened arrays in {@code truncatedArrays}.
 */
final class UpdateDescriptionBuilder {

  private UpdateDescriptionBuilder() {}

  static UpdateDescription fromOperators(Document update, Document before, Document after) {
    UpdateDescription description = new UpdateDescription();
    for (Map.Entry<String, Object> operator : update.entrySet()) {
      if (!(operator.getValue() instanceof Document fields)) {
        continue;
      }
      String op = operator.getKey();
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        String path = field.getKey();
        switch (op) {
          case "$setOnInsert" -> {}
          case "$unset" -> removedIfPresent(description, before, path);
          case "$rename" -> {
            removedIfPresent(description, before, path);
            changed(description, before, after, String.valueOf(field.getValue()));
          }
          case "$push", "$addToSet" -> appended(description, before, after, path);
          default -> changed(description, before, after, path);
        }
      }
    }
    return description;
  }

  static UpdateDescription fromDiff(Document before, Document after) {
    UpdateDescription description = new UpdateDescription();
    diffDocuments(description, new ArrayList<>(), before, after);
    return description;
  }

  private static void removedIfPresent(UpdateDescription d, Document before, String path) {
    List<Object> resolved = resolve(before, path);
    if (resolved != null && !(valueAt(before, resolved) instanceof Missing)) {
      d.removed(resolved);
    }
  }

  private static void changed(UpdateDescription d, Document before, Document after, String path) {
    int positional = positionalIndex(path);
    if (positional >= 0) {
      diffSubtree(d, before, after, path, positional);
      return;
    }
    List<Object> resolved = resolve(after, path);
    if (resolved == null) {
      return;
    }
    Object old = valueAt(before, resolved);
    Object now = valueAt(after, resolved);
    if (now instanceof Missing) {
      if (!(old instanceof Missing)) {
        d.removed(resolved);
      }
    } else if (!Objects.equals(old, now)) {
      d.updated(resolved, now);
    }
  }

  private static void appended(UpdateDescription d, Document before, Document after, String path) {
    int positional = positionalIndex(path);
    if (positional >= 0) {
      diffSubtree(d, before, after, path, positional);
      return;
    }
    List<Object> resolved = resolve(after, path);
    if (resolved == null) {
      return;
    }
    Object old = valueAt(before, resolved);
    Object now = valueAt(after, resolved);
    if (old instanceof List<?> oldList
        && now instanceof List<?> newList
        && newList.size() >= oldList.size()
        && newList.subList(0, oldList.size()).equals(oldList)) {
      for (int i = oldList.size(); i < newList.size(); i++) {
        List<Object> element = new ArrayList<>(resolved);
        element.add(i);
        d.updated(element, newList.get(i));
      }
    } else if (!Objects.equals(old, now)) {
      d.updated(resolved, now);
    }
  }

  /** Positional updates: compare what lies under the part before the first positional part. */
  private static void diffSubtree(
      UpdateDescription d, Document before, Document after, String path, int positional) {
    String[] parts = path.split("\\.");
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < positional; i++) {
      prefix.append(i > 0 ? "." : "").append(parts[i]);
    }
    List<Object> resolved = resolve(after, prefix.toString());
    if (resolved == null) {
      return;
    }
    diffValues(d, resolved, valueAt(before, resolved), valueAt(after, resolved));
  }

  private static int positionalIndex(String path) {
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].startsWith("$")) {
        return i;
      }
    }
    return -1;
  }

  private static void diffDocuments(
      UpdateDescription d, List<Object> prefix, Document before, Document after) {
    for (String key : before.keySet()) {
      if (!after.containsKey(key)) {
        d.removed(append(prefix, key));
      }
    }
    for (Map.Entry<String, Object> e : after.entrySet()) {
      List<Object> path = append(prefix, e.getKey());
      if (!before.containsKey(e.getKey())) {
        d.updated(path, e.getValue());
      } else {
        diffValues(d, path, before.get(e.getKey()), e.getValue());
      }
    }
  }

  private static void diffValues(UpdateDescription d, List<Object> path, Object old, Object now) {
    if (Objects.equals(old, now)) {
      return;
    }
    if (now instanceof Missing) {
      d.removed(path);
    } else if (old instanceof Document o && now instanceof Document n) {
      diffDocuments(d, path, o, n);
    } else if (old instanceof List<?> o && now instanceof List<?> n) {
      if (n.size() < o.size()) {
        d.truncated(path, n.size());
      }
      for (int i = 0; i < n.size(); i++) {
        List<Object> element = append(path, i);
        if (i >= o.size()) {
          d.updated(element, n.get(i));
        } else {
          diffValues(d, element, o.get(i), n.get(i));
        }
      }
    } else {
      d.updated(path, now);
    }
  }

  private static List<Object> append(List<Object> prefix, Object part) {
    List<Object> out = new ArrayList<>(prefix.size() + 1);
    out.addAll(prefix);
    out.add(part);
    return out;
  }

  /**
   * Splits a dotted path into components, typing a numeric part as an array index when the value it
   * is applied to (in {@code document}) is an array.
   */
  static List<Object> resolve(Document document, String path) {
    List<Object> out = new ArrayList<>();
    Object current = document;
    for (String part : path.split("\\.", -1)) {
      if (current instanceof List<?> list && UpdateDescription.isNumeric(part)) {
        int index = Integer.parseInt(part);
        out.add(index);
        current = index < list.size() ? list.get(index) : Missing.getInstance();
      } else {
        out.add(part);
        current = current instanceof Document doc ? doc.getOrMissing(part) : Missing.getInstance();
      }
    }
    return out;
  }

  static Object valueAt(Document document, List<Object> path) {
    Object current = document;
    for (Object part : path) {
      if (part instanceof Integer index && current instanceof List<?> list) {
        current = index < list.size() ? list.get(index) : Missing.getInstance();
      } else if (current instanceof Document doc) {
        current = doc.getOrMissing(String.valueOf(part));
      } else {
        return Missing.getInstance();
      }
    }
    return current;
  }
}
