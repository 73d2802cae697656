package io.mongoditto.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.cli.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CdcConsumerSettingsTest {

  private static final String TRUST_SECRET = "trust-s3cret-4711";
  private static final String KEY_SECRET = "key-s3cret-0815";
  private static final String JAAS_SECRET = "jaas-s3cret-1234";

  @TempDir Path dir;

  private static Map<String, String> cloud() {
    Map<String, String> s = new HashMap<>();
    s.put("ditto.cdc.bootstrap.servers", "kafka-1.ditto.example:9093, kafka-2.ditto.example:9093");
    s.put("ditto.cdc.topic", "app-123-bridge");
    s.put("ditto.cdc.ssl.truststore.location", "/certs/cluster.p12");
    s.put("ditto.cdc.ssl.truststore.password", TRUST_SECRET);
    s.put("ditto.cdc.ssl.keystore.location", "/certs/user.p12");
    s.put("ditto.cdc.ssl.keystore.password", KEY_SECRET);
    return s;
  }

  @Test
  void noFeedWithoutItsKeys() {
    assertTrue(CdcConsumerSettings.from(Map.of("mongodb.uri", "mongodb://x")).isEmpty());
    assertFalse(CdcConsumerSettings.configured(Map.of("ditto.cdc.topic", " ")));
  }

  @Test
  void halfAFeedNamesTheMissingKeyAndItsVariable() {
    UserException e =
        assertThrows(
            UserException.class, () -> CdcConsumerSettings.from(Map.of("ditto.cdc.topic", "t")));
    assertTrue(e.getMessage().contains("ditto.cdc.bootstrap.servers"), e.getMessage());
    assertTrue(e.getMessage().contains("DITTO_CDC_BOOTSTRAP_SERVERS"), e.getMessage());
  }

  @Test
  void theLocalBrokerIsPlainText() {
    Map<String, Object> props =
        CdcConsumerSettings.from(
                Map.of("ditto.cdc.bootstrap.servers", "127.0.0.1:9092", "ditto.cdc.topic", "cdc"))
            .orElseThrow()
            .consumerProperties();
    assertEquals("127.0.0.1:9092", props.get("bootstrap.servers"));
    assertEquals("PLAINTEXT", props.get("security.protocol"));
    assertFalse(props.keySet().stream().anyMatch(k -> k.startsWith("ssl.")), props.toString());
  }

  @Test
  void theCloudsStoresMakeAnSslConsumerWithPkcs12Defaults() {
    CdcConsumerSettings cdc = CdcConsumerSettings.from(cloud()).orElseThrow();
    Map<String, Object> props = cdc.consumerProperties();
    assertEquals("app-123-bridge", cdc.topic());
    assertEquals(
        "kafka-1.ditto.example:9093,kafka-2.ditto.example:9093", props.get("bootstrap.servers"));
    assertEquals("SSL", props.get("security.protocol"));
    assertEquals("/certs/cluster.p12", props.get("ssl.truststore.location"));
    assertEquals("PKCS12", props.get("ssl.truststore.type"));
    assertEquals("PKCS12", props.get("ssl.keystore.type"));
    Password trust = assertInstanceOf(Password.class, props.get("ssl.truststore.password"));
    assertEquals(TRUST_SECRET, trust.value());
    assertEquals(
        KEY_SECRET, assertInstanceOf(Password.class, props.get("ssl.keystore.password")).value());
  }

  @Test
  void passThroughKeysReachTheConsumerButCannotUndoTheOwnKeys() {
    Map<String, String> s = cloud();
    s.put("ditto.cdc.consumer.max.poll.records", "50");
    s.put("ditto.cdc.consumer.security.protocol", "PLAINTEXT");
    s.put("ditto.cdc.security.protocol", "ssl");
    Map<String, Object> props = CdcConsumerSettings.from(s).orElseThrow().consumerProperties();
    assertEquals("50", props.get("max.poll.records"));
    assertEquals("SSL", props.get("security.protocol"));
  }

  @Test
  void noSecretInAnyPrintedForm() {
    Map<String, String> s = cloud();
    s.put(
        "ditto.cdc.consumer.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required password=\""
            + JAAS_SECRET
            + "\";");
    s.put("ditto.cdc.consumer.ssl.key.password", KEY_SECRET);
    CdcConsumerSettings cdc = CdcConsumerSettings.from(s).orElseThrow();
    for (String printed :
        new String[] {
          cdc.describe(),
          cdc.toString(),
          cdc.redacted().toString(),
          cdc.consumerProperties().toString()
        }) {
      for (String secret : new String[] {TRUST_SECRET, KEY_SECRET, JAAS_SECRET}) {
        assertFalse(printed.contains(secret), "a secret in: " + printed);
      }
    }
    assertEquals("[hidden]", cdc.redacted().get("ssl.truststore.password"));
    assertEquals("[hidden]", cdc.redacted().get("sasl.jaas.config"));
    assertEquals("[hidden]", cdc.redacted().get("ssl.key.password"));
    assertEquals("/certs/user.p12", cdc.redacted().get("ssl.keystore.location"));
    assertTrue(cdc.describe().contains("app-123-bridge"), cdc.describe());
    assertTrue(cdc.describe().contains("/certs/cluster.p12"), cdc.describe());
  }

  @Test
  void secretKeysAreKnownByKafkasTypesAndByName() {
    assertTrue(CdcConsumerSettings.isSecretKey("ditto.cdc.ssl.truststore.password"));
    assertTrue(CdcConsumerSettings.isSecretKey("ditto.cdc.consumer.sasl.jaas.config"));
    assertTrue(CdcConsumerSettings.isSecretKey("ditto.cdc.consumer.ssl.key.password"));
    assertFalse(CdcConsumerSettings.isSecretKey("ditto.cdc.ssl.truststore.location"));
    assertFalse(CdcConsumerSettings.isSecretKey("ditto.cdc.consumer.max.poll.records"));
  }

  @Test
  void anInvalidValueNamesItsKeyWithoutShowingAPassword() {
    Map<String, String> s = cloud();
    s.put("ditto.cdc.security.protocol", "TLS_PLEASE");
    UserException e = assertThrows(UserException.class, () -> CdcConsumerSettings.from(s));
    assertTrue(e.getMessage().contains("ditto.cdc.security.protocol"), e.getMessage());
    assertFalse(e.getMessage().contains(TRUST_SECRET), e.getMessage());
  }

  @Test
  void environmentVariablesInTheGuidesStyle() {
    assertEquals(
        "DITTO_CDC_SSL_TRUSTSTORE_PASSWORD",
        CdcConsumerSettings.environmentVariable("ditto.cdc.ssl.truststore.password"));
    Map<String, String> keys =
        Keys.fromEnvironment(
            Map.of(
                "DITTO_CDC_BOOTSTRAP_SERVERS", "b:9093",
                "DITTO_CDC_TOPIC", "bridge",
                "DITTO_CDC_SSL_KEYSTORE_PASSWORD", KEY_SECRET,
                "DITTO_CDC_SECURITY_PROTOCOL", ""));
    assertEquals("b:9093", keys.get("ditto.cdc.bootstrap.servers"));
    assertEquals("bridge", keys.get("ditto.cdc.topic"));
    assertEquals(KEY_SECRET, keys.get("ditto.cdc.ssl.keystore.password"));
    assertFalse(keys.containsKey("ditto.cdc.security.protocol"), "blank variables are unset");
  }

  @Test
  void aConfigFilesPlaceholdersAndTheEnvironmentMeetAsForTheOtherKeys() throws Exception {
    Path file = dir.resolve("two-way.json");
    Files.writeString(
        file,
        """
        {"collections": "orders",
         "ditto.cdc.bootstrap.servers": "${env:DITTO_CDC_BOOTSTRAP_SERVERS}",
         "ditto.cdc.topic": "from-file",
         "ditto.cdc.ssl.truststore.password": "${env:DITTO_CDC_SSL_TRUSTSTORE_PASSWORD}"}
        """);
    MongoOptions options = new MongoOptions();
    new CommandLine(options).parseArgs("-c", file.toString(), "--collections", "orders");
    Map<String, String> settings =
        options
            .settings(
                Map.of(
                    "DITTO_CDC_BOOTSTRAP_SERVERS",
                    "env:9093",
                    "DITTO_CDC_SSL_TRUSTSTORE_PASSWORD",
                    TRUST_SECRET))
            .asMap();
    CdcConsumerSettings cdc = CdcConsumerSettings.from(settings).orElseThrow();
    assertEquals("from-file", cdc.topic());
    assertEquals("env:9093", cdc.consumerProperties().get("bootstrap.servers"));
    assertEquals(TRUST_SECRET, settings.get("ditto.cdc.ssl.truststore.password"));
  }
}
