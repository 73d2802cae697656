package io.mongoditto.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of long work, one line per item (a collection): count, rate and ETA. On a terminal the
 * lines are redrawn in place a few times a second; otherwise (a pipe, a CI log) plain lines are
 * printed every few seconds, and only for items that moved.
 */
public final class ProgressDisplay implements AutoCloseable {

  private static final int BAR_WIDTH = 24;

  private final PrintWriter out;
  private final boolean terminal;
  private final LongSupplier clock;
  private final Map<String, Line> lines = new LinkedHashMap<>();
  private final ScheduledExecutorService ticker;
  private int drawnLines;
  private boolean closed;

  private static final class Line {
    final long startedNanos;
    long done;
    long total;
    long printedDone = -1;
    boolean finished;
    boolean printedFinished;
    long finishedNanos;

    Line(long startedNanos) {
      this.startedNanos = startedNanos;
    }
  }

  public ProgressDisplay(PrintWriter out, boolean terminal, Duration plainInterval) {
    this(out, terminal, plainInterval, System::nanoTime);
  }

  ProgressDisplay(PrintWriter out, boolean terminal, Duration plainInterval, LongSupplier clock) {
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "progress-display");
              t.setDaemon(true);
              return t;
            });
    long periodMillis = terminal ? 250 : Math.max(100, plainInterval.toMillis());
    ticker.scheduleAtFixedRate(this::draw, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Whether this process writes to an interactive terminal. */
  public static boolean isTerminal() {
    String term = System.getenv("TERM");
    return System.console() != null && !"dumb".equals(term);
  }

  /** Sets an item's progress; {@code total} below 0 means unknown. */
  public synchronized void update(String item, long done, long total) {
    Line line = lines.computeIfAbsent(item, k -> new Line(clock.getAsLong()));
    line.done = done;
    line.total = total;
  }

  /** Marks an item complete (its line then shows the final count and average rate). */
  public synchronized void finish(String item, long done) {
    Line line = lines.computeIfAbsent(item, k -> new Line(clock.getAsLong()));
    line.done = done;
    line.total = done;
    if (!line.finished) {
      line.finished = true;
      line.finishedNanos = clock.getAsLong();
    }
  }

  private synchronized void draw() {
    if (closed) {
      return;
    }
    render();
  }

  private void render() {
    if (terminal) {
      StringBuilder sb = new StringBuilder();
      if (drawnLines > 0) {
        sb.append("\033[").append(drawnLines).append('A');
      }
      for (Map.Entry<String, Line> e : lines.entrySet()) {
        sb.append("\r\033[2K").append(format(e.getKey(), e.getValue(), true)).append('\n');
      }
      drawnLines = lines.size();
      out.print(sb);
    } else {
      for (Map.Entry<String, Line> e : lines.entrySet()) {
        Line line = e.getValue();
        if (line.done != line.printedDone || (line.finished && !line.printedFinished)) {
          out.println(format(e.getKey(), line, false));
          line.printedDone = line.done;
          line.printedFinished = line.finished;
        }
      }
    }
    out.flush();
  }

  String format(String item, Line line, boolean bar) {
    long now = line.finished ? line.finishedNanos : clock.getAsLong();
    double seconds = Math.max(1e-3, (now - line.startedNanos) / 1e9);
    double rate = line.done / seconds;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s", item));
    if (bar && line.total > 0) {
      int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * line.done / line.total);
      sb.append(" [").append("#".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append(']');
    }
    sb.append(String.format(Locale.ROOT, " %,10d", line.done));
    if (line.total > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              " / %,d (%3d%%)",
              line.total,
              Math.min(100, 100 * line.done / line.total)));
    }
    sb.append(String.format(Locale.ROOT, "  %,8.0f docs/s", rate));
    if (line.finished) {
      sb.append("  done");
    } else if (line.total > 0 && rate > 0 && line.done < line.total) {
      sb.append("  ETA ").append(formatDuration((long) ((line.total - line.done) / rate)));
    }
    return sb.toString();
  }

  static String formatDuration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + "m" + String.format("%02d", seconds % 60) + "s";
    }
    return (seconds / 3600) + "h" + String.format("%02d", (seconds % 3600) / 60) + "m";
  }

  /** Stops redrawing and prints the final state once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ticker.shutdownNow();
    render();
  }
}
