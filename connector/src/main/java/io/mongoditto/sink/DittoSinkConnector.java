package io.mongoditto.sink;

import io.mongoditto.ditto.EndpointPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect sink that keeps Ditto collections up to date from the per-collection change topics.
 */
public final class DittoSinkConnector extends SinkConnector {

  private static final Logger LOG = LoggerFactory.getLogger(DittoSinkConnector.class);

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new DittoSinkConfig(props); // fail fast on bad configuration
    this.props = Map.copyOf(props);
    LOG.info(
        "Ditto sink connector {} started with config {}",
        name(),
        io.mongoditto.metrics.EffectiveConfig.format(DittoSinkConfig.CONFIG_DEF, props));
  }

  private String name() {
    return props == null ? "?" : props.getOrDefault("name", "?");
  }

  @Override
  public Class<? extends Task> taskClass() {
    return DittoSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      configs.add(props);
    }
    // Connect asks on start and on every reconfiguration.
    LOG.info("Ditto sink connector {}: {} task(s)", name(), configs.size());
    return configs;
  }

  @Override
  public void stop() {
    LOG.info("Ditto sink connector {} stopped", name());
  }

  @Override
  public ConfigDef config() {
    return DittoSinkConfig.CONFIG_DEF;
  }

  /** Adds the checks that span keys (plain http vs the allow flag) to the per-key validation. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config config = super.validate(connectorConfigs);
    boolean keysValid = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
    if (keysValid) {
      String allow = connectorConfigs.getOrDefault(DittoSinkConfig.ALLOW_INSECURE_HTTP, "false");
      try {
        EndpointPolicy.check(
            connectorConfigs.get(DittoSinkConfig.ENDPOINT), Boolean.parseBoolean(allow.trim()));
      } catch (IllegalArgumentException e) {
        for (ConfigValue v : config.configValues()) {
          if (v.name().equals(DittoSinkConfig.ENDPOINT)) {
            v.addErrorMessage(e.getMessage());
          }
        }
      }
    }
    return config;
  }

  @Override
  public String version() {
    return io.mongoditto.PluginVersion.get();
  }
}
