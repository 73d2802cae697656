package io.mongoditto.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class SinkConfigDocsTest {

  private static Path repoRoot() {
    String root = System.getProperty("project.root");
    Path p = Path.of(root != null ? root : ".").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("docs"))) {
      p = p.getParent();
    }
    return p;
  }

  @Test
  void sinkConnectorDocHoldsTheCurrentConfigTable() throws Exception {
    String doc = Files.readString(repoRoot().resolve("docs/sink-connector.md"));
    int begin = doc.indexOf(SinkConfigDocs.BEGIN);
    int end = doc.indexOf(SinkConfigDocs.END);
    assertTrue(
        begin >= 0 && end > begin, "docs/sink-connector.md lacks the generated-table markers");
    String current = doc.substring(begin + SinkConfigDocs.BEGIN.length(), end).strip();
    assertEquals(
        SinkConfigDocs.markdown().strip(),
        current,
        "docs/sink-connector.md is stale: regenerate it with"
            + " java -cp ... io.mongoditto.sink.SinkConfigDocs (see the doc)");
  }

  private static Map<String, String> base() {
    Map<String, String> p = new HashMap<>();
    p.put(DittoSinkConfig.ENDPOINT, "https://abc.cloud.dittolive.app/app");
    p.put(DittoSinkConfig.API_KEY, "k");
    return p;
  }

  @Test
  void configDefaultsAndValidation() {
    DittoSinkConfig c = new DittoSinkConfig(base());
    assertEquals(DittoSinkConfig.DEFAULT_BATCH_SIZE, c.batchSize());
    assertEquals("https://abc.cloud.dittolive.app/app", c.clientSettings().endpoint());
    assertFalse(c.clientSettings().toString().contains("k,"), "settings never print the key");

    Map<String, String> insecure = base();
    insecure.put(DittoSinkConfig.ENDPOINT, "http://ditto.internal:8080");
    assertThrows(ConfigException.class, () -> new DittoSinkConfig(insecure));
    insecure.put(DittoSinkConfig.ALLOW_INSECURE_HTTP, "true");
    new DittoSinkConfig(insecure);

    Map<String, String> mapped = base();
    mapped.put(DittoSinkConfig.COLLECTION_MAP, "zava.orders:orders, legacy.items:order_items");
    DittoSinkConfig m = new DittoSinkConfig(mapped);
    assertEquals("order_items", m.collectionFor("legacy.items"));
    assertEquals(null, m.collectionFor("zava.stores"));
    mapped.put(DittoSinkConfig.COLLECTION_MAP, "no-colon");
    assertThrows(ConfigException.class, () -> new DittoSinkConfig(mapped));

    Map<String, String> badVersion = base();
    badVersion.put(DittoSinkConfig.API_VERSION, "v3");
    assertThrows(ConfigException.class, () -> new DittoSinkConfig(badVersion));
    assertEquals("products", DittoSinkTask.lastSegment("zava.shop.products"));
    assertEquals("products", DittoSinkTask.lastSegment("products"));
  }

  @Test
  void connectorValidateReportsPlainHttpOnTheEndpoint() {
    Map<String, String> p = base();
    p.put(DittoSinkConfig.ENDPOINT, "http://ditto.internal:8080");
    p.put("connector.class", DittoSinkConnector.class.getName());
    ConfigValue endpoint =
        new DittoSinkConnector()
            .validate(p).configValues().stream()
                .filter(v -> v.name().equals(DittoSinkConfig.ENDPOINT))
                .findFirst()
                .orElseThrow();
    assertTrue(
        endpoint.errorMessages().stream().anyMatch(m -> m.contains("unencrypted")),
        endpoint.errorMessages().toString());
  }
}
