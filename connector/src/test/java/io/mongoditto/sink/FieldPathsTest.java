package io.mongoditto.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldPathsTest {

  @Test
  void removedRecursesIntoMapsTreatsArraysAndScalarsAsLeavesAndClearsKindChanges() {
    Map<String, Object> stored =
        Map.of(
            "_id",
            "a",
            "gone",
            1,
            "n",
            Map.of("p", 1, "q", Map.of("r", 1, "s", 2)),
            "arr",
            List.of(1, 2),
            "m",
            Map.of("k", 1),
            "s",
            "x");
    Map<String, Object> next =
        Map.of(
            "_id",
            "a",
            "n",
            Map.of("p", 2, "q", Map.of("r", 1)),
            "arr",
            List.of(1),
            "m",
            5,
            "s",
            Map.of("t", 1));
    assertEquals(
        List.of(List.of("gone"), List.of("m"), List.of("n", "q", "s"), List.of("s")),
        FieldPaths.prune(FieldPaths.removed(stored, next)),
        "m: a map turned scalar; s: a scalar turned map");
  }

  @Test
  void kindChangesGoBothWaysIgnoreAbsentFieldsAndFindNestedOnes() {
    Map<String, Object> stored =
        Map.of(
            "_id",
            "a",
            "absent",
            Map.of("k", 1),
            "a",
            Map.of("n", Map.of("p", 1), "k", 1),
            "arr",
            Map.of("x", 1),
            "same",
            Map.of("k", 1),
            "scalar",
            1);
    Map<String, Object> next =
        new java.util.HashMap<>(
            Map.of(
                "_id",
                "a",
                "a",
                Map.of("n", 5, "k", 1),
                "arr",
                List.of(1),
                "same",
                Map.of("j", 2),
                "scalar",
                Map.of("k", 1)));
    assertEquals(
        List.of(List.of("a", "n"), List.of("arr"), List.of("scalar")),
        FieldPaths.prune(FieldPaths.kindChanges(stored, next)),
        "maps turned non-maps (a.n, arr) and a non-map turned map (scalar)");
    next.put("same", null);
    assertEquals(
        4, FieldPaths.kindChanges(stored, next).size(), "null over a map is a non-map too");
    assertEquals(
        List.of(List.of("n")),
        FieldPaths.kindChanges(
            new java.util.HashMap<>(Map.of("n", "x")), Map.of("n", Map.of("k", 1))),
        "a scalar turned map");
    Map<String, Object> nullStored = new java.util.HashMap<>();
    nullStored.put("n", null);
    assertEquals(
        List.of(List.of("n")),
        FieldPaths.kindChanges(nullStored, Map.of("n", Map.of("k", 1))),
        "a null turned map");
  }

  @Test
  void resolveFindsOnlyExistingPathsAndReadsDotsInNames() {
    Map<String, Object> doc = Map.of("a", Map.of("b", 1), "x.y", 2, "n", 3);
    assertEquals(List.of(List.of("a", "b")), FieldPaths.resolve(doc, "a.b"));
    assertEquals(List.of(List.of("x.y")), FieldPaths.resolve(doc, "x.y"));
    assertEquals(List.of(), FieldPaths.resolve(doc, "a.c"));
    assertEquals(List.of(), FieldPaths.resolve(doc, "n.q"), "below a scalar is not a path");
    assertEquals(List.of(), FieldPaths.resolve(doc, "missing.deep.path"));
  }

  @Test
  void pruneDropsDuplicatesChildrenOfListedPathsAndId() {
    assertEquals(
        List.of(List.of("a"), List.of("b", "c")),
        FieldPaths.prune(
            List.of(
                List.of("a", "x"),
                List.of("a"),
                List.of("b", "c"),
                List.of("b", "c"),
                List.of("_id"))));
  }

  @Test
  void dqlQuotesEveryIdentifier() {
    assertEquals(
        "UPDATE `c` UNSET `a`.`b.c`, `we``ird $ü` WHERE _id IN :ids",
        Dql.unset("c", List.of(List.of("a", "b.c"), List.of("we`ird $ü"))));
    assertEquals(
        "INSERT INTO `order_items` DOCUMENTS (:docs) ON ID CONFLICT DO UPDATE",
        Dql.upsert("order_items"));
    assertEquals("DELETE FROM `c` WHERE _id IN :ids", Dql.delete("c"));
  }
}
