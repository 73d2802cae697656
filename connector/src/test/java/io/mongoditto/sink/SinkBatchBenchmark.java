package io.mongoditto.sink;

import io.mongoditto.change.DittoChange;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.localditto.LocalDitto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Micro-benchmark, not a test: prints documents/s the sink's writer reaches against the local
 * (real) Ditto for several batch sizes. Run with {@code mvn -pl connector -am test
 * -Dtest=SinkBatchBenchmark -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false} and read
 * connector/target/surefire-reports/io.mongoditto.sink.SinkBatchBenchmark-output.txt.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class SinkBatchBenchmark {

  private static Map<String, Object> product(int n, int version) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("_id", "p-" + n);
    d.put("name", "Zava product " + n + " v" + version);
    d.put("description", "A reasonably sized product description for benchmarking, number " + n);
    d.put("price", 9.99 + n % 100);
    d.put("category", Map.of("id", (long) (n % 20), "name", "Category " + n % 20));
    d.put("tags", List.of("a", "b", "c" + n % 7));
    d.put("dimensions", Map.of("w", 10L, "h", 20L, "d", (long) (n % 30)));
    return d;
  }

  @Test
  void documentsPerSecondByBatchSize() {
    try (LocalDitto ditto = LocalDitto.start()) {
      DittoHttpClient client = LocalDittoHttp.client(ditto, ApiVersion.V5, Duration.ofSeconds(60));
      CollectionWriter writer =
          new CollectionWriter(client, new SinkMetrics(null), WriterSettings.defaults());
      System.out.printf("%-10s %-8s %-8s %10s %12s%n", "batch", "replace", "docs", "ms", "docs/s");
      for (boolean replace : new boolean[] {false, true}) {
        for (int batch : new int[] {1, 100, 500, 1000}) {
          int total = batch == 1 ? 1000 : 10_000;
          String collection = "bench_" + batch + (replace ? "_r" : "");
          // a first pass inserts, the measured second pass updates existing documents (the steady
          // state)
          for (int pass = 0; pass < 2; pass++) {
            long start = System.nanoTime();
            for (int from = 0; from < total; from += batch) {
              List<DittoChange> changes = new ArrayList<>(batch);
              for (int n = from; n < Math.min(total, from + batch); n++) {
                changes.add(
                    DittoChange.upsert(
                        collection, "p-" + n, product(n, pass), List.of(), replace, 0, null));
              }
              writer.apply(collection, BatchCollapser.collapse(changes));
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (pass == 1) {
              System.out.printf(
                  "%-10d %-8s %-8d %10d %12.0f%n",
                  batch, replace, total, ms, total * 1000.0 / Math.max(1, ms));
            }
          }
        }
      }
    }
  }

  /**
   * Batch 500, the {@code _id IN :ids} lists cut to several lengths (0 = one list per batch):
   * replaces (SELECT + upsert), replaces dropping a field (SELECT + UNSET + upsert), deletes. Each
   * configuration runs twice on its own collection and the second round is printed.
   */
  @Test
  void inListLength() {
    int batch = 500;
    int total = 10_000;
    try (LocalDitto ditto = LocalDitto.start()) {
      DittoHttpClient client = LocalDittoHttp.client(ditto, ApiVersion.V5, Duration.ofSeconds(60));
      System.out.printf(
          "%-8s %14s %18s %12s%n", "in-list", "replace d/s", "replace+unset d/s", "delete d/s");
      for (int round = 0; round < 2; round++) {
        for (int chunk : new int[] {250, 0, 100, 50, 20}) {
          CollectionWriter writer =
              new CollectionWriter(
                  client,
                  new SinkMetrics(null),
                  WriterSettings.defaults().withIdsPerStatement(chunk));
          String collection = "in_" + chunk + "_" + round;
          run(
              writer,
              collection,
              total,
              batch,
              n ->
                  DittoChange.upsert(
                      collection, "p-" + n, product(n, 0), List.of(), false, 0, null));
          double replace =
              run(
                  writer,
                  collection,
                  total,
                  batch,
                  n ->
                      DittoChange.upsert(
                          collection, "p-" + n, product(n, 1), List.of(), true, 0, null));
          double unset =
              run(
                  writer,
                  collection,
                  total,
                  batch,
                  n -> {
                    Map<String, Object> d = product(n, 2);
                    d.remove("description");
                    return DittoChange.upsert(collection, "p-" + n, d, List.of(), true, 0, null);
                  });
          double delete =
              run(
                  writer,
                  collection,
                  total,
                  batch,
                  n -> DittoChange.delete(collection, "p-" + n, 0, null));
          if (round == 1) {
            System.out.printf(
                "%-8s %14.0f %18.0f %12.0f%n", chunk == 0 ? "all" : chunk, replace, unset, delete);
          }
        }
      }
    }
  }

  /**
   * Batch 500, 10,000 existing documents: deltas setting one scalar, deltas setting one nested
   * scalar, and (for comparison) plain merge upserts of the whole document. Each runs twice on its
   * own collection and the second round is printed. Since every v5 delta reads the stored documents
   * (see CollectionWriter#needsStored) a delta costs about what a replace does.
   */
  @Test
  void deltas() {
    int batch = 500;
    int total = 10_000;
    try (LocalDitto ditto = LocalDitto.start()) {
      DittoHttpClient client = LocalDittoHttp.client(ditto, ApiVersion.V5, Duration.ofSeconds(60));
      CollectionWriter writer =
          new CollectionWriter(client, new SinkMetrics(null), WriterSettings.defaults());
      System.out.printf("%-6s %14s %14s %14s%n", "round", "merge d/s", "delta d/s", "nested d/s");
      for (int round = 0; round < 2; round++) {
        String collection = "delta_" + round;
        run(
            writer,
            collection,
            total,
            batch,
            n -> DittoChange.upsert(collection, "p-" + n, product(n, 0), List.of(), true, 0, null));
        double merge =
            run(
                writer,
                collection,
                total,
                batch,
                n ->
                    DittoChange.upsert(
                        collection, "p-" + n, product(n, 1), List.of(), false, 0, null));
        double delta =
            run(
                writer,
                collection,
                total,
                batch,
                n ->
                    DittoChange.delta(
                        collection, "p-" + n, product(n, 2), List.of("name"), List.of(), 0, null));
        double nested =
            run(
                writer,
                collection,
                total,
                batch,
                n -> {
                  Map<String, Object> d = product(n, 2);
                  d.put("dimensions", Map.of("w", 11L, "h", 20L, "d", (long) (n % 30)));
                  return DittoChange.delta(
                      collection, "p-" + n, d, List.of("dimensions.w"), List.of(), 0, null);
                });
        if (round == 1) {
          System.out.printf("%-6d %14.0f %14.0f %14.0f%n", round, merge, delta, nested);
        }
      }
    }
  }

  private static double run(
      CollectionWriter writer,
      String collection,
      int total,
      int batch,
      java.util.function.IntFunction<DittoChange> change) {
    long start = System.nanoTime();
    for (int from = 0; from < total; from += batch) {
      List<DittoChange> changes = new ArrayList<>(batch);
      for (int n = from; n < Math.min(total, from + batch); n++) {
        changes.add(change.apply(n));
      }
      writer.apply(collection, BatchCollapser.collapse(changes));
    }
    return total * 1e9 / Math.max(1, System.nanoTime() - start);
  }
}
