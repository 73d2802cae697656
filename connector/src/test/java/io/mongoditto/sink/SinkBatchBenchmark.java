package io.mongoditto.sink;

import io.mongoditto.change.DittoChange;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.RetryPolicy;
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
 * (real) Ditto for several batch sizes. Run with
 * {@code mvn -pl connector -am test -Dtest=SinkBatchBenchmark -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false}
 * and read connector/target/surefire-reports/io.mongoditto.sink.SinkBatchBenchmark-output.txt.
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
      DittoHttpClient client = new DittoHttpClient(new DittoHttpClient.Settings(ditto.endpoint(), ditto.apiKey(),
          ApiVersion.V5, Duration.ofSeconds(60), RetryPolicy.defaults(), false));
      CollectionWriter writer = new CollectionWriter(client, new SinkCounters(), false);
      System.out.printf("%-10s %-8s %-8s %10s %12s%n", "batch", "replace", "docs", "ms", "docs/s");
      for (boolean replace : new boolean[] {false, true}) {
        for (int batch : new int[] {1, 100, 500, 1000}) {
          int total = batch == 1 ? 1000 : 10_000;
          String collection = "bench_" + batch + (replace ? "_r" : "");
          // a first pass inserts, the measured second pass updates existing documents (the steady state)
          for (int pass = 0; pass < 2; pass++) {
            long start = System.nanoTime();
            for (int from = 0; from < total; from += batch) {
              List<DittoChange> changes = new ArrayList<>(batch);
              for (int n = from; n < Math.min(total, from + batch); n++) {
                changes.add(DittoChange.upsert(collection, "p-" + n, product(n, pass), List.of(), replace, 0, null));
              }
              writer.apply(collection, BatchCollapser.collapse(changes));
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (pass == 1) {
              System.out.printf("%-10d %-8s %-8d %10d %12.0f%n", batch, replace, total, ms, total * 1000.0 / Math.max(1, ms));
            }
          }
        }
      }
    }
  }
}
