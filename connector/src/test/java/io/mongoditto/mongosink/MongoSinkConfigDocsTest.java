package io.mongoditto.mongosink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.sink.SinkConfigDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/ditto-to-mongodb.md holds the table generated from the connector's ConfigDef. */
class MongoSinkConfigDocsTest {

  @Test
  void theDocHoldsTheCurrentConfigTable() throws Exception {
    Path root = Path.of(".").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("docs"))) {
      root = root.getParent();
    }
    String doc = Files.readString(root.resolve("docs/ditto-to-mongodb.md"));
    int begin = doc.indexOf(SinkConfigDocs.BEGIN);
    int end = doc.indexOf(SinkConfigDocs.END);
    assertTrue(begin >= 0 && end > begin, "docs/ditto-to-mongodb.md lacks the table markers");
    assertEquals(
        SinkConfigDocs.markdown(MongoSinkConfig.CONFIG_DEF).strip(),
        doc.substring(begin + SinkConfigDocs.BEGIN.length(), end).strip(),
        "docs/ditto-to-mongodb.md is stale: regenerate the table from MongoSinkConfig.CONFIG_DEF");
  }
}
