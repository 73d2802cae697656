package io.mongoditto.cli.embedded;

import io.mongoditto.source.MongoSourceTask;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * A {@link MongoSourceTask} whose context answers {@code pluginMetrics()} with metrics in the
 * runner's {@link EmbeddedMetrics} registry, tagged like a Connect worker would tag them ({@code
 * connector=<name>-source}, {@code task=<n>}). Debezium's own task context returns null there,
 * which would leave the source's metrics unexported.
 */
public final class EmbeddedSourceTask extends SourceTask {

  private final MongoSourceTask delegate = new MongoSourceTask();

  @Override
  public String version() {
    return delegate.version();
  }

  @Override
  public void start(Map<String, String> props) {
    EmbeddedMetrics metrics = EmbeddedMetrics.byId(props.get(EmbeddedMetrics.CONFIG_ID));
    int task = Integer.parseInt(props.getOrDefault(EmbeddedSourceConnector.TASK_NUMBER, "0"));
    PluginMetrics plugin =
        metrics == null ? null : metrics.pluginMetrics(EmbeddedSync.sourceMetricsName(props), task);
    Map<String, String> own = new HashMap<>(props);
    own.remove(EmbeddedMetrics.CONFIG_ID);
    own.remove(EmbeddedSourceConnector.TASK_NUMBER);
    delegate.initialize(new Context(context, plugin));
    delegate.start(own);
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    return delegate.poll();
  }

  @Override
  public void commit() throws InterruptedException {
    delegate.commit();
  }

  @Override
  public void commitRecord(SourceRecord record, RecordMetadata metadata)
      throws InterruptedException {
    delegate.commitRecord(record, metadata);
  }

  @Override
  public void stop() {
    delegate.stop();
  }

  /** Debezium's context with real plugin metrics. */
  private record Context(SourceTaskContext engine, PluginMetrics plugin)
      implements SourceTaskContext {
    @Override
    public Map<String, String> configs() {
      return engine.configs();
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
      return engine.offsetStorageReader();
    }

    @Override
    public TransactionContext transactionContext() {
      return engine.transactionContext();
    }

    @Override
    public PluginMetrics pluginMetrics() {
      return plugin;
    }
  }
}
