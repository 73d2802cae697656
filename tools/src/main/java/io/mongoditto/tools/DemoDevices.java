package io.mongoditto.tools;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.mongoditto.ditto.DittoHttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.bson.Document;

/**
 * The demo's store devices: writes that reach Ditto's server the way a device's sync delivers them
 * (here through Ditto's HTTP API, as the local Ditto has no peer-to-peer sync): new orders with
 * their order_items, inventory counts, and one deleted order item. {@link #awaitInMongo} then waits
 * until MongoDB holds all of it, through Ditto's CDC feed and the Ditto -> MongoDB direction.
 */
final class DemoDevices {

  static final String ORDERS = "orders";
  static final String ORDER_ITEMS = "order_items";
  static final String INVENTORY = "inventory";

  /** What the devices wrote, to look for in MongoDB. */
  record Played(
      List<Integer> orderIds,
      List<String> itemIds,
      Map<String, Integer> stockLevels,
      String deletedItemId) {

    int writes() {
      return orderIds.size() + itemIds.size() + stockLevels.size() + 1;
    }
  }

  private DemoDevices() {}

  /**
   * Plays {@code orders} new orders (one or two items each) at store 1, as many inventory count
   * changes, and deletes one existing order item.
   *
   * @param firstOrderId the first order number not in use
   */
  static Played play(
      DittoHttpClient ditto, MongoDatabase db, int orders, int firstOrderId, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed ^ 0xd1ce);
    List<Integer> orderIds = new ArrayList<>();
    List<String> itemIds = new ArrayList<>();
    for (int n = 0; n < orders; n++) {
      int orderId = firstOrderId + n;
      int lines = 1 + rnd.nextInt(2);
      for (int line = 1; line <= lines; line++) {
        String itemId = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("_id", itemId);
        item.put("order_id", orderId);
        item.put("product_id", 1 + rnd.nextInt(20));
        item.put("store_id", 1);
        item.put("quantity", 1 + rnd.nextInt(3));
        item.put("source", "store-device");
        ditto.execute("INSERT INTO order_items DOCUMENTS (:d)", Map.of("d", item));
        itemIds.add(itemId);
      }
      Map<String, Object> order = new LinkedHashMap<>();
      order.put("_id", orderId);
      order.put("order_id", orderId);
      order.put("customer_id", 1 + rnd.nextInt(100));
      order.put("store_id", 1);
      order.put("status", "new");
      order.put("item_count", lines);
      order.put("is_online", false);
      order.put("source", "store-device");
      ditto.execute("INSERT INTO orders DOCUMENTS (:d)", Map.of("d", order));
      orderIds.add(orderId);
    }
    Map<String, Integer> stock = new LinkedHashMap<>();
    for (Document d : db.getCollection(INVENTORY).find().limit(orders)) {
      String id = String.valueOf(d.get("_id"));
      int level = rnd.nextInt(0, 500);
      ditto.execute(
          "UPDATE inventory SET stock_level = :n WHERE _id = :id", Map.of("n", level, "id", id));
      stock.put(id, level);
    }
    Document victim =
        db.getCollection(ORDER_ITEMS).find(Filters.ne("source", "store-device")).first();
    String deleted = victim == null ? null : String.valueOf(victim.get("_id"));
    if (deleted != null) {
      ditto.execute("DELETE FROM order_items WHERE _id = :id", Map.of("id", deleted));
    }
    return new Played(orderIds, itemIds, stock, deleted);
  }

  /**
   * Waits until MongoDB holds every write of {@code played}; the new orders' MongoDB documents by
   * order id (with the {@code _id} MongoDB gave them), or null when the deadline passed first.
   */
  static Map<Integer, Document> awaitInMongo(MongoDatabase db, Played played, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    MongoCollection<Document> orders = db.getCollection(ORDERS);
    MongoCollection<Document> items = db.getCollection(ORDER_ITEMS);
    MongoCollection<Document> inventory = db.getCollection(INVENTORY);
    while (System.nanoTime() < deadline) {
      Map<Integer, Document> found = new LinkedHashMap<>();
      for (Document o : orders.find(Filters.in("order_id", played.orderIds()))) {
        found.put(o.getInteger("order_id"), o);
      }
      boolean done =
          found.size() == played.orderIds().size()
              && items.countDocuments(Filters.in("order_id", played.orderIds()))
                  == played.itemIds().size()
              && (played.deletedItemId() == null
                  || items.countDocuments(Filters.eq("_id", played.deletedItemId())) == 0);
      for (Map.Entry<String, Integer> e : played.stockLevels().entrySet()) {
        if (!done) {
          break;
        }
        Document d = inventory.find(Filters.eq("_id", e.getKey())).first();
        done =
            d != null && d.get("stock_level") instanceof Number n && n.intValue() == e.getValue();
      }
      if (done) {
        return found;
      }
      Thread.sleep(100);
    }
    return null;
  }

  /** One line of the Ditto -> MongoDB table: what the devices did, and what MongoDB shows of it. */
  record Row(String collection, String what, int expected, long found) {

    boolean ok() {
      return expected == found;
    }
  }

  /** What MongoDB holds of the devices' writes now. */
  static List<Row> verify(MongoDatabase db, Played played) {
    MongoCollection<Document> items = db.getCollection(ORDER_ITEMS);
    long counts = 0;
    for (Map.Entry<String, Integer> e : played.stockLevels().entrySet()) {
      Document d = db.getCollection(INVENTORY).find(Filters.eq("_id", e.getKey())).first();
      if (d != null && d.get("stock_level") instanceof Number n && n.intValue() == e.getValue()) {
        counts++;
      }
    }
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            ORDERS,
            "new",
            played.orderIds().size(),
            db.getCollection(ORDERS).countDocuments(Filters.in("order_id", played.orderIds()))));
    rows.add(
        new Row(
            ORDER_ITEMS,
            "new",
            played.itemIds().size(),
            // by their order: MongoDB keeps an id that looks like a UUID as a BSON UUID
            items.countDocuments(Filters.in("order_id", played.orderIds()))));
    rows.add(new Row(INVENTORY, "counts changed", played.stockLevels().size(), counts));
    if (played.deletedItemId() != null) {
      rows.add(
          new Row(
              ORDER_ITEMS,
              "deleted",
              1,
              1 - items.countDocuments(Filters.eq("_id", played.deletedItemId()))));
    }
    return rows;
  }

  /**
   * Writes one change into Ditto (store 1's marker) and polls MongoDB until it is there: the Ditto
   * -> MongoDB lag right now, in ms; -1 when it did not arrive within a minute.
   */
  static long measureLag(DittoHttpClient ditto, MongoDatabase db) throws InterruptedException {
    String marker = Long.toString(System.nanoTime());
    long t0 = System.nanoTime();
    ditto.execute(
        "UPDATE stores SET last_device_marker = :m WHERE _id = :id", Map.of("m", marker, "id", 1));
    long deadline = t0 + Duration.ofSeconds(60).toNanos();
    MongoCollection<Document> stores = db.getCollection("stores");
    while (System.nanoTime() < deadline) {
      Document d = stores.find(Filters.eq("store_id", 1)).first();
      if (d != null && marker.equals(d.get("last_device_marker"))) {
        return (System.nanoTime() - t0) / 1_000_000;
      }
      Thread.sleep(5);
    }
    return -1;
  }
}
