package io.mongoditto.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.SweepMarker;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** When a sweep's deletes may run, what it keeps, and where it holds commits. */
class OpenSweepsTest {

  private static final TopicPartition TP = new TopicPartition("t", 0);

  private static SweepMarker marker(SweepMarker.Phase phase, String epoch) {
    return new SweepMarker("c", phase, epoch, 0, 1, "src");
  }

  @Test
  void anEndedSweepIsDueOnlyOnceCaughtUpAndAfterItsGrace() {
    OpenSweeps sweeps = new OpenSweeps();
    assertTrue(sweeps.start(TP, "c", marker(SweepMarker.Phase.START, "e"), 10));
    sweeps.touched(TP, "c", "kept");
    OpenSweeps.Sweep s = sweeps.end(TP, "c", marker(SweepMarker.Phase.END, "e"), 1_000);
    assertNull(
        sweeps.end(TP, "c", marker(SweepMarker.Phase.END, "e"), 1_500), "a second end is none");
    sweeps.touched(TP, "c", "touched-after-the-end");
    assertEquals(List.of(), sweeps.due(1_999, true, 1_000), "grace not passed");
    assertEquals(List.of(), sweeps.due(2_000, false, 1_000), "not caught up");
    assertEquals(List.of(s), sweeps.due(2_000, true, 1_000));
    assertEquals(1_000, sweeps.untilNextGraceEnds(1_000, 1_000));
    assertEquals(OpenSweeps.Verdict.KEEP, s.verdict("kept"));
    assertEquals(OpenSweeps.Verdict.KEEP, s.verdict("touched-after-the-end"));
    assertEquals(OpenSweeps.Verdict.DELETE, s.verdict("gone"));
    assertEquals(10L, sweeps.commitLimit(TP), "a waiting sweep still holds the commits");
    assertTrue(sweeps.finish(s));
    assertNull(sweeps.commitLimit(TP));
    assertEquals(0, sweeps.waiting());
  }

  @Test
  void aNewCopysStartReplacesTheOpenSweepOfItsSlot() {
    OpenSweeps sweeps = new OpenSweeps();
    sweeps.start(TP, "c", marker(SweepMarker.Phase.START, "old"), 1);
    OpenSweeps.Sweep old = sweeps.end(TP, "c", marker(SweepMarker.Phase.END, "old"), 0);
    assertFalse(
        sweeps.start(TP, "c", marker(SweepMarker.Phase.START, "old"), 5), "the same copy again");
    assertTrue(sweeps.start(TP, "c", marker(SweepMarker.Phase.START, "new"), 7));
    assertEquals(List.of(), sweeps.due(Long.MAX_VALUE, true, 0), "the old one is gone");
    assertFalse(sweeps.finish(old));
    assertEquals(7L, sweeps.commitLimit(TP));
  }

  @Test
  void integersBeyondTwoToThe53AreComparedByTheirDouble() {
    assertEquals(SweepIds.key(9_007_199_254_740_993L), SweepIds.key(9_007_199_254_740_992L));
    assertEquals(SweepIds.key(9_007_199_254_740_993L), SweepIds.key(9.007199254740992E15));
    assertNotEquals(SweepIds.key(9_007_199_254_740_991L), SweepIds.key(9_007_199_254_740_990L));
    assertEquals(SweepIds.key(7), SweepIds.key(7.0));
    assertFalse(SweepIds.exact(9_007_199_254_740_992L));
    assertFalse(SweepIds.exact(java.util.Map.of("n", 9_007_199_254_740_993L)));
    assertTrue(SweepIds.exact(9_007_199_254_740_991L));
    assertTrue(SweepIds.exact("9007199254740993"));

    OpenSweeps sweeps = new OpenSweeps();
    sweeps.start(TP, "c", new SweepMarker("c", SweepMarker.Phase.START, "e", 0, 2, "src"), 0);
    OpenSweeps.Sweep s =
        sweeps.end(TP, "c", new SweepMarker("c", SweepMarker.Phase.END, "e", 0, 2, "src"), 0);
    assertEquals(OpenSweeps.Verdict.UNDECIDED, s.verdict(9_007_199_254_740_992L));
  }
}
