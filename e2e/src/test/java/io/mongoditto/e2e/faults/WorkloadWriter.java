package io.mongoditto.e2e.faults;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A workload's writer thread for the two-way suites: one {@code step} at a time under {@code lock}
 * (the suite's faults may write through the same workload), about {@code opsPerSecond} steps a
 * second while {@code writing} holds; a step that throws is recorded in {@code errors}, not fatal.
 */
final class WorkloadWriter {

  private WorkloadWriter() {}

  static Thread thread(
      String name,
      AtomicBoolean writing,
      int opsPerSecond,
      Object lock,
      Runnable step,
      List<String> errors) {
    return new Thread(
        () -> {
          while (writing.get()) {
            try {
              synchronized (lock) {
                step.run();
              }
            } catch (RuntimeException e) {
              errors.add(name + ": " + e.getMessage());
            }
            Pause.millis(1000 / opsPerSecond);
          }
        },
        name);
  }
}
