package io.mongoditto.source;

import io.mongoditto.metrics.EffectiveConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the changes of its assigned collections. The running state lives in {@link
 * StartedSourceTask}.
 */
public final class MongoSourceTask extends SourceTask {

  private static final Logger log = LoggerFactory.getLogger(MongoSourceTask.class);

  private volatile StartedSourceTask started;
  private volatile SourceSummaryLog summary;

  @Override
  public String version() {
    return io.mongoditto.PluginVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    MongoSourceConfig config = MongoSourceConfig.of(props);
    String name = props.getOrDefault("name", "mongo-source");
    // Connect's MDC context ([name|task-n]) says which task this is.
    log.info(
        "Source task of {} starting with config {}",
        name,
        EffectiveConfig.format(MongoSourceConfigDef.CONFIG_DEF, props));
    started =
        StartedSourceTask.start(
            name, config, context.offsetStorageReader(), context.pluginMetrics());
    summary =
        new SourceSummaryLog(
            config.logSummaryIntervalMs(), started.stats(), System::currentTimeMillis);
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    StartedSourceTask s = started;
    SourceSummaryLog l = summary;
    if (l != null) {
      l.maybeLog();
    }
    return s == null ? null : s.poll();
  }

  @Override
  public void stop() {
    StartedSourceTask s = started;
    if (s != null) {
      s.close();
    }
  }

  /** Records read and waiting for poll(); 0 before start. */
  int bufferedRecords() {
    StartedSourceTask s = started;
    return s == null ? 0 : s.bufferedRecords();
  }

  /** Whether a reader failed (poll() throws it once what was read before it is handed out). */
  boolean readerFailed() {
    StartedSourceTask s = started;
    return s != null && s.readerFailed();
  }

  /** The counters of the running task, or null before start. */
  public SourceTaskStats stats() {
    StartedSourceTask s = started;
    return s == null ? null : s.stats();
  }
}
