package io.mongoditto.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

/** The one-line effective config of the start log lines never shows a secret. */
class EffectiveConfigTest {

  private static final ConfigDef DEF =
      new ConfigDef()
          .define("mongodb.uri", Type.PASSWORD, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "uri")
          .define("ditto.api.key", Type.PASSWORD, null, Importance.HIGH, "key")
          .define("topic.prefix", Type.STRING, "mongoditto", Importance.LOW, "prefix")
          .define(
              "collections", Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "collections");

  @Test
  void passwordsAreHiddenDefaultsShownAndExtraKeysNamedWithoutValues() {
    Map<String, String> props = new HashMap<>();
    props.put("mongodb.uri", "mongodb://app:s3cr3t@db1:27017/?replicaSet=rs0");
    props.put("collections", "orders,stores");
    props.put("collection.orders.id.mode", "single_field");
    props.put("some.other.url", "https://bob:hunter2@example.com/x");
    props.put("producer.override.sasl.jaas.config", "PlainLoginModule required password=\"x\";");
    String line = EffectiveConfig.format(DEF, props);

    assertFalse(line.contains("s3cr3t"), line);
    assertFalse(line.contains("app:"), "not even the user name of the URI: " + line);
    assertFalse(line.contains("hunter2"), line);
    assertFalse(line.contains("password=\"x\""), line);
    assertTrue(line.contains("mongodb.uri=[hidden]"), line);
    assertTrue(line.contains("ditto.api.key=null"), "an unset secret shows as null: " + line);
    assertTrue(
        line.contains("topic.prefix=mongoditto"),
        "defaults are part of the effective config: " + line);
    assertTrue(line.contains("collections=orders,stores"), line);
    assertFalse(line.contains("single_field"), "no value of a key outside the ConfigDef: " + line);
    assertFalse(line.contains("example.com"), line);
    assertTrue(
        line.contains(
            "(+ 3 other keys, values not shown: [collection.orders.id.mode,"
                + " producer.override.sasl.jaas.config, some.other.url])"),
        line);
    assertEquals(1, line.lines().count(), "one line");
  }

  @Test
  void aUriInADefinedKeyLosesItsUserInfoWhateverItHolds() {
    ConfigDef def = new ConfigDef().define("endpoint", Type.STRING, "", Importance.HIGH, "url");
    String line =
        EffectiveConfig.format(def, Map.of("endpoint", "https://u:p@ss,w@rd@host.example/app"));
    assertFalse(line.contains("ss,w"), line);
    assertTrue(line.contains("endpoint=https://[hidden]@host.example/app"), line);
  }

  @Test
  void theSinkStartLineHidesTheDittoApiKey() {
    Map<String, String> props = new HashMap<>();
    props.put("name", "zava-ditto");
    props.put(io.mongoditto.sink.DittoSinkConfig.ENDPOINT, "https://app.cloud.ditto.live");
    props.put(io.mongoditto.sink.DittoSinkConfig.API_KEY, "dk_live_1234567890");
    props.put("topics", "zava.customers");
    String line = EffectiveConfig.format(io.mongoditto.sink.DittoSinkConfig.CONFIG_DEF, props);
    assertFalse(line.contains("dk_live_1234567890"), line);
    assertTrue(line.contains(io.mongoditto.sink.DittoSinkConfig.API_KEY + "=[hidden]"), line);
    assertTrue(line.contains("log.summary.interval.ms=60000"), line);
    assertFalse(line.contains("zava.customers"), line);
    assertTrue(line.contains("values not shown: [name, topics]"), line);
  }
}
