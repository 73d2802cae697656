package io.mongoditto.source;

import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoChangeCodec;
import io.mongoditto.change.SweepMarker;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies change records as the contract in {@link DittoChange} says a sink must (delete; or unset
 * paths, then upsert merging maps; replace drops everything else; a sweep end marker deletes the
 * documents of its partition no record touched since its start marker), giving the Ditto state a
 * collection's topic implies. Keys must equal the change's id.
 */
final class DittoStateFold {

  private DittoStateFold() {}

  static Map<String, Object> fold(List<TopicContents.Rec> records) {
    Map<String, Object> state = new TreeMap<>();
    Map<String, Object> rawIds = new HashMap<>();
    // per marker partition: the open sweep's start marker and the ids touched since
    Map<Integer, SweepMarker> open = new HashMap<>();
    Map<Integer, Set<String>> touched = new HashMap<>();
    for (TopicContents.Rec r : records) {
      if (SweepMarker.isMarker(r.value())) {
        SweepMarker m = SweepMarker.fromValue((Map<?, ?>) r.value());
        SweepMarker started = open.get(m.partition());
        if (m.phase() == SweepMarker.Phase.START
            && (started == null || !started.epoch().equals(m.epoch()))) {
          open.put(m.partition(), m);
          touched.put(m.partition(), new HashSet<>());
        } else if (m.phase() == SweepMarker.Phase.END
            && started != null
            && started.epoch().equals(m.epoch())) {
          Set<String> kept = touched.remove(m.partition());
          open.remove(m.partition());
          state.keySet().removeIf(id -> m.covers(rawIds.get(id)) && !kept.contains(id));
        }
        continue;
      }
      DittoChange change = DittoChangeCodec.fromValue(r.value());
      String id = TopicContents.idKey(change.id());
      if (!id.equals(TopicContents.idKey(r.key()))) {
        throw new AssertionError(
            "record key " + r.key() + " is not the change's id " + change.id());
      }
      rawIds.put(id, change.id());
      open.forEach(
          (p, m) -> {
            if (m.covers(change.id())) {
              touched.get(p).add(id);
            }
          });
      if (change.isDelete()) {
        state.remove(id);
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> current =
          change.replace() || !state.containsKey(id)
              ? new LinkedHashMap<>()
              : deepCopy((Map<String, Object>) state.get(id));
      for (String path : change.unsetPaths()) {
        unset(current, path.split("\\."), 0);
      }
      merge(current, change.document());
      state.put(id, TopicContents.normalize(current));
    }
    return state;
  }

  @SuppressWarnings("unchecked")
  private static void unset(Map<String, Object> doc, String[] path, int i) {
    if (i == path.length - 1) {
      doc.remove(path[i]);
    } else if (doc.get(path[i]) instanceof Map<?, ?> child) {
      unset((Map<String, Object>) child, path, i + 1);
    }
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> target, Map<String, Object> source) {
    for (Map.Entry<String, Object> e : source.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> s && target.get(e.getKey()) instanceof Map<?, ?> t) {
        merge((Map<String, Object>) t, (Map<String, Object>) s);
      } else {
        target.put(
            e.getKey(),
            e.getValue() instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : e.getValue());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> m) {
    return (Map<String, Object>) TopicContents.normalize(m);
  }
}
