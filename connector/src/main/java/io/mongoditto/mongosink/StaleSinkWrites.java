package io.mongoditto.mongosink;

import io.mongoditto.mapping.DittoValues;
import io.mongoditto.mapping.ReversePlan;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Paths where Ditto holds a value the Ditto sink wrote from an older MongoDB state (a copy's record
 * landing after a device's edit), per recently changed document (bounded, least recently used
 * dropped first). MongoDB's value was given back to Ditto conditionally, but a device may edit the
 * path before that lands, and then the give-back finds another value and does nothing. Such an edit
 * was made on the stale value, so MongoDB holding something else there is not a MongoDB edit on its
 * way to Ditto (the rule that keeps MongoDB's value in a conflict): MongoDB's value came from Ditto
 * before the stale write, and the device's later edit is applied. Without this the two sides stayed
 * apart for good (the two-way fault suite, seed 3: a category's price).
 */
final class StaleSinkWrites {

  private final Map<String, Map<List<String>, Object>> byDocument;

  StaleSinkWrites(int capacity) {
    this.byDocument =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Map<List<String>, Object>> e) {
            return size() > capacity;
          }
        };
  }

  /** Forgets every document: another task may have taken its give-backs and edits since. */
  synchronized void clear() {
    byDocument.clear();
  }

  /** The sink's write to document {@code key} was given these values back. */
  synchronized void gaveBack(String key, List<ReversePlan.Normalization> giveBacks) {
    for (ReversePlan.Normalization n : giveBacks) {
      if (!n.wholeDocument() && !n.seenAbsent()) {
        byDocument.computeIfAbsent(key, k -> new HashMap<>()).put(n.path(), n.seen());
      }
    }
  }

  /**
   * The paths where {@code before} (a device event's old state) holds the sink's stale value; they
   * are forgotten (the event decides them).
   */
  synchronized Set<List<String>> takeStale(String key, Map<String, Object> before) {
    Map<List<String>, Object> paths = byDocument.get(key);
    Set<List<String>> out = new HashSet<>();
    if (paths == null || before == null) {
      return out;
    }
    paths
        .entrySet()
        .removeIf(
            e -> {
              Object now = DittoValues.at(before, e.getKey());
              boolean stale =
                  DittoValues.same(now == DittoValues.ABSENT ? null : now, e.getValue());
              if (stale) {
                out.add(e.getKey());
              }
              return stale;
            });
    if (paths.isEmpty()) {
      byDocument.remove(key);
    }
    return out;
  }
}
