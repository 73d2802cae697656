package io.mongoditto.sink;

import io.mongoditto.connect.ConfigValidation;
import io.mongoditto.ditto.DittoProbe;
import io.mongoditto.ditto.EndpointPolicy;
import io.mongoditto.metrics.EffectiveConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
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
        EffectiveConfig.format(DittoSinkConfig.CONFIG_DEF, props));
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
      Map<String, String> task = new HashMap<>(props);
      task.put(DittoSinkConfig.TASK_ID, Integer.toString(i));
      configs.add(task);
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

  /**
   * The per-key checks, then the checks that span keys (plain http vs the allow flag, the retry
   * window vs the consumer's poll interval), then (only if those pass) Ditto itself: reachable, the
   * key accepted, the mapped collections readable and writable. Each problem lands on the key to
   * fix. The endpoint's value is never echoed with user info.
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    ConfigValidation validation = new ConfigValidation(super.validate(connectorConfigs));
    validation.show(DittoSinkConfig.ENDPOINT, EndpointPolicy::redact);
    if (validation.hasErrors()) {
      return validation.result();
    }
    DittoSinkConfig parsed;
    try {
      parsed = new DittoSinkConfig(connectorConfigs);
    } catch (ConfigException e) {
      String key =
          e.getMessage() != null && e.getMessage().contains(DittoSinkConfig.RETRY_BACKOFF_MAX_MS)
              ? DittoSinkConfig.RETRY_BACKOFF_MAX_MS
              : DittoSinkConfig.ENDPOINT;
      validation.error(key, e.getMessage());
      return validation.result();
    }
    String poll = DittoSinkConfig.pollIntervalProblem(connectorConfigs, parsed.connection());
    if (poll != null) {
      validation.error(DittoSinkConfig.RETRY_MAX_DURATION_MS, poll);
      return validation.result();
    }
    for (DittoProbe.Finding f : DittoAccessCheck.run(parsed, connectorConfigs)) {
      validation.error(DittoAccessCheck.keyFor(f), f.message());
    }
    return validation.result();
  }

  @Override
  public String version() {
    return io.mongoditto.PluginVersion.get();
  }
}
