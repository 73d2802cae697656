package io.mongoditto.mongosink;

import com.mongodb.client.ClientSession;
import io.mongoditto.mapping.DittoValues;
import io.mongoditto.mapping.ReversePlan;
import java.util.Collection;
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
 * apart for good (the two-way fault suite, seed 3: a category's price). Kept in a {@link
 * StaleWriteStore} too, written with the batch that learnt it, so a restart or a rebalance between
 * the sink's write and the device's edit loses nothing (seeds 1 and 3 of the same suite: a task
 * restarted in between took the device's edit for a conflict, or kept a deleted order).
 */
final class StaleSinkWrites {

  private final Map<String, Map<List<String>, Object>> byDocument;
  private final StaleWriteStore store;
  private final Set<String> changed = new HashSet<>();

  /**
   * Whether the store holds nothing, so a batch's documents need no query: checked once after each
   * {@link #clear} (other tasks record documents of partitions this task does not hold until the
   * next rebalance), false once this task records one; null until checked.
   */
  private Boolean storeEmpty;

  /**
   * @param store where what is known outlives the task (null: in memory only, for tests)
   */
  StaleSinkWrites(int capacity, StaleWriteStore store) {
    this.store = store;
    this.byDocument =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Map<List<String>, Object>> e) {
            // A document with changes not saved yet stays: dropping it would lose them.
            return size() > capacity && !changed.contains(e.getKey());
          }
        };
  }

  /** Forgets every document: another task may have taken its give-backs and edits since. */
  synchronized void clear() {
    byDocument.clear();
    changed.clear();
    storeEmpty = null;
  }

  /** Reads what the store knows of the documents {@code keys} this task does not hold yet. */
  synchronized void load(Collection<String> keys) {
    if (store == null) {
      return;
    }
    List<String> missing = keys.stream().filter(k -> !byDocument.containsKey(k)).toList();
    if (storeEmpty == null) {
      storeEmpty = store.isEmpty();
    }
    Map<String, Map<List<String>, Object>> found = storeEmpty ? Map.of() : store.load(missing);
    for (String key : missing) {
      byDocument.put(key, found.getOrDefault(key, new HashMap<>()));
    }
  }

  /**
   * The sink's write to document {@code key} was given these values back. A path the write left
   * absent is recorded too (as null, which {@link #holds} matches): a give-back replacing a map
   * unsets the old value before it sets MongoDB's, and a device setting the path in between made
   * its edit on that gap, not against a MongoDB edit (the long two-way run of 2026-12-05, bug 18: a
   * category's date stayed apart).
   */
  synchronized void gaveBack(String key, List<ReversePlan.Normalization> giveBacks) {
    for (ReversePlan.Normalization n : giveBacks) {
      if (!n.wholeDocument()) {
        record(key, n.path(), n.seenAbsent() ? null : n.seen());
      }
    }
  }

  /**
   * Ditto held {@code state}'s values at {@code paths} of document {@code key}, which MongoDB did
   * not take (a batch with no known history kept MongoDB's value where a later write changed Ditto,
   * leaving that path to the later write's own event): a device's change made on one of them is not
   * made against a MongoDB edit either.
   */
  synchronized void notApplied(String key, Map<String, Object> state, List<List<String>> paths) {
    for (List<String> path : paths) {
      Object value = DittoValues.at(state, path);
      record(key, path, value == DittoValues.ABSENT ? null : value);
    }
  }

  /** Document {@code key} holds {@code value} (null: absent) at {@code path}, no MongoDB edit's. */
  private void record(String key, List<String> path, Object value) {
    byDocument.computeIfAbsent(key, k -> new HashMap<>()).put(path, value);
    changed.add(key);
  }

  /** The paths where document {@code key} holds a stale value the sink wrote, as far as known. */
  synchronized Set<List<String>> paths(String key) {
    Map<List<String>, Object> paths = byDocument.get(key);
    return paths == null ? Set.of() : Set.copyOf(paths.keySet());
  }

  /**
   * The paths where {@code before} (a device event's old state) holds the sink's stale value and
   * {@code after} (its new state, null: removed) does not: the device changed that value, and the
   * change is applied; they are forgotten. A path the event left at the stale value stays known:
   * taken too, it made a replan of the event's history write the stale value into MongoDB (the
   * two-way suite, seed 1, a category's qty).
   */
  synchronized Set<List<String>> takeStale(
      String key, Map<String, Object> before, Map<String, Object> after) {
    Map<List<String>, Object> paths = byDocument.get(key);
    Set<List<String>> out = new HashSet<>();
    if (paths == null || before == null) {
      return out;
    }
    paths
        .entrySet()
        .removeIf(
            e ->
                holds(before, e.getKey(), e.getValue())
                    && (after == null || !holds(after, e.getKey(), e.getValue()))
                    && out.add(e.getKey()));
    if (!out.isEmpty()) {
      changed.add(key);
    }
    return out;
  }

  /**
   * Forgets the paths where {@code newest} (the document as the batch's newest event shows Ditto
   * holding it, null: removed) no longer holds the sink's stale value: Ditto took MongoDB's value
   * back, or another write replaced it, so no later change is made on it.
   */
  synchronized void settle(String key, Map<String, Object> newest) {
    Map<List<String>, Object> paths = byDocument.get(key);
    if (paths != null
        && paths
            .entrySet()
            .removeIf(e -> newest == null || !holds(newest, e.getKey(), e.getValue()))) {
      changed.add(key);
    }
  }

  /** What changed since the last {@link #saved}, per document (empty: nothing left). */
  synchronized Map<String, Map<List<String>, Object>> changes() {
    Map<String, Map<List<String>, Object>> out = new HashMap<>();
    for (String key : changed) {
      out.put(key, new HashMap<>(byDocument.getOrDefault(key, Map.of())));
    }
    return out;
  }

  /** The changes were written with the batch. */
  synchronized void saved() {
    changed.clear();
  }

  /**
   * The batch's writes failed: what it changed is forgotten, so its second delivery reads again
   * what the store holds (a stale path taken by an event that was not applied would be lost).
   */
  synchronized void unsaved() {
    if (store != null) {
      changed.forEach(byDocument::remove);
    }
    changed.clear();
  }

  /**
   * Writes {@code changes} (from {@link #changes}) to the store in {@code session}'s transaction.
   */
  void save(ClientSession session, Map<String, Map<List<String>, Object>> changes) {
    if (store != null) {
      if (changes.values().stream().anyMatch(paths -> !paths.isEmpty())) {
        synchronized (this) {
          storeEmpty = false;
        }
      }
      store.save(session, changes);
    }
  }

  private static boolean holds(Map<String, Object> doc, List<String> path, Object value) {
    Object now = DittoValues.at(doc, path);
    return DittoValues.same(now == DittoValues.ABSENT ? null : now, value);
  }
}
