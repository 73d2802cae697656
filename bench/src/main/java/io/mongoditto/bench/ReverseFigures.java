package io.mongoditto.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.localditto.LocalDitto;
import java.io.PrintStream;
import java.util.Locale;

/** The Ditto -> MongoDB rows: applied events/s against a raw bulk write, and lag. */
final class ReverseFigures {

  static final String APPLIED = "Ditto -> MongoDB applied (sink task)";
  static final String LAG = "Ditto -> MongoDB lag p50 / p99";

  private final BenchOptions options;
  private final PrintStream progress;

  ReverseFigures(BenchOptions options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  void add(
      ResultTable table,
      MongoClient client,
      String mongoUri,
      MongoDatabase zava,
      LocalDitto ditto) {
    step("reverse: sink task vs raw bulk write, up to %,d CDC upserts", options.streamEvents());
    try {
      table.add(
          appliedRow(
              ReverseApplyBench.run(
                  client,
                  mongoUri,
                  zava,
                  ditto.endpoint(),
                  ditto.apiKey(),
                  options.streamEvents())));
    } catch (RuntimeException e) {
      table.add(Row.failed(APPLIED, e.toString()));
    }
    step(
        "reverse: lag at %d changes/s for %d s through the local Ditto's CDC feed",
        options.lagRate(), options.lagDuration().toSeconds());
    try {
      table.add(
          lagRow(ReverseLagBench.run(client, mongoUri, options.lagRate(), options.lagDuration())));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      table.add(Row.failed(LAG, e.toString()));
    }
  }

  private static Row appliedRow(ReverseApplyBench.Outcome o) {
    if (o.problem() != null) {
      return Row.failed(APPLIED, o.problem());
    }
    return Row.atLeast(
        APPLIED,
        o.oursPerSecond(),
        "events/s",
        "raw bulk write",
        o.rawPerSecond(),
        0.7,
        ">= 0.7",
        String.format(
            Locale.ROOT,
            "%,d CDC upserts of Zava orders and order_items (%,d new documents, %,d updates),"
                + " %d per put(), against the driver's bulkWrite of the same MongoDB documents"
                + " (insertOne / replaceOne by _id) into the same starting state; the median of %d"
                + " rounds after a warm-up (ratios %.2f-%.2f; warm-up %.2f); %,d documents written,"
                + " %,d values written back to Ditto",
            o.events(),
            o.inserts(),
            o.events() - o.inserts(),
            ReverseApplyBench.PUT_BATCH,
            ReverseApplyBench.MEASURED_ROUNDS,
            o.lowestRatio(),
            o.highestRatio(),
            o.warmUpRatio(),
            o.written(),
            o.normalizations()));
  }

  private Row lagRow(ReverseLagBench.Outcome outcome) {
    LagBench.Result lag = outcome.fromWritten();
    LagBench.Result sent = outcome.fromSent();
    String figure =
        String.format(
            Locale.ROOT,
            "%s at %,d changes/s for %d s",
            LAG,
            options.lagRate(),
            options.lagDuration().toSeconds());
    if (lag.lagsMillis().length == 0) {
      return Row.failed(figure, lag.problem());
    }
    double p99 = lag.percentile(99);
    String note =
        String.format(
            Locale.ROOT,
            "from Ditto's reply to a write (the change is in Ditto) to the document read from a"
                + " MongoDB change stream; new documents written into the local Ditto over HTTP (50"
                + " per request every 50 ms, up to 4 requests in flight, not waiting for replies),"
                + " its CDC feed (in-process broker, 3 partitions), one consumer with Connect's"
                + " defaults handing each poll to the sink task; Ditto took %,.0f changes/s; from"
                + " the request's due time instead: %.0f ms / %.0f ms%s",
            lag.achievedRate(),
            sent.percentile(50),
            sent.percentile(99),
            lag.problem() == null ? "" : "; " + lag.problem());
    return new Row(
        figure,
        p99,
        String.format(Locale.ROOT, "%.0f ms / %.0f ms", lag.percentile(50), p99),
        "",
        "",
        "p99 < 1 s",
        p99 < 1000 && lag.problem() == null ? "pass" : "MISSED",
        note);
  }

  private void step(String format, Object... args) {
    progress.printf("[bench] " + format + "%n", args);
    progress.flush();
  }
}
