package io.mongoditto.mongosink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mongoditto.mapping.ReversePlan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StaleSinkWritesTest {

  private static final List<String> COUNT = List.of("count");
  private static final String KEY = AppliedTransactions.key("inventory", "i1");

  private final StaleSinkWrites stale = new StaleSinkWrites(10, null);

  @Test
  void aDevicesEditOfTheStaleValueTakesItOnce() {
    stale.gaveBack(KEY, List.of(new ReversePlan.Normalization(COUNT, 650, 593)));

    assertEquals(Set.of(COUNT), stale.takeStale(KEY, Map.of("count", 650), Map.of("count", 1)));
    assertEquals(
        Set.of(),
        stale.takeStale(KEY, Map.of("count", 650), Map.of("count", 1)),
        "taken, so forgotten");
    assertEquals(Map.of(KEY, Map.of()), stale.changes(), "the store is told it is gone");
  }

  @Test
  void aValueDittoNoLongerHoldsIsForgottenAndAnEditOfAnotherValueIsNoEditOfTheStaleOne() {
    stale.gaveBack(KEY, List.of(new ReversePlan.Normalization(COUNT, 650, 593)));
    stale.settle(KEY, Map.of("count", 650));
    assertEquals(Set.of(), stale.takeStale(KEY, Map.of("count", 12), Map.of("count", 1)));

    stale.settle(KEY, Map.of("count", 593)); // the give-back landed
    assertEquals(Set.of(), stale.takeStale(KEY, Map.of("count", 650), Map.of("count", 1)));
  }

  @Test
  void anEditLeavingTheStaleValueAloneTakesNothing() {
    stale.gaveBack(KEY, List.of(new ReversePlan.Normalization(COUNT, 650, 593)));

    assertEquals(
        Set.of(), stale.takeStale(KEY, Map.of("count", 650), Map.of("count", 650, "at", "y")));
    assertEquals(Set.of(COUNT), stale.takeStale(KEY, Map.of("count", 650), null), "a removal");
  }

  @Test
  void aPathTheSinksWriteLeftAbsentIsStaleUntilDittoHoldsAValueThere() {
    stale.gaveBack(KEY, List.of(ReversePlan.Normalization.fill(COUNT, 593)));

    assertEquals(
        Set.of(), stale.takeStale(KEY, Map.of("at", "x"), Map.of("at", "y")), "left absent");
    assertEquals(
        Set.of(COUNT),
        stale.takeStale(KEY, Map.of("at", "x"), Map.of("at", "x", "count", 1)),
        "a device set it on the gap");
    stale.gaveBack(KEY, List.of(ReversePlan.Normalization.fill(COUNT, 593)));
    stale.settle(KEY, Map.of("count", 593)); // the give-back landed
    assertEquals(Map.of(KEY, Map.of()), stale.changes());
  }

  @Test
  void aDevicesEditOfAValueNotAppliedIsTaken() {
    stale.notApplied(KEY, Map.of("count", 836, "at", "x"), List.of(COUNT));

    assertEquals(Map.of(KEY, Map.of(COUNT, 836)), stale.changes(), "the store is told");
    assertEquals(Set.of(COUNT), stale.takeStale(KEY, Map.of("count", 836), Map.of("count", 720)));
  }

  @Test
  void whatWasSavedIsNoChangeAnyMore() {
    stale.gaveBack(KEY, List.of(new ReversePlan.Normalization(COUNT, 650, 593)));
    assertEquals(Map.of(KEY, Map.of(COUNT, 650)), stale.changes());
    stale.saved();
    assertEquals(Map.of(), stale.changes());
    stale.settle(KEY, null); // Ditto removed the document
    assertEquals(Map.of(KEY, Map.of()), stale.changes());
  }
}
