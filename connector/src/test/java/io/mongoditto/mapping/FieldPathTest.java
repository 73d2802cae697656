package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class FieldPathTest {

  @Test
  void parseSplitsOnDotsWithoutDisambiguation() {
    assertEquals(FieldPath.of("a", "b", "2"), FieldPath.parse("a.b.2", null));
  }

  @Test
  void parseUsesDisambiguatedSegments() {
    assertEquals(
        FieldPath.of("a", 0, "x.y"),
        FieldPath.parse("a.0.x.y", BsonArray.parse("[\"a\", 0, \"x.y\"]")));
  }

  @Test
  void throughArrayFollowsTheNewDocument() {
    BsonDocument doc =
        BsonDocument.parse("{\"tags\": [\"a\"], \"m\": {\"1\": {\"k\": 1}}, \"s\": 5}");
    assertTrue(FieldPath.of("tags", "0").throughArray(doc));
    assertFalse(FieldPath.of("tags").throughArray(doc), "the array itself is not through it");
    assertFalse(FieldPath.of("m", "1", "k").throughArray(doc), "numeric key of a map");
    assertTrue(
        FieldPath.of("m", 1).throughArray(doc), "an index segment is always through an array");
    assertFalse(FieldPath.of("gone", "x").throughArray(doc));
    assertFalse(FieldPath.of("s", "x").throughArray(doc));
  }

  @Test
  void sinkPathStopsAtTheFirstSegmentItCannotName() {
    assertEquals("a.b", FieldPath.of("a", "b").toSinkPath());
    assertEquals("a", FieldPath.of("a", "b.c", "d").toSinkPath());
    assertEquals("a", FieldPath.of("a", "", "d").toSinkPath());
    assertEquals("$meta.ü", FieldPath.of("$meta", "ü").toSinkPath());
    assertNull(FieldPath.of("x.y").toSinkPath());
  }

  @Test
  void renderDropsPathsCoveredByAnAncestorAndFlagsInexpressibleOnes() {
    RemovedPaths.Rendered r =
        RemovedPaths.render(
            List.of(
                FieldPath.of("a", "b"),
                FieldPath.of("a"),
                FieldPath.of("ab"),
                FieldPath.of("x.y"),
                FieldPath.of("c", "d", "e"),
                FieldPath.of("c", "d")));
    assertEquals(List.of("a", "ab", "c.d"), r.paths());
    assertTrue(r.inexpressible());
  }
}
