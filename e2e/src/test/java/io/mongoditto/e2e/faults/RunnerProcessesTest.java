package io.mongoditto.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner fault tests confirm their kills from the runner's status line (the format of the cli
 * module's {@code StatusLine}, after the time of day): a parse that never matches would let a kill
 * pass unconfirmed or a wait run into its timeout, so it is pinned here.
 */
class RunnerProcessesTest {

  @TempDir Path dir;

  @Test
  void theLatestStatusLineGivesWhatBothDirectionsApplied() throws Exception {
    Path log = dir.resolve("runner-1.log");
    Files.writeString(
        log,
        String.join(
            "\n",
            "Ditto -> MongoDB: localhost:9092 topic ditto-cdc -> mongodb (collections: orders)",
            "12:00:01 MongoDB -> Ditto: applied nothing yet | Ditto -> MongoDB: applied 0,"
                + " echoes 0, conflicts 0",
            "12:00:02 MongoDB -> Ditto: applied stores=3 order_items=5, lag 0.1 s | Ditto ->"
                + " MongoDB: applied 12, echoes 40, conflicts 0, lag 0.3 s, dead letters 1 (x)",
            "some later log line"));
    RunnerProcesses.Status status = RunnerProcesses.status(log).orElseThrow();
    assertEquals(new RunnerProcesses.Status(8, 12, 40), status);
    assertTrue(RunnerProcesses.applying(log));
  }

  @Test
  void aRunnerThatAppliedNothingYetIsNotApplying() throws Exception {
    Path log = dir.resolve("runner-2.log");
    Files.writeString(log, "12:00:01 MongoDB -> Ditto: applied nothing yet\n");
    assertEquals(new RunnerProcesses.Status(0, 0, 0), RunnerProcesses.status(log).orElseThrow());
    assertFalse(RunnerProcesses.applying(log));
    assertTrue(RunnerProcesses.status(dir.resolve("none.log")).isEmpty());
  }
}
