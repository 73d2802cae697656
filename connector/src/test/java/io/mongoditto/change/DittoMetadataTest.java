package io.mongoditto.change;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DittoMetadataTest {

  private static Map<String, Object> doc(String token) {
    return token == null
        ? Map.of("_id", "a", "v", 1)
        : Map.of("_id", "a", "v", 1, DittoMetadata.FIELD, DittoMetadata.of("src", token));
  }

  @Test
  void aChangedWriteTokenMarksTheSinksWriteAndNothingElseDoes() {
    assertTrue(DittoMetadata.writtenByTheSink(doc("t1"), doc("t2")), "token changed");
    assertTrue(DittoMetadata.writtenByTheSink(doc(null), doc("t2")), "first write of the sink");
    assertFalse(DittoMetadata.writtenByTheSink(doc("t1"), doc("t1")), "a device's edit");
    assertFalse(DittoMetadata.writtenByTheSink(doc(null), doc(null)), "no sink involved");
    assertFalse(DittoMetadata.writtenByTheSink(null, doc("t1")), "a new document: an app's copy");
    assertFalse(DittoMetadata.writtenByTheSink(doc("t1"), null), "a removal");
  }
}
