package io.mongoditto.sink;

import io.mongoditto.change.CanonicalIds;
import io.mongoditto.change.SweepMarker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The copies that sweep ({@link SweepMarker}) whose start this task read and whose end it has not:
 * per topic partition, the Ditto ids its records touched since the start marker, and the start
 * marker's offset, below which the task must not commit (a restarted task reads from the start
 * marker again and rebuilds the set, instead of sweeping with a set it lost).
 */
final class OpenSweeps {

  /** One open sweep: a start marker read at {@code startOffset} and the ids touched since. */
  static final class Sweep {
    final SweepMarker start;
    final String collection;
    final long startOffset;
    private final Set<String> touched = new HashSet<>();

    private Sweep(SweepMarker start, String collection, long startOffset) {
      this.start = start;
      this.collection = collection;
      this.startOffset = startOffset;
    }

    /** Whether a Ditto document is one this sweep decides and no record since its start touched. */
    boolean stale(Object id) {
      return start.covers(id) && !touched.contains(CanonicalIds.text(id));
    }

    int touchedCount() {
      return touched.size();
    }
  }

  private final Map<TopicPartition, List<Sweep>> open = new HashMap<>();

  /**
   * Opens a sweep; false (and nothing changes) when the same copy is already open there, as when a
   * source that started the copy over sends its start marker again.
   */
  boolean start(TopicPartition tp, String collection, SweepMarker marker, long offset) {
    List<Sweep> sweeps = open.computeIfAbsent(tp, k -> new ArrayList<>());
    for (Sweep s : sweeps) {
      if (sameSlot(s, collection, marker)) {
        if (s.start.epoch().equals(marker.epoch())) {
          return false;
        }
        sweeps.remove(s); // an unfinished older copy: the new one replaces it
        break;
      }
    }
    sweeps.add(new Sweep(marker, collection, offset));
    return true;
  }

  /** Notes a record of {@code collection} for {@code id} read from {@code tp}. */
  void touched(TopicPartition tp, String collection, Object id) {
    List<Sweep> sweeps = open.get(tp);
    if (sweeps == null) {
      return;
    }
    String text = null;
    for (Sweep s : sweeps) {
      if (s.collection.equals(collection) && s.start.covers(id)) {
        text = text == null ? CanonicalIds.text(id) : text;
        s.touched.add(text);
      }
    }
  }

  /**
   * Closes the sweep {@code marker} ends and returns it, or null when this task has it not open.
   */
  Sweep end(TopicPartition tp, String collection, SweepMarker marker) {
    List<Sweep> sweeps = open.get(tp);
    if (sweeps == null) {
      return null;
    }
    for (Sweep s : sweeps) {
      if (sameSlot(s, collection, marker) && s.start.epoch().equals(marker.epoch())) {
        sweeps.remove(s);
        if (sweeps.isEmpty()) {
          open.remove(tp);
        }
        return s;
      }
    }
    return null;
  }

  /** The offset {@code tp} may be committed up to at most, or null when no sweep holds it. */
  Long commitLimit(TopicPartition tp) {
    List<Sweep> sweeps = open.get(tp);
    if (sweeps == null) {
      return null;
    }
    long min = Long.MAX_VALUE;
    for (Sweep s : sweeps) {
      min = Math.min(min, s.startOffset);
    }
    return min;
  }

  /**
   * Forgets the partitions this task no longer owns: their next owner reads from the start marker.
   */
  void close(Collection<TopicPartition> partitions) {
    partitions.forEach(open::remove);
  }

  private static boolean sameSlot(Sweep s, String collection, SweepMarker marker) {
    return s.collection.equals(collection)
        && s.start.partition() == marker.partition()
        && s.start.partitions() == marker.partitions();
  }
}
