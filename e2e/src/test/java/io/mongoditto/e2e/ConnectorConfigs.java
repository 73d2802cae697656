package io.mongoditto.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The connector configs of config/, exactly as an operator would PUT them. */
final class ConnectorConfigs {

  static final String SOURCE_NAME = "zava-retail-mongo";
  static final String SINK_NAME = "ditto-sink";
  static final String SOURCE_CLASS = "io.mongoditto.source.MongoSourceConnector";
  static final String SINK_CLASS = "io.mongoditto.sink.DittoSinkConnector";

  private ConnectorConfigs() {}

  static Map<String, String> source() {
    return withoutName(
        DeploymentInputs.connectorConfig(
            ProjectFiles.config().resolve(DeploymentInputs.SOURCE_CONFIG)));
  }

  /**
   * config/ditto-sink.json (its endpoint and key come from ${env:...}), else ditto-sink-local.json.
   */
  static Optional<Path> sinkFile() {
    for (String name : List.of("ditto-sink.json", "ditto-sink-local.json")) {
      Path file = ProjectFiles.config().resolve(name);
      if (Files.isRegularFile(file)) {
        return Optional.of(file);
      }
    }
    return Optional.empty();
  }

  static Map<String, String> sink() {
    return withoutName(DeploymentInputs.connectorConfig(sinkFile().orElseThrow()));
  }

  /**
   * Points {@code key} of {@code config} at {@code value} the way the config itself intends: when
   * it reads {@code ${env:NAME}}, the worker's environment gets NAME=value (the config is PUT
   * unchanged); when it holds a literal (e.g. ditto-sink-local.json's fixed port), the literal is
   * replaced.
   */
  static void bind(
      Map<String, String> config, String key, String value, Map<String, String> workerEnv) {
    Matcher m = ENV_REF.matcher(config.getOrDefault(key, ""));
    if (m.matches()) {
      workerEnv.put(m.group(1), value);
    } else {
      config.put(key, value);
    }
  }

  private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  /** PUT /connectors/NAME/config takes the name from the URL. */
  private static Map<String, String> withoutName(Map<String, String> config) {
    Map<String, String> copy = new LinkedHashMap<>(config);
    copy.remove("name");
    return copy;
  }
}
