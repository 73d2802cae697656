package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.config.CollectionSetting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed configuration reference must be what the ConfigDef generates. */
class SourceConfigDocsTest {

  private static final Path DOCS = Path.of("..", "docs", "source-config.md");

  @Test
  void committedReferenceIsCurrent() throws Exception {
    String generated = SourceConfigDocs.markdown();
    if (Boolean.getBoolean("source.docs.regenerate")) {
      Files.writeString(DOCS, generated, StandardCharsets.UTF_8);
    }
    assertTrue(
        Files.exists(DOCS),
        DOCS.toAbsolutePath() + " is missing; run with -Dsource.docs.regenerate=true");
    assertEquals(
        generated,
        Files.readString(DOCS, StandardCharsets.UTF_8),
        "docs/source-config.md is stale: run mvn -pl connector test -Dtest=SourceConfigDocsTest"
            + " -Dsource.docs.regenerate=true");
  }

  @Test
  void everyPublicKeyAndCollectionSettingIsDocumented() {
    String md = SourceConfigDocs.markdown();
    MongoSourceConfigDef.CONFIG_DEF.configKeys().values().stream()
        .filter(k -> !k.internalConfig)
        .forEach(k -> assertTrue(md.contains("`" + k.name + "`"), k.name));
    for (CollectionSetting s : CollectionSetting.values()) {
      assertTrue(md.contains("`" + s.key() + "`"), s.key());
    }
  }
}
