package io.mongoditto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker-compose.yml cannot run here (no Docker engine), so its wiring is checked against
 * connect-distributed.properties, config/, the plugin assembly and the MongoDB setup script; and
 * each check is shown to fail on a deliberately broken copy.
 */
class DeploymentFilesTest {

  @Test
  void theRealDeploymentFilesAgree() {
    assertTrue(
        DeploymentInputs.connectorConfigsPresent(),
        "config/" + DeploymentInputs.SOURCE_CONFIG + " or config/ditto-sink.json is missing");
    assertEquals(List.of(), DeploymentChecks.problems(DeploymentInputs.load()));
  }

  @Test
  void theComposeFileAndWorkerFileAgreeWithStandInConnectorConfigs() {
    // independent of config/: proves the compose/worker/assembly/script side on its own
    assertEquals(List.of(), DeploymentChecks.problems(withStandInConfigs()));
  }

  @Test
  void theAssemblyAlsoWritesTheUnpackedDirectoryTheComposeFileMounts() throws java.io.IOException {
    String assembly =
        java.nio.file.Files.readString(
            ProjectFiles.root().resolve("connector/src/assembly/plugin.xml"));
    assertTrue(
        assembly.contains("<format>dir</format>"),
        "connector/src/assembly/plugin.xml: no dir format");
    assertTrue(
        assembly.contains("<format>zip</format>"),
        "connector/src/assembly/plugin.xml: no zip format");
  }

  @Test
  void everyEnabledCollectionHasItsTopic() {
    Map<String, String> source =
        Map.of(
            "collections",
            "stores, product_embeddings,orders",
            "collection.product_embeddings.enabled",
            "false",
            "collection.orders.topic",
            "o",
            "topic.prefix",
            "zava");
    assertEquals(List.of("zava.stores", "o"), List.copyOf(DeploymentChecks.sourceTopics(source)));
  }

