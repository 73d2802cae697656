package io.mongoditto.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The benchmark command ({@code scripts/bench.sh [--scale S | --full] [--only
 * sync,kafka,lag,reverse]}): prints the machine and a Markdown table of the figures on stdout,
 * progress on stderr.
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Machine machine = Machine.current();
    ResultTable table = new Bench(options, System.err).run();
    System.out.println(
        "Command: " + System.getProperty("bench.command", "BenchMain " + String.join(" ", args)));
    System.out.println("Run at: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
    System.out.println("Machine: " + machine.describe());
    System.out.println();
    System.out.print(table.markdown());
    System.out.flush();
    // Connect's and the engine's non-daemon threads must not keep the command alive.
    System.exit(0);
  }
}
