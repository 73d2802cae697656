package io.mongoditto.sink;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A worker stand-in for tests that drive a sink task directly: no plugin metrics, commits ignored.
 */
public final class StandInSinkContext {

  private StandInSinkContext() {}

  /**
   * @param reporter the dead-letter queue, or null for none
   */
  public static SinkTaskContext create(ErrantRecordReporter reporter) {
    return new SinkTaskContext() {
      @Override
      public Map<String, String> configs() {
        return Map.of();
      }

      @Override
      public void offset(Map<TopicPartition, Long> offsets) {}

      @Override
      public void offset(TopicPartition tp, long offset) {}

      @Override
      public void timeout(long timeoutMs) {}

      @Override
      public Set<TopicPartition> assignment() {
        return Set.of();
      }

      @Override
      public void pause(TopicPartition... partitions) {}

      @Override
      public void resume(TopicPartition... partitions) {}

      @Override
      public void requestCommit() {}

      @Override
      public ErrantRecordReporter errantRecordReporter() {
        return reporter;
      }

      @Override
      public PluginMetrics pluginMetrics() {
        return null;
      }
    };
  }
}
