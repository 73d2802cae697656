package io.mongoditto.mongosink;

import io.mongoditto.connect.SinkContexts;
import io.mongoditto.metrics.EffectiveConfig;
import java.util.Collection;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Ditto's CDC events (one Data Bridge topic, or a mirror of it) to MongoDB, with the
 * collections' mapping run backwards. Per document, events are applied in {@code txnId} order,
 * duplicates and late events dropped; a change is written only where MongoDB still holds the old
 * value (see docs/mapping.md, "The rule that decides"), in transactions the source recognises as
 * this direction's own, so nothing echoes. The running state lives in {@link StartedMongoSinkTask}.
 */
public final class MongoSinkTask extends SinkTask {

  private static final Logger LOG = LoggerFactory.getLogger(MongoSinkTask.class);

  private final LongSupplier clock;
  private StartedMongoSinkTask started;

  public MongoSinkTask() {
    this(System::currentTimeMillis);
  }

  MongoSinkTask(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public String version() {
    return io.mongoditto.PluginVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    LOG.info(
        "Ditto -> MongoDB sink task of {} starting with config {}",
        props.getOrDefault("name", "?"),
        EffectiveConfig.format(MongoSinkConfig.CONFIG_DEF, props));
    started =
        StartedMongoSinkTask.start(props, context, SinkContexts.pluginMetrics(context), clock);
  }

  /** The task's metrics (for the embedded runner and tests). */
  public MongoSinkMetrics metrics() {
    return started.metrics();
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    started.partitionsAssigned(partitions);
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    started.put(records);
  }

  @Override
  public void stop() {
    if (started != null) {
      started.close();
      started = null;
    }
  }
}
