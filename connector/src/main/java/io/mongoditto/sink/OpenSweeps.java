package io.mongoditto.sink;

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
 * The copies that sweep ({@link SweepMarker}) whose start this task read and whose deletes have not
 * run: per topic partition, the Ditto ids its records touched since the start marker, and the start
 * marker's offset, below which the task must not commit (a restarted task reads from the start
 * marker again and rebuilds the set, instead of sweeping with a set it lost).
 *
 * <p>A sweep has two phases. While copying (start read, end not yet) every record spares its id.
 * After the end marker it keeps doing so while it waits: its deletes run only once the task has
 * caught up with the topic and {@code sweep.grace.ms} has passed since the end marker (see {@link
 * #due}). So a replay of the topic (the sink's offsets reset) never deletes a document that records
 * after the marker hold, and a document on its way back through Ditto, MongoDB and the source is
 * spared.
 */
final class OpenSweeps {

  /** What a sweep does with a document it read back from Ditto. */
  enum Verdict {
    /** Another partition's document, or one a record touched. */
    KEEP,
    /** This partition's, untouched since the start marker: MongoDB no longer holds it. */
    DELETE,
    /** An untouched integer id beyond 2^53 whose partition cannot be told (several partitions). */
    UNDECIDED
  }

  /** One sweep: a start marker read at {@code startOffset} and the ids touched since. */
  static final class Sweep {
    final SweepMarker start;
    final String collection;
    final long startOffset;
    private final Set<String> touched = new HashSet<>();
    private long endedAtMillis = -1;

    private Sweep(SweepMarker start, String collection, long startOffset) {
      this.start = start;
      this.collection = collection;
      this.startOffset = startOffset;
    }

    /** What to do with a document of this sweep's source that Ditto holds under {@code id}. */
    Verdict verdict(Object id) {
      if (touched.contains(SweepIds.key(id))) {
        return Verdict.KEEP;
      }
      if (start.partitions() > 1 && !SweepIds.exact(id)) {
        return Verdict.UNDECIDED;
      }
      return start.covers(id) ? Verdict.DELETE : Verdict.KEEP;
    }

    int touchedCount() {
      return touched.size();
    }

    /** Whether the end marker was read (the sweep waits for its deletes). */
    boolean ended() {
      return endedAtMillis >= 0;
    }

    long endedAtMillis() {
      return endedAtMillis;
    }
  }

  private final Map<TopicPartition, List<Sweep>> open = new HashMap<>();

  /**
   * Opens a sweep; false (and nothing changes) when the same copy is already open there, as when a
   * source that started the copy over sends its start marker again, or Connect delivers a batch
   * again. A start of another copy of the same slot replaces the open one (copying or waiting).
   */
  boolean start(TopicPartition tp, String collection, SweepMarker marker, long offset) {
    List<Sweep> sweeps = open.computeIfAbsent(tp, k -> new ArrayList<>());
    for (Sweep s : sweeps) {
      if (sameSlot(s, collection, marker)) {
        if (s.start.epoch().equals(marker.epoch())) {
          return false;
        }
        sweeps.remove(s); // an older copy: the new one replaces it
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
    String key = null;
    for (Sweep s : sweeps) {
      if (s.collection.equals(collection) && s.start.covers(id)) {
        key = key == null ? SweepIds.key(id) : key;
        s.touched.add(key);
      }
    }
  }

  /**
   * Marks the copy {@code marker} ends as complete at {@code nowMillis} and returns its sweep, or
   * null when this task has it not open or had already read its end (a batch delivered again).
   */
  Sweep end(TopicPartition tp, String collection, SweepMarker marker, long nowMillis) {
    List<Sweep> sweeps = open.get(tp);
    if (sweeps == null) {
      return null;
    }
    for (Sweep s : sweeps) {
      if (sameSlot(s, collection, marker) && s.start.epoch().equals(marker.epoch()) && !s.ended()) {
        s.endedAtMillis = nowMillis;
        return s;
      }
    }
    return null;
  }

  /**
   * The ended sweeps whose deletes may run now: the task is caught up and {@code graceMs} passed
   * since their end marker. Nothing while {@code caughtUp} is false.
   */
  List<Sweep> due(long nowMillis, boolean caughtUp, long graceMs) {
    List<Sweep> due = new ArrayList<>();
    if (!caughtUp) {
      return due;
    }
    for (List<Sweep> sweeps : open.values()) {
      for (Sweep s : sweeps) {
        if (s.ended() && nowMillis - s.endedAtMillis >= graceMs) {
          due.add(s);
        }
      }
    }
    return due;
  }

  /** Milliseconds until the next ended sweep's grace has passed, or -1 when none waits. */
  long untilNextGraceEnds(long nowMillis, long graceMs) {
    long next = -1;
    for (List<Sweep> sweeps : open.values()) {
      for (Sweep s : sweeps) {
        if (s.ended()) {
          long left = Math.max(0, s.endedAtMillis + graceMs - nowMillis);
          next = next < 0 ? left : Math.min(next, left);
        }
      }
    }
    return next;
  }

  /** Removes a sweep whose deletes ran; false when it was replaced or closed meanwhile. */
  boolean finish(Sweep sweep) {
    for (Map.Entry<TopicPartition, List<Sweep>> e : open.entrySet()) {
      if (e.getValue().remove(sweep)) {
        if (e.getValue().isEmpty()) {
          open.remove(e.getKey());
        }
        return true;
      }
    }
    return false;
  }

  /** Sweeps whose end was read and whose deletes have not run. */
  int waiting() {
    int n = 0;
    for (List<Sweep> sweeps : open.values()) {
      for (Sweep s : sweeps) {
        n += s.ended() ? 1 : 0;
      }
    }
    return n;
  }

  /** Open sweeps (copying or waiting) per collection. */
  Map<String, Integer> countByCollection() {
    Map<String, Integer> counts = new HashMap<>();
    open.values().forEach(l -> l.forEach(s -> counts.merge(s.collection, 1, Integer::sum)));
    return counts;
  }

  /** The offset {@code tp} may be committed up to at most, or null when no sweep holds it. */
  Long commitLimit(TopicPartition tp) {
    List<Sweep> sweeps = open.get(tp);
    if (sweeps == null || sweeps.isEmpty()) {
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
        && s.start.partitions() == marker.partitions()
        && java.util.Objects.equals(s.start.origin(), marker.origin());
  }
}
