package io.mongoditto.sink;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures what this JVM logs (slf4j-simple writes each line to the current {@code System.err})
 * while it is open, still passing it on. For tests that check log lines: retry warnings, secrets,
 * the consumer's eviction warning.
 */
final class LogCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final List<String> lines = new ArrayList<>();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  LogCapture() {
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            original.write(b);
            synchronized (lines) {
              if (b == '\n') {
                lines.add(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
              } else {
                pending.write(b);
              }
            }
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** The complete lines captured so far. */
  List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  List<String> linesContaining(String text) {
    return lines().stream().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
