package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

  @Test
  void plainModePrintsCountRateEtaAndOnlyWhatMoved() {
    StringWriter sw = new StringWriter();
    AtomicLong now = new AtomicLong(0);
    ProgressDisplay d =
        new ProgressDisplay(new PrintWriter(sw), false, Duration.ofHours(1), now::get);
    d.update("orders", 0, 200_000);
    d.update("stores", 0, 8);
    now.set(10_000_000_000L); // 10 s later
    d.update("orders", 50_000, 200_000);
    d.finish("stores", 8);
    d.close();
    String out = sw.toString();
    assertTrue(out.contains("50,000 / 200,000 ( 25%)"), out);
    assertTrue(out.contains("5,000 docs/s"), out);
    assertTrue(out.contains("ETA 30s"), out);
    assertTrue(out.matches("(?s).*stores\\s+8 / 8 \\(100%\\).*done.*"), out);
    assertEquals(2, out.lines().count(), out);
    assertTrue(!out.contains("\033["), "no terminal escapes when not a terminal");
  }

  @Test
  void durations() {
    assertEquals("59s", ProgressDisplay.formatDuration(59));
    assertEquals("2m05s", ProgressDisplay.formatDuration(125));
    assertEquals("1h01m", ProgressDisplay.formatDuration(3_660));
  }
}
