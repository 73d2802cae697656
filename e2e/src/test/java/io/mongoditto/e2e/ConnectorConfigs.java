package io.mongoditto.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The connector configs of config/, exactly as an operator would PUT them. */
final class ConnectorConfigs {

  static final String SOURCE_NAME = "zava-retail-mongo";
  static final String SINK_NAME = "ditto-sink";
  static final String SOURCE_CLASS = "io.mongoditto.source.MongoSourceConnector";
  static final String SINK_CLASS = "io.mongoditto.sink.DittoSinkConnector";

  private ConnectorConfigs() {}

  static Map<String, String> source() {
    return withoutName(DeploymentInputs.connectorConfig(ProjectFiles.config().resolve(DeploymentInputs.SOURCE_CONFIG)));
  }

  /**
   * The sink config meant for a local (plain-http) Ditto: config/ditto-sink-local.json when there is
   * one, else config/ditto-sink.json.
   */
  static Optional<Path> sinkFile() {
    for (String name : List.of("ditto-sink-local.json", "ditto-sink.json")) {
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

  /** PUT /connectors/NAME/config takes the name from the URL. */
  private static Map<String, String> withoutName(Map<String, String> config) {
    Map<String, String> copy = new LinkedHashMap<>(config);
    copy.remove("name");
    return copy;
  }
}
