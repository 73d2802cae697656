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
}
