package io.mongoditto.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads the real deployment files into {@link DeploymentChecks.Inputs}. */
final class DeploymentInputs {

  static final String SOURCE_CONFIG = "zava-retail-source.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private DeploymentInputs() {}

  static DeploymentChecks.Inputs load() {
    Path root = ProjectFiles.root();
    try {
      return new DeploymentChecks.Inputs(
          YAML.readTree(ProjectFiles.dockerCompose().toFile()),
          properties(ProjectFiles.connectDistributedProperties()),
          connectorConfig(ProjectFiles.config().resolve(SOURCE_CONFIG)),
          allSinkConfigs(),
          composeSinkConfigs(),
          projectVersion(),
          xmlElement(root.resolve("connector/pom.xml"), "finalName"),
          xmlElement(root.resolve("connector/src/assembly/plugin.xml"), "baseDirectory"),
          Files.readString(root.resolve("docker/mongo-init-replica-set.js")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean connectorConfigsPresent() {
    return Files.isRegularFile(ProjectFiles.config().resolve(SOURCE_CONFIG))
        && Files.isRegularFile(ProjectFiles.config().resolve("ditto-sink.json"));
  }

  static String projectVersion() {
    String v = System.getProperty("project.version");
    if (v != null && !v.isBlank()) {
      return v;
    }
    try {
      return xmlElement(ProjectFiles.root().resolve("pom.xml"), "version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Properties properties(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    return p;
  }

  /** config/ditto-sink*.json by file name. */
  static Map<String, Map<String, String>> sinkConfigs() {
    return sinkConfigs(ProjectFiles.config(), "config/");
  }

  /** The sink configs the compose curl sequence uses: docker/connectors/ditto-sink*.json. */
  static Map<String, Map<String, String>> composeSinkConfigs() {
    return sinkConfigs(ProjectFiles.root().resolve("docker/connectors"), "docker/connectors/");
  }

  static Map<String, Map<String, String>> allSinkConfigs() {
    Map<String, Map<String, String>> all = new TreeMap<>(sinkConfigs());
    all.putAll(composeSinkConfigs());
    return all;
  }

  private static Map<String, Map<String, String>> sinkConfigs(Path dir, String label) {
    Map<String, Map<String, String>> sinks = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return sinks;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(f -> f.getFileName().toString().matches("ditto-sink.*\\.json"))
          .forEach(f -> sinks.put(label + f.getFileName(), connectorConfig(f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sinks;
  }

  /**
   * A connector config file as REST takes it: either {@code {"name": ..., "config": {...}}} (POST
   * /connectors) or the flat config map (PUT /connectors/NAME/config). Missing file: empty map.
   */
  static Map<String, String> connectorConfig(Path file) {
    Map<String, String> config = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return config;
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      JsonNode body =
          node.has("config") && node.get("config").isObject() ? node.get("config") : node;
      body.fields()
          .forEachRemaining(
              e ->
                  config.put(
                      e.getKey(),
                      e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The connector name a config file gives, else its file name without .json. */
  static String connectorName(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (node.hasNonNull("name")) {
        return node.get("name").asText();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.getFileName().toString().replaceFirst("\\.json$", "");
  }

  /** The first element's text: enough for the few flat values read here. */
  private static String xmlElement(Path file, String element) throws IOException {
    // skip the <parent> block so the project's own <version> is found
    String xml = Files.readString(file).replaceFirst("(?s)<parent>.*?</parent>", "");
    Matcher m = Pattern.compile("<" + element + ">([^<]+)</" + element + ">").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("no <" + element + "> in " + file);
    }
    return m.group(1).trim();
  }
}
