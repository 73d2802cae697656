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
 * delete came before it (the document must then be exactly the new one).
 */
final class BatchCollapser {

  private BatchCollapser() {}

  private static final class State {
    Map<String, Object> document;
    final Set<String> unsets = new LinkedHashSet<>();
    boolean replace;
    boolean deleted;
  }

  /** The final ops, in the order each {@code _id} first appeared. */
  static List<FinalOp> collapse(List<DittoChange> changes) {
    Map<Object, State> byId = new LinkedHashMap<>();
    for (DittoChange change : changes) {
      State s = byId.computeIfAbsent(DocumentId.normalize(change.id()), k -> new State());
      if (change.isDelete()) {
        s.document = null;
        s.unsets.clear();
        s.deleted = true;
      } else {
        s.document = change.document();
        s.unsets.addAll(change.unsetPaths());
        s.replace |= change.replace() || s.deleted;
      }
    }
    List<FinalOp> ops = new ArrayList<>(byId.size());
    byId.forEach(
        (id, s) ->
            ops.add(
                s.document == null
                    ? new FinalOp.Delete(id)
                    : new FinalOp.Upsert(id, s.document, List.copyOf(s.unsets), s.replace)));
    return ops;
  }
}
