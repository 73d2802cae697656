package io.mongoditto.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.cli.embedded.DittoToMongoSync;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.Direction;
import io.mongoditto.mongosink.MongoSinkConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/**
 * The shipped configs of both directions: config/zava-retail-two-way.json for {@code run} and
 * config/ditto-to-mongodb.json for a Connect worker describe the Zava collections exactly as
 * config/zava-retail-source.json does, every secret is an environment placeholder, and both read
 * Ditto's CDC feed with the same settings under the same variables.
 */
class ShippedConfigsTest {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{env:[A-Z0-9_]+}");

  /** Keys of a Connect sink connector's own config (not the plugin's). */
  private static final Set<String> CONNECT_SINK_KEYS =
      Set.of(
          "name",
          "connector.class",
          "tasks.max",
          "topics",
          "key.converter",
          "value.converter",
          "errors.tolerance",
          "errors.deadletterqueue.topic.name",
          "errors.deadletterqueue.topic.replication.factor",
          "errors.deadletterqueue.context.headers.enable");

  private static Path config(String name) {
    return Path.of(System.getProperty("project.root", "..")).resolve("config").resolve(name);
  }

  /** The environment of a user of Ditto's cloud who followed the guide. */
  private static Map<String, String> cloudEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("MONGODB_CONNECTION_STRING", "mongodb://u:p@db.example/?replicaSet=rs0");
    env.put("DITTO_CLOUD_ENDPOINT", "https://app.cloud.ditto.example");
    env.put("DITTO_API_KEY", "key");
    env.put("DITTO_CDC_BOOTSTRAP_SERVERS", "kafka.ditto.example:9093");
    env.put("DITTO_CDC_TOPIC", "bridge-topic");
    env.put("DITTO_CDC_SSL_TRUSTSTORE_LOCATION", "/certs/cluster.p12");
    env.put("DITTO_CDC_SSL_TRUSTSTORE_PASSWORD", "t");
    env.put("DITTO_CDC_SSL_KEYSTORE_LOCATION", "/certs/user.p12");
    env.put("DITTO_CDC_SSL_KEYSTORE_PASSWORD", "k");
    return env;
  }

  private static Map<String, String> collectionKeys(Map<String, String> config) {
    Map<String, String> out = new TreeMap<>();
    config.forEach(
        (k, v) -> {
          if (k.equals("collections") || k.startsWith("collection.")) {
            out.put(k, v);
          }
        });
    return out;
  }

  @Test
  void theTwoWayConfigSyncsTheZavaCollectionsBothWaysFromTheGuidesVariables() {
    Settings file = Settings.load(config("zava-retail-two-way.json"));
    Map<String, String> source = Settings.load(config("zava-retail-source.json")).asMap();
    Map<String, String> twoWay = new TreeMap<>(collectionKeys(file.asMap()));
    twoWay.keySet().removeIf(k -> k.endsWith(".direction"));
    assertEquals(collectionKeys(source), twoWay, "the same collections as the source config");

    List<CollectionConfig> collections = file.collections();
    for (CollectionConfig c : collections) {
      if (c.enabled()) {
        assertTrue(c.syncs(Direction.BOTH), c.name() + " syncs both ways");
      }
    }
    assertSecretsArePlaceholders(file.asMap());

    Map<String, String> cloud = file.resolveEnv(cloudEnvironment()).asMap();
    CdcConsumerSettings cdc = DittoToMongoSync.wanted(cloud).orElseThrow();
    assertEquals("bridge-topic", cdc.topic());
    assertEquals("SSL", cdc.consumerProperties().get("security.protocol"));
    assertEquals("/certs/user.p12", cdc.consumerProperties().get("ssl.keystore.location"));

    // The local Ditto: no stores, so their placeholders drop out and the consumer is plain text.
    Map<String, String> localEnv = new HashMap<>(cloudEnvironment());
    localEnv.keySet().removeIf(k -> k.startsWith("DITTO_CDC_SSL_"));
    Map<String, String> local = file.resolveEnv(localEnv).asMap();
    assertEquals(
        "PLAINTEXT",
        DittoToMongoSync.wanted(local).orElseThrow().consumerProperties().get("security.protocol"));
  }

  @Test
  void theConnectSinkConfigReadsTheSameFeedIntoTheSameCollections() {
    Map<String, String> sink = Settings.load(config("ditto-to-mongodb.json")).asMap();
    Map<String, String> twoWay = Settings.load(config("zava-retail-two-way.json")).asMap();
    assertEquals("io.mongoditto.mongosink.MongoSinkConnector", sink.get("connector.class"));
    assertEquals(collectionKeys(twoWay), collectionKeys(sink), "the same collection keys");
    assertEquals(
        twoWay.get(CdcConsumerSettings.TOPIC), sink.get("topics"), "the Data Bridge's topic");
    assertEquals("all", sink.get("errors.tolerance"));
    assertTrue(!sink.getOrDefault("errors.deadletterqueue.topic.name", "").isBlank(), "a DLQ");
    assertSecretsArePlaceholders(sink);

    // Each ditto.cdc.* key of run is the consumer override of the same Kafka key, from the same
    // variable.
    for (String key : CdcConsumerSettings.KEYS) {
      String kafkaKey = key.substring(CdcConsumerSettings.PREFIX.length());
      String override = sink.get("consumer.override." + kafkaKey);
      if (twoWay.containsKey(key) && !key.equals(CdcConsumerSettings.TOPIC)) {
        assertEquals(twoWay.get(key), override, key);
      }
    }
    assertEquals("SSL", sink.get("consumer.override.security.protocol"));

    for (String key : sink.keySet()) {
      boolean known =
          CONNECT_SINK_KEYS.contains(key)
              || MongoSinkConfig.CONFIG_DEF.names().contains(key)
              || key.startsWith("collection.")
              || (key.startsWith("consumer.override.")
                  && ConsumerConfig.configNames()
                      .contains(key.substring("consumer.override.".length())));
      assertTrue(known, "unknown key " + key);
    }

    Map<String, String> resolved = Settings.of(sink).resolveEnv(cloudEnvironment()).asMap();
    MongoSinkConfig.Parsed parsed = MongoSinkConfig.parse(resolved);
    assertEquals(Map.of(), parsed.errors());
    assertEquals(
        List.of(
            "stores", "customers", "categories", "products", "inventory", "orders", "order_items"),
        parsed.config().writtenCollections().stream().map(CollectionConfig::name).toList());
  }

  private static void assertSecretsArePlaceholders(Map<String, String> config) {
    config.forEach(
        (k, v) -> {
          boolean secret =
              k.equals(Keys.MONGODB_URI)
                  || k.equals(Keys.DITTO_API_KEY)
                  || CdcConsumerSettings.isSecretKey(k);
          if (secret) {
            assertTrue(PLACEHOLDER.matcher(v).matches(), k + " is a placeholder, not " + v);
          }
        });
  }
}
