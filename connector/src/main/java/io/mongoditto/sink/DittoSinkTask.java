package io.mongoditto.sink;

import io.mongoditto.change.DittoChange;
import io.mongoditto.connect.SinkContexts;
import io.mongoditto.metrics.EffectiveConfig;
import java.util.Collection;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link DittoChange} records to Ditto. Records are grouped per collection (keeping Kafka
 * order), collapsed per {@code _id} in batches, and applied with few statements. A record Ditto
 * rejects (400) is isolated by splitting its batch and reported to the errant record reporter
 * (dead-letter queue); auth failures fail the task; while Ditto is unavailable the records go back
 * to Connect to be delivered again. Offsets are committed only for records Ditto acknowledged (or
 * that were reported), see {@link #preCommit}. The running state lives in {@link
 * StartedDittoSinkTask}.
 */
public final class DittoSinkTask extends SinkTask {

  private static final Logger LOG = LoggerFactory.getLogger(DittoSinkTask.class);

  private final LongSupplier clock;
  private StartedDittoSinkTask started;

  public DittoSinkTask() {
    this(System::currentTimeMillis);
  }

  /**
   * @param clock wall-clock milliseconds (sweep grace, lag, summaries); replaceable in tests
   */
  DittoSinkTask(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public String version() {
    return io.mongoditto.PluginVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    // Connect's MDC context ([name|task-n]) says which task this is.
    LOG.info(
        "Ditto sink task of {} starting with config {}",
        props.getOrDefault("name", "?"),
        EffectiveConfig.format(DittoSinkConfig.CONFIG_DEF, props));
    started =
        StartedDittoSinkTask.start(props, context, SinkContexts.pluginMetrics(context), clock);
    LOG.info("Ditto sink task started: {}", started.client().executeUri());
  }

  /** The task's metrics (totals for tests and the embedded runner). */
  public SinkMetrics metrics() {
    return started.metrics();
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    started.put(records);
  }

  /**
   * Only offsets of records Ditto acknowledged (put() returned normally for them), and never past
   * an open sweep's start marker.
   */
  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    return started.preCommit(currentOffsets);
  }

  /**
   * The next offset after the last record of {@code tp} Ditto acknowledged, or -1 (for the embedded
   * runner).
   */
  public long acknowledged(TopicPartition tp) {
    return started.acknowledged(tp);
  }

  /**
   * Sweeps whose copy is complete and whose deletes wait ({@code sweep.grace.ms}): the embedded
   * runner keeps its source offsets unflushed meanwhile, as Connect keeps the sink's uncommitted.
   */
  public int sweepsWaiting() {
    return started == null ? 0 : started.sweepsWaiting();
  }

  /**
   * Runs the deletes of the sweeps that wait now, without their grace: for the embedded runner
   * before it stops, since its engine then stores the source's offsets past the copy.
   */
  public void runWaitingSweepsNow() {
    if (started != null) {
      started.runWaitingSweepsNow();
    }
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    if (started != null) {
      started.closePartitions(partitions);
    }
  }

  @Override
  public void stop() {
    if (started != null) {
      started.close();
    }
    LOG.info("Ditto sink task stopped");
  }

  static String lastSegment(String topic) {
    int dot = topic.lastIndexOf('.');
    return dot >= 0 && dot < topic.length() - 1 ? topic.substring(dot + 1) : topic;
  }
}
