package io.mongoditto.cli.embedded;

import io.mongoditto.source.MongoSourceConnector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * {@link MongoSourceConnector} as the embedded runner starts it: everything is delegated, except
 * that its tasks are {@link EmbeddedSourceTask}s (which give the real task plugin metrics Debezium
 * does not provide) and each task config carries its task number.
 */
public final class EmbeddedSourceConnector extends SourceConnector {

  static final String TASK_NUMBER = "mongoditto.embedded.task";

  private final MongoSourceConnector delegate = new MongoSourceConnector();

  @Override
  public void initialize(ConnectorContext ctx) {
    super.initialize(ctx);
    delegate.initialize(ctx);
  }

  @Override
  public void start(Map<String, String> props) {
    delegate.start(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return EmbeddedSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Map<String, String> c : delegate.taskConfigs(maxTasks)) {
      Map<String, String> task = new HashMap<>(c);
      task.put(TASK_NUMBER, Integer.toString(out.size()));
      out.add(task);
    }
    return out;
  }

  @Override
  public void stop() {
    delegate.stop();
  }

  @Override
  public ConfigDef config() {
    return delegate.config();
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    return delegate.validate(connectorConfigs);
  }

  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return delegate.exactlyOnceSupport(connectorConfig);
  }

  @Override
  public boolean alterOffsets(
      Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
    return delegate.alterOffsets(connectorConfig, offsets);
  }

  @Override
  public String version() {
    return delegate.version();
  }
}
