package io.mongoditto.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole harness at a minuscule scale (about 700 documents, 500 streamed inserts and 500 CDC
 * upserts, 2 s lag runs in each direction): every row is there and measured something. Targets are
 * not asserted: at this size the figures are dominated by start-up and JIT warm-up;
 * scripts/bench.sh is where they mean something.
 */
class BenchSmokeTest {

  @Test
  @Timeout(300)
  void everyFigureIsMeasured() throws Exception {
    BenchOptions options =
        new BenchOptions(
            0.001,
            500,
            Duration.ofSeconds(2),
            1_000,
            Set.of(),
            Path.of(System.getProperty("bench.plugin.dir", "target/plugins")),
            "512m",
            java.util.Map.of());

    ResultTable table = new Bench(options, System.err).run();
    System.err.print(table.markdown());

    List<Row> rows = table.rows();
    List<String> figures = rows.stream().map(Row::figure).toList();
    assertEquals(13, rows.size(), () -> "rows: " + figures);
    for (String expected :
        List.of(
            "Data:",
            "Limit: raw driver find()",
            "Limit: raw change stream",
            "Limit: raw Ditto batched write",
            "Initial sync, embedded",
            "Peak heap",
            "Source streaming into Kafka",
            "Source streaming vs mongo-kafka",
            "Source copying into Kafka",
            "Source copying vs mongo-kafka",
            "End-to-end lag",
            "Ditto -> MongoDB applied",
            "Ditto -> MongoDB lag")) {
      assertTrue(
          figures.stream().anyMatch(f -> f.startsWith(expected)),
          () -> expected + " missing from " + figures);
    }
    for (Row row : rows) {
      assertFalse(
          Double.isNaN(row.measured()), () -> row.figure() + " measured nothing: " + row.note());
      assertTrue(row.measured() > 0, () -> row.figure() + " is not positive: " + row.value());
      assertFalse(row.value().equals("failed"), () -> row.figure() + " failed: " + row.note());
    }
    String markdown = table.markdown();
    assertEquals(
        rows.size() + 2, markdown.lines().count(), "header, separator and one line per row");
  }

  @Test
  void optionsParseTheCommandLine() {
    BenchOptions full = BenchOptions.parse(new String[] {"--full"});
    assertEquals(1.0, full.scale());
    assertEquals(Duration.ofSeconds(60), full.lagDuration());
    BenchOptions scaled =
        BenchOptions.parse(new String[] {"--scale", "0.05", "--only", "kafka,lag"});
    assertEquals(0.05, scaled.scale());
    assertEquals(Duration.ofSeconds(15), scaled.lagDuration());
    assertTrue(scaled.runs("kafka") && scaled.runs("lag") && !scaled.runs("sync"));
    assertTrue(BenchOptions.parse(new String[0]).runs("sync"));
    BenchOptions reverse = BenchOptions.parse(new String[] {"--only", "reverse"});
    assertTrue(reverse.runs("reverse") && !reverse.runs("lag") && !reverse.runs("kafka"));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> BenchOptions.parse(new String[] {"--only", "everything"}));
    BenchOptions tuned =
        BenchOptions.parse(new String[] {"--setting", "snapshot.chunk.size=20000"});
    assertEquals(java.util.Map.of("snapshot.chunk.size", "20000"), tuned.sourceSettings());
    assertEquals(
        tuned.sourceSettings(),
        EmbeddedSyncRun.decode(EmbeddedSyncRun.encode(tuned.sourceSettings())));
  }
}
