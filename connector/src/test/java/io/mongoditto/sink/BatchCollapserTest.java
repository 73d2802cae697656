package io.mongoditto.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mongoditto.change.DittoChange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchCollapserTest {

  private static DittoChange up(
      Object id, Map<String, Object> doc, List<String> unset, boolean replace) {
    return DittoChange.upsert("c", id, doc, unset, replace, 0, null);
  }

  private static DittoChange del(Object id) {
    return DittoChange.delete("c", id, 0, null);
  }

  @Test
  void lastChangeWinsPerIdKeepingFirstAppearanceOrder() {
    List<FinalOp> ops =
        BatchCollapser.collapse(
            List.of(
                up("a", Map.of("_id", "a", "v", 1), List.of(), false),
                up("b", Map.of("_id", "b", "v", 1), List.of(), false),
                up("a", Map.of("_id", "a", "v", 2), List.of("x"), false),
                del("b"),
                up("a", Map.of("_id", "a", "v", 3), List.of("y.z"), false)));
    assertEquals(
        List.of(
            new FinalOp.Upsert("a", Map.of("_id", "a", "v", 3), List.of("x", "y.z"), false),
            new FinalOp.Delete("b")),
        ops);
  }

  @Test
  void upsertAfterDeleteReplacesAndForgetsEarlierUnsets() {
    List<FinalOp> ops =
        BatchCollapser.collapse(
            List.of(
                up("a", Map.of("_id", "a", "v", 1), List.of("old"), false),
                del("a"),
                up("a", Map.of("_id", "a", "w", 2), List.of("n.q"), false)));
    assertEquals(
        List.of(new FinalOp.Upsert("a", Map.of("_id", "a", "w", 2), List.of("n.q"), true)), ops);
  }

  @Test
  void anyReplaceFlagMakesTheResultAReplace() {
    List<FinalOp> ops =
        BatchCollapser.collapse(
            List.of(
                up("a", Map.of("_id", "a"), List.of(), true),
                up("a", Map.of("_id", "a", "v", 2), List.of(), false)));
    assertEquals(new FinalOp.Upsert("a", Map.of("_id", "a", "v", 2), List.of(), true), ops.get(0));
  }

  @Test
  void numericAndCompositeIdsAreOneIdWhateverTheirJavaType() {
    List<FinalOp> ops =
        BatchCollapser.collapse(
            List.of(
                up(7, Map.of("_id", 7, "v", 1), List.of(), false),
                up(7L, Map.of("_id", 7L, "v", 2), List.of(), false),
                del(7.0),
                up(Map.of("s", "x", "n", 2), Map.of("v", 1), List.of(), false),
                del(Map.of("n", 2L, "s", "x"))));
    assertEquals(2, ops.size());
    assertEquals(new FinalOp.Delete(7L), ops.get(0));
    assertEquals(new FinalOp.Delete(Map.of("n", 2L, "s", "x")), ops.get(1));
  }

  private static DittoChange delta(Object id, int v, String... paths) {
    return DittoChange.delta(
        "c", id, Map.of("_id", id, "v", v), List.of(paths), List.of(), 0, null);
  }

  @Test
  void deltasStayDeltasWithTheUnionOfTheirPathsUntilAFullWrite() {
    assertEquals(
        List.of(
            new FinalOp.Upsert(
                "a", Map.of("_id", "a", "v", 2), List.of(), false, List.of("x", "y"), "src")),
        BatchCollapser.collapse(List.of(delta("a", 1, "x"), delta("a", 2, "y").withOrigin("src"))));
    assertEquals(
        List.of(new FinalOp.Upsert("a", Map.of("_id", "a", "v", 3), List.of(), false)),
        BatchCollapser.collapse(
            List.of(
                delta("a", 1, "x"),
                up("a", Map.of("_id", "a", "v", 2), List.of(), false),
                delta("a", 3, "y"))),
        "after a full upsert the latest document is written whole");
    assertEquals(
        List.of(new FinalOp.Upsert("a", Map.of("_id", "a", "v", 2), List.of(), true)),
        BatchCollapser.collapse(List.of(del("a"), delta("a", 2, "y"))),
        "a delta after a delete recreates the document exactly");
  }

  @Test
  void touchesWriteNothingAndLeaveTheOthersAlone() {
    DittoChange touch = DittoChange.touch("c", "a", 0, null);
    assertEquals(List.of(), BatchCollapser.collapse(List.of(touch)));
    assertEquals(
        List.of(new FinalOp.Delete("a")), BatchCollapser.collapse(List.of(del("a"), touch)));
  }
}
