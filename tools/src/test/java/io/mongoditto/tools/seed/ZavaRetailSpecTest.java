package io.mongoditto.tools.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.cli.config.Settings;
import io.mongoditto.config.CollectionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZavaRetailSpecTest {

  @Test
  void theRepositorysZavaConfigReadsAsTheGuideMapsIt() {
    Path file =
        Path.of(System.getProperty("project.root", "..")).resolve("config/zava-retail-source.json");
    assertTrue(Files.exists(file), file + " is missing");
    List<CollectionConfig> all = Settings.load(file).collections();
    Map<String, String> expected = ZavaRetailSpec.connectorMapping();
    assertEquals(8, all.size());
    for (CollectionConfig e : all) {
      String mode = expected.getOrDefault("collection." + e.name() + ".id.mode", "match_ids");
      assertEquals(mode.toUpperCase(Locale.ROOT), e.mapping().idMode().name(), e.name());
      assertEquals(
          !"false".equals(expected.get("collection." + e.name() + ".enabled")),
          e.enabled(),
          e.name());
    }
  }
}
