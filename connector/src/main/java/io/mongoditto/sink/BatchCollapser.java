package io.mongoditto.sink;

import io.mongoditto.change.DittoChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collapses a collection's changes (in Kafka order) to one {@link FinalOp} per {@code _id}: the
 * last change decides upsert or delete; an upsert carries the last document, the union of the unset
 * paths of the changes after the last delete, and {@code replace} if any change was a replace or a
 * delete came before it (the document must then be exactly the new one). It stays a delta (only the
 * union of the changed paths is written) while every upsert since the last delete was one. Touches
 * write nothing and leave the others as they are.
 */
final class BatchCollapser {

  private BatchCollapser() {}

  private static final class State {
    Map<String, Object> document;
    final Set<String> unsets = new LinkedHashSet<>();
    Set<String> changed; // null: a full write
    boolean full;
    boolean replace;
    boolean deleted;
    String origin;
  }

  /** The final ops, in the order each {@code _id} first appeared. */
  static List<FinalOp> collapse(List<DittoChange> changes) {
    Map<Object, State> byId = new LinkedHashMap<>();
    for (DittoChange change : changes) {
      if (change.isTouch()) {
        continue;
      }
      State s = byId.computeIfAbsent(DocumentId.normalize(change.id()), k -> new State());
      if (change.isDelete()) {
        s.document = null;
        s.unsets.clear();
        s.changed = null;
        s.full = false;
        s.deleted = true;
      } else {
        s.document = change.document();
        s.unsets.addAll(change.unsetPaths());
        s.replace |= change.replace() || s.deleted;
        if (change.isDelta() && !s.full && !s.replace) {
          if (s.changed == null) {
            s.changed = new LinkedHashSet<>();
          }
          s.changed.addAll(change.changedPaths());
        } else {
          s.full = true;
          s.changed = null;
        }
        if (change.origin() != null) {
          s.origin = change.origin();
        }
      }
    }
    List<FinalOp> ops = new ArrayList<>(byId.size());
    byId.forEach(
        (id, s) ->
            ops.add(
                s.document == null
                    ? new FinalOp.Delete(id)
                    : new FinalOp.Upsert(
                        id,
                        s.document,
                        List.copyOf(s.unsets),
                        s.replace,
                        s.changed == null ? null : List.copyOf(s.changed),
                        s.origin)));
    return ops;
  }
}
