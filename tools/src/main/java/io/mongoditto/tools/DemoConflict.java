package io.mongoditto.tools;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongoditto.cli.UserException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DittoResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.bson.Document;

/**
 * The demo's conflict: the same inventory document's count edited in MongoDB (the back office) and
 * by a store device in Ditto at the same moment. Ditto decides (docs/design.md, "the rule that
 * decides"): MongoDB's edit reaches Ditto, Ditto merges both, and MongoDB follows Ditto's result;
 * the demo shows which value both sides settled on.
 */
final class DemoConflict {

  /** How it ended: both sides' values once they agree (null: they never did within the wait). */
  record Outcome(
      String inventoryId, int mongoWrote, int deviceWrote, Integer mongoNow, Integer dittoNow) {

    boolean settled() {
      return mongoNow != null && mongoNow.equals(dittoNow);
    }

    String describe() {
      if (!settled()) {
        return String.format(
            Locale.ROOT,
            "inventory %s: MongoDB wrote stock_level %d, a device %d at the same moment; the sides"
                + " did not agree (MongoDB %s, Ditto %s)",
            inventoryId,
            mongoWrote,
            deviceWrote,
            mongoNow,
            dittoNow);
      }
      String winner =
          mongoNow == deviceWrote
              ? "the device's write, the later one in Ditto"
              : mongoNow == mongoWrote ? "MongoDB's write, the later one in Ditto" : "neither";
      return String.format(
          Locale.ROOT,
          "inventory %s: MongoDB wrote stock_level %d, a device %d at the same moment -> Ditto"
              + " decided %d (%s); MongoDB followed: both hold %d",
          inventoryId,
          mongoWrote,
          deviceWrote,
          dittoNow,
          winner,
          mongoNow);
    }
  }

  private DemoConflict() {}

  /** Both edits at once, then waits until both sides hold the same value. */
  static Outcome play(MongoDatabase db, DittoHttpClient ditto, Duration timeout)
      throws InterruptedException {
    MongoCollection<Document> inventory = db.getCollection(DemoDevices.INVENTORY);
    Document doc = inventory.find().sort(new Document("_id", -1)).first();
    if (doc == null) {
      throw new UserException("the demo has no inventory document to edit on both sides");
    }
    String id = String.valueOf(doc.get("_id"));
    int mongoWrote = 1000;
    int deviceWrote = 2000;
    CompletableFuture<Void> back =
        CompletableFuture.runAsync(
            () ->
                inventory.updateOne(Filters.eq("_id", id), Updates.set("stock_level", mongoWrote)));
    CompletableFuture<Void> device =
        CompletableFuture.runAsync(
            () ->
                ditto.execute(
                    "UPDATE inventory SET stock_level = :n WHERE _id = :id",
                    Map.of("n", deviceWrote, "id", id)));
    CompletableFuture.allOf(back, device).join();
    long deadline = System.nanoTime() + timeout.toNanos();
    Integer mongoNow = null;
    Integer dittoNow = null;
    int agreeingReads = 0;
    // Agreeing in two reads in a row: a value still on its way would show in one of them.
    while (System.nanoTime() < deadline && agreeingReads < 2) {
      Thread.sleep(250);
      mongoNow = stock(inventory.find(Filters.eq("_id", id)).first());
      DittoResponse r = ditto.execute("SELECT * FROM inventory WHERE _id = :id", Map.of("id", id));
      List<Map<String, Object>> items = r.items();
      dittoNow = items.isEmpty() ? null : stock(items.get(0).get("stock_level"));
      agreeingReads = mongoNow != null && mongoNow.equals(dittoNow) ? agreeingReads + 1 : 0;
    }
    return new Outcome(id, mongoWrote, deviceWrote, mongoNow, dittoNow);
  }

  private static Integer stock(Object value) {
    if (value instanceof Document d) {
      return stock(d.get("stock_level"));
    }
    return value instanceof Number n ? n.intValue() : null;
  }
}
