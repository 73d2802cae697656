package io.mongoditto.change;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DittoMetadataTest {

  private static Map<String, Object> doc(String token) {
    return token == null
        ? Map.of("_id", "a", "v", 1)
        : Map.of("_id", "a", "v", 1, DittoMetadata.FIELD, DittoMetadata.of("src", token, "a"));
  }

  @Test
  void aChangedWriteTokenMarksTheSinksWriteAndNothingElseDoes() {
    assertTrue(DittoMetadata.writtenByTheSink(doc("t1"), doc("t2")), "token changed");
    assertTrue(DittoMetadata.writtenByTheSink(doc(null), doc("t2")), "first write of the sink");
    assertFalse(DittoMetadata.writtenByTheSink(doc("t1"), doc("t1")), "a device's edit");
    assertFalse(DittoMetadata.writtenByTheSink(doc(null), doc(null)), "no sink involved");
    assertTrue(
        DittoMetadata.writtenByTheSink(null, doc("t1")),
        "a document new in Ditto whose metadata names it: the sink re-created it");
    assertFalse(
        DittoMetadata.writtenByTheSink(
            null, Map.of("_id", "copy", DittoMetadata.FIELD, DittoMetadata.of("src", "t1", "a"))),
        "an app's copy of another document, metadata included");
    assertFalse(
        DittoMetadata.writtenByTheSink(
            null, Map.of("_id", "a", DittoMetadata.FIELD, Map.of("source", "src", "write", "t1"))),
        "written before the metadata named the document: not known to be the sink's");
    assertFalse(DittoMetadata.writtenByTheSink(doc("t1"), null), "a removal");
  }

  private static Map<String, Object> back(String mark) {
    return Map.of(
        "_id", "a", "v", 1, DittoMetadata.FIELD, Map.of("write", "t1", DittoMetadata.BACK, mark));
  }

  @Test
  void aChangedGiveBackMarkMarksTheMongoDbSinksGiveBackAndNothingElseDoes() {
    assertTrue(DittoMetadata.givenBack(doc("t1"), back("b1")), "the first give-back");
    assertTrue(DittoMetadata.givenBack(back("b1"), back("b2")), "another give-back");
    assertFalse(DittoMetadata.givenBack(back("b1"), back("b1")), "a device's edit after one");
    assertFalse(DittoMetadata.givenBack(doc("t1"), doc("t1")), "a device's edit");
    assertFalse(DittoMetadata.givenBack(null, back("b1")), "an app's copy of a document");
    assertFalse(DittoMetadata.givenBack(back("b1"), null), "a removal");
  }
}
