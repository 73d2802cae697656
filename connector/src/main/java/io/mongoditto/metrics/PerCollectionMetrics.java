package io.mongoditto.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One metrics holder per collection, created (and its metrics registered, tagged {@code
 * collection=<name>}) the first time the collection is seen.
 *
 * @param <T> the holder (a set of counters and gauges) built from a collection's {@link
 *     MetricGroup}
 */
public final class PerCollectionMetrics<T> implements AutoCloseable {

  public static final String TAG = "collection";

  private record Entry<T>(MetricGroup group, T metrics) {}

  private final MetricGroup parent;
  private final Function<MetricGroup, T> factory;
  private final Map<String, Entry<T>> byCollection = new ConcurrentHashMap<>();

  public PerCollectionMetrics(MetricGroup parent, Function<MetricGroup, T> factory) {
    this.parent = parent;
    this.factory = factory;
  }

  public T get(String collection) {
    return byCollection
        .computeIfAbsent(
            collection,
            c -> {
              MetricGroup group = parent.with(TAG, c);
              return new Entry<>(group, factory.apply(group));
            })
        .metrics();
  }

  /** The holders created so far, by collection. */
  public Map<String, T> all() {
    Map<String, T> out = new java.util.TreeMap<>();
    byCollection.forEach((c, e) -> out.put(c, e.metrics()));
    return out;
  }

  @Override
  public void close() {
    byCollection.values().forEach(e -> e.group().close());
    byCollection.clear();
  }
}
