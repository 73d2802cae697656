package io.mongoditto.source;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one task, per collection. Thread-safe (the readers write, anyone reads). */
public final class SourceTaskStats {

  private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> records = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> badDocuments = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> idChanges = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> snapshotCopied = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> resnapshots = new ConcurrentHashMap<>();

  void snapshotCopied(String collection, int n) {
    add(snapshotCopied, collection, n);
  }

  void resnapshot(String collection) {
    add(resnapshots, collection, 1);
  }

  public Map<String, Long> snapshotCopied() {
    return copy(snapshotCopied);
  }

  public Map<String, Long> resnapshots() {
    return copy(resnapshots);
  }

  void event(String collection) {
    add(events, collection, 1);
  }

  void records(String collection, int n) {
    add(records, collection, n);
  }

  void badDocument(String collection) {
    add(badDocuments, collection, 1);
  }

  void idChange(String collection) {
    add(idChanges, collection, 1);
  }

  public Map<String, Long> events() {
    return copy(events);
  }

  public Map<String, Long> records() {
    return copy(records);
  }

  public Map<String, Long> badDocuments() {
    return copy(badDocuments);
  }

  public Map<String, Long> idChanges() {
    return copy(idChanges);
  }

  private static void add(Map<String, LongAdder> m, String collection, int n) {
    m.computeIfAbsent(collection, k -> new LongAdder()).add(n);
  }

  private static Map<String, Long> copy(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public String toString() {
    return "events=" + events() + " records=" + records() + " badDocuments=" + badDocuments()
        + " idChanges=" + idChanges() + " snapshotCopied=" + snapshotCopied() + " resnapshots=" + resnapshots();
  }
}
