package io.mongoditto.cli.verify;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.mongoditto.cli.config.CollectionsConfig;
import io.mongoditto.mapping.IdMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.bson.Document;

/**
 * Proves a freshly started pipeline streams every collection, by round-tripping one probe
 * document per collection through MongoDB and Ditto, then deleting it again. A change stream
 * without a stored offset starts "now", when it opens: writes made before that would never be
 * delivered, so a demo or test must not load data before this returns. Meant for empty
 * collections (it watches the Ditto count go from 0 to 1 and back).
 */
public final class PipelineProbe {

  public static final String PROBE_ID = "mongo-ditto-probe";

  private PipelineProbe() {}

  /**
   * @param running false once the pipeline died (stop waiting)
   * @throws IllegalStateException when a probe did not arrive (or leave) within the timeout
   */
  public static void awaitStreaming(MongoDatabase db, SyncVerifier verifier, List<CollectionsConfig.Entry> synced,
      Duration timeout, BooleanSupplier running) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<CollectionsConfig.Entry> waiting = new ArrayList<>(synced);
    for (int attempt = 1; !waiting.isEmpty(); attempt++) {
      // Rewritten until it arrives: a write made before its stream opened is never delivered.
      for (CollectionsConfig.Entry e : waiting) {
        Document probe = new Document("_id", PROBE_ID).append("probe", attempt);
        if (e.mapping().idMode() != IdMode.MATCH_IDS) {
          e.mapping().idFields().forEach(f -> probe.append(f, -1));
        }
        db.getCollection(e.name()).replaceOne(Filters.eq("_id", PROBE_ID), probe, new ReplaceOptions().upsert(true));
      }
      long recheckUntil = System.nanoTime() + Duration.ofMillis(1000).toNanos();
      while (!waiting.isEmpty() && System.nanoTime() < recheckUntil) {
        Thread.sleep(100);
        waiting.removeIf(e -> verifier.dittoCount(e.mapping().dittoCollection()) > 0);
      }
      if (!waiting.isEmpty() && (System.nanoTime() > deadline || !running.getAsBoolean())) {
        throw new IllegalStateException("the sync did not deliver a probe document to " + waiting.get(0).name()
            + " within " + timeout.toSeconds() + " s");
      }
    }
    for (CollectionsConfig.Entry e : synced) {
      db.getCollection(e.name()).deleteOne(Filters.eq("_id", PROBE_ID));
    }
    for (CollectionsConfig.Entry e : synced) {
      while (verifier.dittoCount(e.mapping().dittoCollection()) > 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the probe document of " + e.name() + " was not deleted in Ditto in time");
        }
        Thread.sleep(100);
      }
    }
  }
}
