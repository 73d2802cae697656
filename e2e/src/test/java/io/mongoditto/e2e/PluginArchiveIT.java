package io.mongoditto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plugin zip `mvn package` builds (connector/target/mongo-ditto-connector-VERSION.zip), as
 * Confluent Hub and a worker's plugin.path expect it: one top directory
 * mongoditto-mongo-ditto-connector-VERSION with manifest.json and lib/, the connector jar and its
 * runtime dependencies but nothing the worker provides, and ServiceLoader entries for
 * plugin.discovery=service_load.
 */
class PluginArchiveIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static String version;
  private static String base;
  private static Map<String, byte[]> entries;

  @BeforeAll
  static void readZip() throws IOException {
    version = DeploymentInputs.projectVersion();
    base = "mongoditto-mongo-ditto-connector-" + version + "/";
    entries = new LinkedHashMap<>();
    Path zip = PluginDirectory.zip();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        entries.put(
            e.getName(), e.isDirectory() ? new byte[0] : z.getInputStream(e).readAllBytes());
      }
    }
  }

  @Test
  void everythingIsUnderOneVersionedDirectory() {
    List<String> outside = entries.keySet().stream().filter(n -> !n.startsWith(base)).toList();
    assertEquals(List.of(), outside);
  }

  @Test
  void theManifestIsConfluentHubJsonForThisVersion() throws IOException {
    byte[] bytes = entries.get(base + "manifest.json");
    assertTrue(bytes != null, "no manifest.json in " + entries.keySet());
    JsonNode m = JSON.readTree(bytes);
    assertEquals("mongo-ditto-connector", m.path("name").asText());
    assertEquals(
        version, m.path("version").asText(), "the manifest's version is filtered from the pom");
    List<String> types = new ArrayList<>();
    m.path("component_types").forEach(t -> types.add(t.asText()));
    assertEquals(List.of("source", "sink"), types);
    assertFalse(m.path("title").asText().isBlank(), "title");
    assertFalse(m.path("description").asText().isBlank(), "description");
    assertFalse(m.path("owner").path("username").asText().isBlank(), "owner.username");
    assertFalse(m.path("owner").path("name").asText().isBlank(), "owner.name");
    assertTrue(m.path("license").isArray() && !m.path("license").isEmpty(), "license");
    assertFalse(m.path("documentation_url").asText().isBlank(), "documentation_url");
    assertTrue(
        m.path("features").path("kafka_connect_api").asBoolean(), "features.kafka_connect_api");
  }

  @Test
  void libHoldsTheConnectorAndItsDependenciesButNothingTheWorkerProvides() {
    List<String> jars = libJars();
    assertTrue(jars.contains("connector-" + version + ".jar"), "connector jar: " + jars);
    assertTrue(
        jars.stream().anyMatch(j -> j.startsWith("mongodb-driver-sync-")),
        "mongodb driver: " + jars);
    assertTrue(
        jars.stream().anyMatch(j -> j.startsWith("mongodb-driver-core-")),
        "mongodb driver core: " + jars);
    assertTrue(jars.stream().anyMatch(j -> j.startsWith("bson-")), "bson: " + jars);
    // the worker provides these; a second copy in the plugin would shadow or clash with its own
    for (String provided :
        List.of(
            "connect-api-",
            "connect-runtime-",
            "connect-json-",
            "kafka-clients-",
            "kafka_2.13-",
            "slf4j-",
            "log4j-",
            "reload4j-",
            "junit-",
            "local-mongo-",
            "local-ditto-")) {
      assertTrue(
          jars.stream().noneMatch(j -> j.startsWith(provided)),
          provided + "* must not ship: " + jars);
    }
    // one version of each artifact
    List<String> artifacts = jars.stream().map(j -> j.replaceAll("-\\d.*$", "")).toList();
    assertEquals(
        artifacts.stream().distinct().count(), artifacts.size(), "duplicate artifacts: " + jars);
  }

  @ParameterizedTest(name = "{1} is registered for ServiceLoader discovery")
  @CsvSource({
    "org.apache.kafka.connect.source.SourceConnector, io.mongoditto.source.MongoSourceConnector",
    "org.apache.kafka.connect.sink.SinkConnector, io.mongoditto.sink.DittoSinkConnector"
  })
  void theConnectorJarRegistersTheConnector(String service, String connector) throws IOException {
    Map<String, byte[]> jar = connectorJar();
    // a connector class missing from the jar is the very regression this test exists to catch
    assertTrue(
        jar.containsKey(connector.replace('.', '/') + ".class"),
        connector + " is not in the connector jar");
    byte[] services = jar.get("META-INF/services/" + service);
    assertTrue(services != null, "no META-INF/services/" + service + " in the connector jar");
    List<String> names =
        new String(services, StandardCharsets.UTF_8)
            .lines()
            .map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertTrue(names.contains(connector), "META-INF/services/" + service + " lists " + names);
  }

  @Test
  void theConfigsAndDocsShipBesideTheJars() {
    for (String config : List.of(DeploymentInputs.SOURCE_CONFIG, "ditto-sink.json")) {
      assertTrue(
          entries.containsKey(base + "etc/" + config),
          "etc/ lacks " + config + ": " + entries.keySet());
    }
    assertTrue(entries.keySet().stream().anyMatch(n -> n.startsWith(base + "doc/")), "no doc/");
  }

  private static List<String> libJars() {
    return entries.keySet().stream()
        .filter(n -> n.startsWith(base + "lib/") && n.endsWith(".jar"))
        .map(n -> n.substring((base + "lib/").length()))
        .toList();
  }

  private static Map<String, byte[]> connectorJar() throws IOException {
    byte[] jar = entries.get(base + "lib/connector-" + version + ".jar");
    assertTrue(jar != null, "no connector jar in lib/");
    Map<String, byte[]> content = new LinkedHashMap<>();
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        content.put(e.getName(), in.readAllBytes());
      }
    }
    return content;
  }
}
