package io.mongoditto.cli.embedded;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The sink task's view of its "worker" in the embedded runner. There is no Kafka: the assignment is
 * the set of topics seen so far, offset rewinds are not possible (the source's offsets decide what
 * is replayed) and commits happen after every batch anyway. The benchmark drives sink tasks through
 * it too (no dead-letter queue there: a record the task cannot apply fails the figure).
 */
public final class EmbeddedSinkContext implements SinkTaskContext {

  private final Map<String, String> configs;
  private final ErrantRecordReporter reporter;
  private final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
  private final PluginMetrics pluginMetrics;
  private final java.util.concurrent.atomic.AtomicLong requestedTimeout =
      new java.util.concurrent.atomic.AtomicLong(-1);

  /**
   * @param pluginMetrics where the sink task's metrics go (the runner's own registry)
   */
  public EmbeddedSinkContext(
      Map<String, String> configs, ErrantRecordReporter reporter, PluginMetrics pluginMetrics) {
    this.configs = Map.copyOf(configs);
    this.reporter = reporter;
    this.pluginMetrics = pluginMetrics;
  }

  void assign(Collection<TopicPartition> partitions) {
    assignment.addAll(partitions);
  }

  @Override
  public Map<String, String> configs() {
    return configs;
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {
    // No Kafka to rewind: a replay comes from the source's file offsets on the next start.
  }

  @Override
  public void offset(TopicPartition tp, long offset) {
    // As above.
  }

  @Override
  public void timeout(long timeoutMs) {
    requestedTimeout.set(timeoutMs);
  }

  /**
   * The wait the sink asked for with its last {@code timeout()} (before it hands a batch back with
   * a RetriableException), or {@code fallback} when it asked for none; resets it.
   */
  long takeTimeout(long fallback) {
    long t = requestedTimeout.getAndSet(-1);
    return t > 0 ? t : fallback;
  }

  @Override
  public Set<TopicPartition> assignment() {
    return Set.copyOf(assignment);
  }

  @Override
  public void pause(TopicPartition... partitions) {
    // The runner hands batches synchronously; nothing to pause.
  }

  @Override
  public void resume(TopicPartition... partitions) {
    // As above.
  }

  @Override
  public void requestCommit() {
    // Every batch is committed once the sink acknowledged it.
  }

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    return reporter;
  }

  @Override
  public PluginMetrics pluginMetrics() {
    return pluginMetrics;
  }
}
