package io.mongoditto.tools;

import io.mongoditto.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Keeps a local server of {@code local-mongo} or {@code local-ditto} up until Ctrl-C. */
final class LocalServers {

  private LocalServers() {}

  /**
   * Prints {@code lines} and keeps a local server up until Ctrl-C, then closes it (a shutdown hook:
   * picocli returns only once the JVM is told to exit).
   */
  static int serveUntilInterrupted(
      AutoCloseable server, String name, PrintWriter out, List<String> lines)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    System.err.println("stopping " + name + ": " + e);
                  }
                  stopped.countDown();
                },
                name + "-shutdown"));
    lines.forEach(out::println);
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
