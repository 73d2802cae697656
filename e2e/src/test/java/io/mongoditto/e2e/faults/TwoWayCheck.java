package io.mongoditto.e2e.faults;

import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The two-way suites' checks of both directions at once: MongoDB -> Ditto by {@link InvariantCheck}
 * (the reference mapping), Ditto -> MongoDB by the devices' own model ({@link DittoEdgeWorkload}),
 * waited for until both are clean twice in a row; and the per-direction part of their reports.
 * Shared by {@link TwoWayFaultSuiteIT} (Connect workers) and {@link EmbeddedRunnerTwoWayFaultIT}
 * (the embedded runner), so both deployments are held to the same checks.
 */
final class TwoWayCheck {

  /** Both directions compared once. */
  record Checked(InvariantCheck.Result forward, DittoEdgeWorkload.Result reverse) {
    boolean clean() {
      return forward.clean() && reverse.clean();
    }

    String summary() {
      return "MongoDB -> Ditto: " + forward.summary() + "; Ditto -> MongoDB: " + reverse.summary();
    }

    /** The documents either direction found different ("collection/id ..."), at most 10. */
    List<String> differing() {
      List<String> all = new ArrayList<>();
      for (List<String> l :
          List.of(
              forward.lost(),
              forward.stale(),
              forward.extra(),
              reverse.lost(),
              reverse.stale(),
              reverse.extra())) {
        all.addAll(l);
      }
      return all.subList(0, Math.min(10, all.size()));
    }
  }

  private final InvariantCheck invariant;
  private final DittoEdgeWorkload devices;
  private final MongoDatabase db;

  TwoWayCheck(InvariantCheck invariant, DittoEdgeWorkload devices, MongoDatabase db) {
    this.invariant = invariant;
    this.devices = devices;
    this.db = db;
  }

  Checked check() {
    return new Checked(invariant.check(), devices.check(db));
  }

  /**
   * Checks until both directions are clean twice in a row or {@code seconds} pass; returns the last
   * check (null if none could read both sides).
   *
   * @param beforeEach run before every check (fails the test when the pipeline failed)
   * @param log progress lines (every tenth check, and the outcome)
   */
  Checked awaitConverged(int seconds, Runnable beforeEach, Consumer<String> log) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    Checked last = null;
    int cleanInARow = 0;
    int checks = 0;
    while (System.nanoTime() < deadline) {
      beforeEach.run();
      try {
        last = check();
      } catch (RuntimeException e) {
        // a check that cannot read a side (a fault's aftermath) is retried; its cause is logged
        if (++checks % 10 == 1) {
          log.accept("converging: check failed: " + e);
        }
        Pause.millis(1000);
        continue;
      }
      cleanInARow = last.clean() ? cleanInARow + 1 : 0;
      if (++checks % 10 == 1) {
        log.accept("converging: " + last.summary());
      }
      if (cleanInARow >= 2) {
        return last;
      }
      Pause.millis(1000);
    }
    log.accept(
        "not converged after " + seconds + " s: " + (last == null ? "no check" : last.summary()));
    return last;
  }

  /** The report's "MongoDB -> Ditto" counts. */
  static void appendForward(StringBuilder report, ZavaWorkload workload, Checked after) {
    report.append("--- MongoDB -> Ditto\n");
    report
        .append("changes: ")
        .append(workload.changes())
        .append(' ')
        .append(workload.changesByKind())
        .append('\n');
    report.append("documents checked: ").append(after.forward().checked()).append('\n');
    report.append("lost: ").append(after.forward().lost().size()).append('\n');
    report.append("stale: ").append(after.forward().stale().size()).append('\n');
    report.append("extra: ").append(after.forward().extra().size()).append('\n');
  }

  /** The report's "Ditto -> MongoDB" counts. */
  static void appendReverse(StringBuilder report, DittoEdgeWorkload devices, Checked after) {
    report.append("--- Ditto -> MongoDB\n");
    report
        .append("changes: ")
        .append(devices.changes())
        .append(' ')
        .append(devices.changesByKind())
        .append('\n');
    report.append("documents checked: ").append(after.reverse().checked()).append('\n');
    report.append("lost: ").append(after.reverse().lost().size()).append('\n');
    report.append("stale: ").append(after.reverse().stale().size()).append('\n');
    report.append("extra: ").append(after.reverse().extra().size()).append('\n');
  }

  /** The report's loop check: writes on either side during the quiet period. */
  static void appendLoopCheck(StringBuilder report, QuietPeriod.Result quiet, int quietSeconds) {
    report
        .append("--- loop check (")
        .append(quietSeconds)
        .append(" s quiet period after convergence)\n");
    report
        .append("MongoDB writes: ")
        .append(quiet.mongoChanges().size())
        .append(' ')
        .append(quiet.mongoChanges().subList(0, Math.min(5, quiet.mongoChanges().size())))
        .append('\n');
    report.append("Ditto writes (CDC events): ").append(quiet.cdcEvents()).append('\n');
  }
}
