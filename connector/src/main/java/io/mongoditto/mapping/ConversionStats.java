package io.mongoditto.mapping;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of values left out of Ditto documents because Ditto's JSON mode does not carry their BSON
 * type (Binary, MinKey, JavaScript, ...): left out and counted, never silently ignored.
 * Thread-safe.
 */
public final class ConversionStats {

  private final Map<String, LongAdder> omittedByType = new ConcurrentHashMap<>();

  public void omitted(String bsonType) {
    omittedByType.computeIfAbsent(bsonType, k -> new LongAdder()).increment();
  }

  public long omittedCount(String bsonType) {
    LongAdder adder = omittedByType.get(bsonType);
    return adder == null ? 0 : adder.sum();
  }

  public long omittedTotal() {
    return omittedByType.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    omittedByType.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
