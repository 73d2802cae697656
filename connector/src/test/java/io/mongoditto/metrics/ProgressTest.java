package io.mongoditto.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate, ETA and percentage arithmetic of snapshot progress, on a clock the test moves. */
class ProgressTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void arithmetic() {
    assertEquals(250.0, Progress.rate(1000, 4 * SECOND), 1e-9);
    assertEquals(0.0, Progress.rate(1000, 0), "no time passed: no rate rather than infinity");
    assertEquals(0.0, Progress.rate(0, 4 * SECOND));
    assertEquals(4, Progress.etaSeconds(1000, 250.0));
    assertEquals(5, Progress.etaSeconds(1001, 250.0), "rounded up: never claims done early");
    assertEquals(0, Progress.etaSeconds(0, 250.0));
    assertEquals(0, Progress.etaSeconds(-5, 250.0), "more copied than the estimate: nothing left");
    assertEquals(Progress.UNKNOWN, Progress.etaSeconds(10, 0.0));
    assertEquals(25.0, Progress.percent(250, 1000, false), 1e-9);
    assertEquals(
        100.0,
        Progress.percent(1200, 1000, false),
        1e-9,
        "an estimate that was too low caps at 100");
    assertEquals(0.0, Progress.percent(0, 0, false));
    assertEquals(
        100.0, Progress.percent(0, 0, true), "an empty collection is complete once copied");
  }

  @Test
  void aCopyReportsRateAndEtaOfThisRunAndReaches100Percent() {
    AtomicLong clock = new AtomicLong(42 * SECOND);
    Progress p = new Progress(clock::get);
    assertFalse(p.started());
    assertEquals(Progress.UNKNOWN, p.etaSeconds());

    p.start(10_000, 0);
    assertEquals(Progress.UNKNOWN, p.etaSeconds(), "nothing copied yet");
    clock.addAndGet(2 * SECOND);
    p.add(1_000);
    assertEquals(500.0, p.rate(), 1e-9);
    assertEquals(10.0, p.percent(), 1e-9);
    assertEquals(18, p.etaSeconds(), "9,000 left at 500/s");

    clock.addAndGet(18 * SECOND);
    p.add(9_000);
    assertEquals(100.0, p.percent(), 1e-9);
    assertEquals(0, p.etaSeconds());
    p.finish();
    clock.addAndGet(100 * SECOND);
    assertTrue(p.finished());
    assertEquals(500.0, p.rate(), 1e-9, "the rate is frozen when the copy ends");
    assertEquals(10_000, p.done());
  }

  @Test
  void aResumedCopyCountsEarlierRunsForPercentButNotForRate() {
    AtomicLong clock = new AtomicLong();
    Progress p = new Progress(clock::get);
    p.start(1_000, 600);
    assertEquals(60.0, p.percent(), 1e-9);
    clock.addAndGet(SECOND);
    p.add(100);
    assertEquals(100.0, p.rate(), 1e-9, "only this run's 100 documents in 1 s");
    assertEquals(700, p.done());
    assertEquals(3, p.etaSeconds(), "300 left at 100/s");
  }
}
