package io.mongoditto.mongosink;

import io.mongoditto.connect.ConfigValidation;
import io.mongoditto.ditto.DittoConnectionConfig;
import io.mongoditto.ditto.EndpointPolicy;
import io.mongoditto.metrics.EffectiveConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect sink that applies Ditto's Change Data Capture events to MongoDB: the Ditto ->
 * MongoDB direction (docs/ditto-to-mongodb.md). Its topic is a Data Bridge's topic, read straight
 * from Ditto's Kafka cluster (consumer overrides with the portal's SSL settings) or from a mirror.
 */
public final class MongoSinkConnector extends SinkConnector {

  private static final Logger LOG = LoggerFactory.getLogger(MongoSinkConnector.class);

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    MongoSinkConfig.of(props); // fail fast on bad configuration
    this.props = Map.copyOf(props);
    LOG.info(
        "Ditto -> MongoDB sink connector {} started with config {}",
        props.getOrDefault("name", "?"),
        EffectiveConfig.format(MongoSinkConfig.CONFIG_DEF, props));
  }

  @Override
  public Class<? extends Task> taskClass() {
    return MongoSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> task = new HashMap<>(props);
      task.put(MongoSinkConfig.TASK_ID, Integer.toString(i));
      configs.add(task);
    }
    return configs;
  }

  @Override
  public void stop() {
    LOG.info("Ditto -> MongoDB sink connector stopped");
  }

  @Override
  public ConfigDef config() {
    return MongoSinkConfig.CONFIG_DEF;
  }

  /**
   * The per-key checks, then the collections as the one parser reads them, then (only if those
   * pass) MongoDB and Ditto themselves ({@link MongoSinkCheck}). Each problem lands on its key; the
   * endpoint is never echoed with user info.
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    ConfigValidation validation = new ConfigValidation(super.validate(connectorConfigs));
    validation.show(DittoConnectionConfig.ENDPOINT, EndpointPolicy::redact);
    if (validation.hasErrors()) {
      return validation.result();
    }
    MongoSinkConfig.Parsed parsed = MongoSinkConfig.parse(connectorConfigs);
    validation.errors(
        parsed.config() == null
            ? parsed.errors()
            : MongoSinkCheck.check(parsed.config(), connectorConfigs));
    return validation.result();
  }

  @Override
  public String version() {
    return io.mongoditto.PluginVersion.get();
  }
}