  static Stream<Arguments> brokenCopies() {
    return Stream.of(
        broken(
            "the worker listens on another REST port",
            in -> withWorker(in, "listeners", "http://0.0.0.0:8084"),
            "the worker listens on 8084"),
        broken(
            "compose publishes the REST port on another host port",
            in -> withCompose(in, c -> ports(c, "connect").set(0, c.textNode("8084:8083"))),
            "to host port 8084"),
        broken(
            "bootstrap.servers is not the broker's host listener",
            in -> withWorker(in, "bootstrap.servers", "localhost:9094"),
            "none of the broker's advertised listeners"),
        broken(
            "the broker advertises another in-network listener",
            in ->
                withCompose(
                    in,
                    c ->
                        env(c, "kafka")
                            .put(
                                "KAFKA_ADVERTISED_LISTENERS",
                                "PLAINTEXT://kafka:19093,PLAINTEXT_HOST://localhost:9092")),
            "the connect service uses bootstrap.servers"),
        broken(
            "the broker's host listener is not published",
            in -> withCompose(in, c -> ports(c, "kafka").set(0, c.textNode("9099:9099"))),
            "not published"),
        broken(
            "the sink endpoint is not the local Ditto's port",
            in ->
                withCompose(
                    in,
                    c -> env(c, "connect").put("DITTO_CLOUD_ENDPOINT", "http://local-ditto:4001")),
            "listens on 4000"),
        broken(
            "the sink endpoint names no service",
            in ->
                withCompose(
                    in, c -> env(c, "connect").put("DITTO_CLOUD_ENDPOINT", "http://ditto:4000")),
            "names no compose service"),
        broken(
            "the connect service's API key is not the local Ditto's",
            in -> withCompose(in, c -> env(c, "connect").put("DITTO_API_KEY", "other")),
            "API key"),
        broken(
            "another project version than the mounted plugin dir",
            in ->
                new DeploymentChecks.Inputs(
                    in.compose(),
                    in.worker(),
                    in.source(),
                    in.sinks(),
                    in.composeSinks(),
                    "9.9.9",
                    in.pluginFinalName(),
                    in.assemblyBaseDirectory(),
                    in.replicaSetInitScript()),
            "does not mount the assembly output ./connector/target/mongo-ditto-connector-9.9.9"),
        broken(
            "plugin.path is not where the plugin is mounted",
            in ->
                withCompose(
                    in,
                    c ->
                        replaceInCommand(
                            c,
                            "connect",
                            "plugin.path=/opt/mongo-ditto/plugins",
                            "plugin.path=/opt/plugins")),
            "but plugin.path=/opt/plugins"),
        broken(
            "plugin discovery scans",
            in -> withWorker(in, "plugin.discovery", "hybrid_warn"),
            "plugin.discovery is not service_load"),
        broken(
            "a sink does not read a source topic",
            in -> withSink(in, "topics.regex", "other\\..*"),
            "reads none of the source topics"),
        broken(
            "the compose sink config drifts from config/ditto-sink.json",
            in -> withComposeSink(in, "ditto.batch.size", "7"),
            "drifted from config/ditto-sink.json"),
        broken(
            "the compose sink refuses plain http to the local-ditto service",
            in -> withComposeSink(in, "ditto.allow.insecure.http", "false"),
            "ditto.allow.insecure.http=true"),
        broken(
            "a config reads an env variable the connect service lacks",
            in -> withCompose(in, c -> env(c, "connect").remove("MONGODB_CONNECTION_STRING")),
            "does not set MONGODB_CONNECTION_STRING"),
        broken(
            "the worker has no env config provider",
            in -> withWorker(in, "config.providers", "file"),
            "no 'env' config provider"),
        broken(
            "mongod runs another replica set",
            in -> withCompose(in, c -> replaceInCommand(c, "mongo", "rs0", "rs1")),
            "initiates a different replica set"),
        broken(
            "the connection string names another replica set",
            in ->
                withCompose(
                    in,
                    c ->
                        env(c, "connect")
                            .put(
                                "MONGODB_CONNECTION_STRING",
                                "mongodb://mongo:27017/?replicaSet=rs9")),
            "does not name replica set rs0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenCopies")
  void aDisagreementIsReported(
      String what, UnaryOperator<DeploymentChecks.Inputs> breakIt, String expected) {
    DeploymentChecks.Inputs consistent = withStandInConfigs();
    assertEquals(List.of(), DeploymentChecks.problems(consistent), "baseline");
    List<String> problems = DeploymentChecks.problems(breakIt.apply(consistent));
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(expected)),
        what + " not reported; got " + problems);
  }

  /** The real files, with config/ replaced by configs written the way config/ should be. */
  private static DeploymentChecks.Inputs withStandInConfigs() {
    DeploymentChecks.Inputs real = DeploymentInputs.load();
    Map<String, String> source = new LinkedHashMap<>();
    source.put("connector.class", "io.mongoditto.source.MongoSourceConnector");
    source.put("mongodb.uri", "${env:MONGODB_CONNECTION_STRING}");
    source.put("mongodb.database", "zava");
    source.put("collections", "stores,customers,product_embeddings");
    source.put("collection.product_embeddings.enabled", "false");
    source.put("topic.prefix", "zava");
    Map<String, String> sink = new LinkedHashMap<>();
    sink.put("connector.class", "io.mongoditto.sink.DittoSinkConnector");
    sink.put("topics.regex", "zava\\.(stores|customers)");
    sink.put("ditto.endpoint", "${env:DITTO_CLOUD_ENDPOINT}");
    sink.put("ditto.api.key", "${env:DITTO_API_KEY}");
    sink.put("ditto.batch.size", "500");
    Map<String, String> composeSink = new LinkedHashMap<>(sink);
    composeSink.put("ditto.allow.insecure.http", "true");
    return new DeploymentChecks.Inputs(
        real.compose(),
        real.worker(),
        source,
        Map.of("config/ditto-sink.json", sink, "docker/connectors/ditto-sink.json", composeSink),
        Map.of("docker/connectors/ditto-sink.json", composeSink),
        real.projectVersion(),
        real.pluginFinalName(),
        real.assemblyBaseDirectory(),
        real.replicaSetInitScript());
  }

