package io.mongoditto.source;

import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/** Streams the changes of its assigned collections. The running state lives in {@link StartedSourceTask}. */
public final class MongoSourceTask extends SourceTask {

  private volatile StartedSourceTask started;
  private SourceTaskMetrics metrics;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    MongoSourceConfig config = MongoSourceConfig.of(props);
    String name = props.getOrDefault("name", "mongo-source");
    started = StartedSourceTask.start(name, config, context.offsetStorageReader());
    try {
      metrics = SourceTaskMetrics.register(context.pluginMetrics(), started);
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    StartedSourceTask s = started;
    return s == null ? null : s.poll();
  }

  @Override
  public void stop() {
    StartedSourceTask s = started;
    if (s != null) {
      s.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  /** The counters of the running task, or null before start. */
  public SourceTaskStats stats() {
    StartedSourceTask s = started;
    return s == null ? null : s.stats();
  }
}
