package io.mongoditto.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Drives a {@link MongoSourceTask} without Connect: the context Connect would give it (stored
 * offsets, plugin metrics) and the poll loops the tests wait with.
 */
final class SourceTaskDriver {

  private SourceTaskDriver() {}

  /**
   * A task started with {@code storedOffset} as every partition's stored offset (none when empty).
   */
  static MongoSourceTask start(Map<String, String> props, Map<String, Object> storedOffset) {
    return start(props, storedOffset(storedOffset), null);
  }

  static MongoSourceTask start(Map<String, String> props, OffsetStorageReader offsets) {
    return start(props, offsets, null);
  }

  static MongoSourceTask start(
      Map<String, String> props, OffsetStorageReader offsets, PluginMetrics plugin) {
    MongoSourceTask task = new MongoSourceTask();
    task.initialize(context(props, offsets, plugin));
    task.start(props);
    return task;
  }

  static SourceTaskContext context(
      Map<String, String> props, OffsetStorageReader offsets, PluginMetrics plugin) {
    return new SourceTaskContext() {
      @Override
      public Map<String, String> configs() {
        return props;
      }

      @Override
      public OffsetStorageReader offsetStorageReader() {
        return offsets;
      }

      @Override
      public PluginMetrics pluginMetrics() {
        return plugin;
      }
    };
  }

  /** The same stored offset for every partition; null or empty: nothing stored. */
  static OffsetStorageReader storedOffset(Map<String, Object> stored) {
    boolean none = stored == null || stored.isEmpty();
    return new OffsetStorageReader() {
      @Override
      public <T> Map<String, Object> offset(Map<String, T> partition) {
        return none ? null : stored;
      }

      @Override
      public <T> Map<Map<String, T>, Map<String, Object>> offsets(
          Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
        if (!none) {
          partitions.forEach(p -> out.put(p, stored));
        }
        return out;
      }
    };
  }

  /** Polls until {@code n} records arrived or the time is up. */
  static List<SourceRecord> poll(MongoSourceTask task, int n, long millis)
      throws InterruptedException {
    List<SourceRecord> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + millis;
    while (out.size() < n && System.currentTimeMillis() < deadline) {
      List<SourceRecord> batch = task.poll();
      if (batch != null) {
        out.addAll(batch);
      }
    }
    return out;
  }

  /** Polls until {@code n} records arrived, then half a second more to catch extra ones. */
  static List<SourceRecord> pollAll(MongoSourceTask task, int n, long millis)
      throws InterruptedException {
    List<SourceRecord> out = poll(task, n, millis);
    long extra = System.currentTimeMillis() + 500;
    while (System.currentTimeMillis() < extra) {
      List<SourceRecord> batch = task.poll();
      if (batch != null) {
        out.addAll(batch);
      }
    }
    return out;
  }
}