  private static Arguments broken(
      String what, UnaryOperator<DeploymentChecks.Inputs> mutation, String expected) {
    return Arguments.of(what, mutation, expected);
  }

  private static DeploymentChecks.Inputs withComposeSink(
      DeploymentChecks.Inputs in, String key, String value) {
    Map<String, Map<String, String>> compose = new LinkedHashMap<>();
    in.composeSinks()
        .forEach(
            (name, config) -> {
              Map<String, String> copy = new LinkedHashMap<>(config);
              copy.put(key, value);
              compose.put(name, copy);
            });
    Map<String, Map<String, String>> all = new LinkedHashMap<>(in.sinks());
    all.putAll(compose);
    return new DeploymentChecks.Inputs(
        in.compose(),
        in.worker(),
        in.source(),
        all,
        compose,
        in.projectVersion(),
        in.pluginFinalName(),
        in.assemblyBaseDirectory(),
        in.replicaSetInitScript());
  }

  private static DeploymentChecks.Inputs withWorker(
      DeploymentChecks.Inputs in, String key, String value) {
    Properties p = new Properties();
    p.putAll(in.worker());
    p.setProperty(key, value);
    return new DeploymentChecks.Inputs(
        in.compose(),
        p,
        in.source(),
        in.sinks(),
        in.composeSinks(),
        in.projectVersion(),
        in.pluginFinalName(),
        in.assemblyBaseDirectory(),
        in.replicaSetInitScript());
  }

  private static DeploymentChecks.Inputs withSink(
      DeploymentChecks.Inputs in, String key, String value) {
    UnaryOperator<Map<String, Map<String, String>>> edit =
        sinks -> {
          Map<String, Map<String, String>> out = new LinkedHashMap<>();
          sinks.forEach(
              (name, config) -> {
                Map<String, String> copy = new LinkedHashMap<>(config);
                copy.put(key, value);
                copy.remove("topics");
                out.put(name, copy);
              });
          return out;
        };
    return new DeploymentChecks.Inputs(
        in.compose(),
        in.worker(),
        in.source(),
        edit.apply(in.sinks()),
        edit.apply(in.composeSinks()),
        in.projectVersion(),
        in.pluginFinalName(),
        in.assemblyBaseDirectory(),
        in.replicaSetInitScript());
  }

  private static DeploymentChecks.Inputs withCompose(
      DeploymentChecks.Inputs in, java.util.function.Consumer<ObjectNode> edit) {
    ObjectNode copy = in.compose().deepCopy();
    edit.accept(copy);
    return new DeploymentChecks.Inputs(
        copy,
        in.worker(),
        in.source(),
        in.sinks(),
        in.composeSinks(),
        in.projectVersion(),
        in.pluginFinalName(),
        in.assemblyBaseDirectory(),
        in.replicaSetInitScript());
  }

  private static ObjectNode service(ObjectNode compose, String name) {
    return (ObjectNode) compose.path("services").path(name);
  }

  private static ArrayNode ports(ObjectNode compose, String service) {
    return (ArrayNode) service(compose, service).path("ports");
  }

  private static ObjectNode env(ObjectNode compose, String service) {
    return (ObjectNode) service(compose, service).path("environment");
  }

  private static void replaceInCommand(ObjectNode compose, String service, String from, String to) {
    ArrayNode command = (ArrayNode) service(compose, service).path("command");
    for (int i = 0; i < command.size(); i++) {
      JsonNode item = command.get(i);
      command.set(i, compose.textNode(item.asText().replace(from, to)));
    }
  }
}
