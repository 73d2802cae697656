package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.mongoditto.localditto.LocalDittoClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The store devices: a seeded workload writing into Ditto over HTTP, as a device's writes reach
 * Ditto's server. New orders with their order_items, inventory count changes (on documents the
 * MongoDB workload edits too: real conflicts), nested updates, unsets, deleted order items and
 * orders. It keeps its own model of the orders and items it made, so the Ditto -> MongoDB direction
 * is checked against what the devices wrote, not against the connector's mapper. One writer thread.
 */
final class DittoEdgeWorkload {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonWriterSettings RELAXED =
      JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
  private static final String[] CITIES = {"Olympia", "Yakima", "Kent", "Renton"};

  /** Outcome of comparing the devices' model with MongoDB. */
  record Result(long checked, List<String> lost, List<String> stale, List<String> extra) {
    boolean clean() {
      return lost.isEmpty() && stale.isEmpty() && extra.isEmpty();
    }

    String summary() {
      return "documents checked "
          + checked
          + ", lost "
          + lost.size()
          + ", stale "
          + stale.size()
          + ", extra "
          + extra.size()
          + (lost.isEmpty() ? "" : " lost e.g. " + lost.subList(0, Math.min(3, lost.size())))
          + (stale.isEmpty() ? "" : " stale e.g. " + stale.subList(0, Math.min(2, stale.size())))
          + (extra.isEmpty() ? "" : " extra e.g. " + extra.subList(0, Math.min(3, extra.size())));
    }
  }

  private final LocalDittoClient ditto;
  private final Random random;
  private final String prefix;

  /** Ditto _id -> the fields the devices gave it (null once deleted), per collection. */
  private final Map<String, Map<String, Object>> orders = new TreeMap<>();

  private final Map<String, Map<String, Object>> items = new TreeMap<>();
  private final Map<String, List<String>> itemsOfOrder = new TreeMap<>();
  private final Map<String, Long> byKind = new TreeMap<>();
  private final List<String> failures = new ArrayList<>();
  private List<Object> inventory = List.of();
  private EjsonDeviceEdits ejson;
  private long changes;
  private int counter;

  DittoEdgeWorkload(LocalDittoClient ditto, long seed) {
    this.ditto = ditto;
    this.random = new Random(seed);
    this.prefix = "edge-" + Long.toHexString(seed & 0xffff) + "-";
  }

  /** Devices also write Extended JSON into {@code collection}, an ejson-mode collection. */
  DittoEdgeWorkload withEjsonEdits(String collection) {
    ejson = new EjsonDeviceEdits(ditto, random, collection, prefix);
    return this;
  }

  long changes() {
    return changes;
  }

  Map<String, Long> changesByKind() {
    return byKind;
  }

  /** Device writes Ditto refused (the local Ditto is reached directly: there should be none). */
  List<String> failures() {
    return failures;
  }

  /** One device write; a write Ditto refuses is recorded, not thrown. */
  void step() {
    try {
      if (ejson != null && random.nextInt(100) < 20) {
        count(ejson.step());
        return;
      }
      int roll = random.nextInt(100);
      List<String> liveOrders = live(orders);
      if (liveOrders.size() < 3 || roll < 25) {
        newOrder();
      } else if (roll < 45) {
        inventoryCount();
      } else if (roll < 60) {
        String id = pick(liveOrders);
        String city = CITIES[random.nextInt(CITIES.length)];
        execute("UPDATE orders SET address.city = :v WHERE _id = :id", id, city);
        nested(orders.get(id)).put("city", city);
        count("nested-update");
      } else if (roll < 70) {
        String id = pick(liveOrders);
        execute("UPDATE orders UNSET note WHERE _id = :id", id, null);
        orders.get(id).remove("note");
        count("unset");
      } else if (roll < 82) {
        List<String> liveItems = live(items);
        if (!liveItems.isEmpty()) {
          String id = pick(liveItems);
          int qty = 1 + random.nextInt(20);
          execute("UPDATE order_items SET qty = :v WHERE _id = :id", id, qty);
          items.get(id).put("qty", qty);
          count("item-update");
        }
      } else if (roll < 94) {
        List<String> liveItems = live(items);
        if (!liveItems.isEmpty()) {
          String id = pick(liveItems);
          execute("DELETE FROM order_items WHERE _id = :id", id, null);
          items.put(id, null);
          count("item-delete");
        }
      } else {
        String id = pick(liveOrders);
        execute("DELETE FROM orders WHERE _id = :id", id, null);
        orders.put(id, null);
        count("order-delete");
      }
    } catch (RuntimeException e) {
      failures.add(String.valueOf(e.getMessage()));
    }
  }

  private void newOrder() {
    String id = prefix + (counter++);
    Map<String, Object> order = new LinkedHashMap<>();
    // as the Zava orders in Ditto hold it: the single_field id field beside _id (a device order
    // without it diverges, see docs/reliability.md, "Both directions")
    order.put("order_id", id);
    order.put("status", "new");
    order.put("total_cents", random.nextInt(100_000));
    order.put("note", "from a store device");
    Map<String, Object> address = new LinkedHashMap<>();
    address.put("city", CITIES[random.nextInt(CITIES.length)]);
    address.put("lane", random.nextInt(9));
    order.put("address", address);
    Map<String, Object> doc = new LinkedHashMap<>(order);
    doc.put("_id", id);
    ditto.execute("INSERT INTO orders DOCUMENTS (:d)", Map.of("d", doc));
    orders.put(id, order);
    count("order-insert");
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      String itemId = new UUID(random.nextLong(), random.nextLong()).toString();
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("order_ref", id);
      item.put("sku", "SKU-" + random.nextInt(500));
      item.put("qty", 1 + random.nextInt(5));
      Map<String, Object> itemDoc = new LinkedHashMap<>(item);
      itemDoc.put("_id", itemId);
      ditto.execute("INSERT INTO order_items DOCUMENTS (:d)", Map.of("d", itemDoc));
      items.put(itemId, item);
      itemsOfOrder.computeIfAbsent(id, k -> new ArrayList<>()).add(itemId);
      count("item-insert");
    }
  }

  private void inventoryCount() {
    if (inventory.isEmpty() || random.nextInt(20) == 0) {
      inventory = new ArrayList<>(ditto.selectById("inventory").keySet());
    }
    if (inventory.isEmpty()) {
      return;
    }
    Object id = inventory.get(random.nextInt(inventory.size()));
    // an inventory document the MongoDB side may have deleted meanwhile: UPDATE matches nothing
    ditto.execute(
        "UPDATE inventory SET count = :v WHERE _id = :id",
        Map.of("id", id, "v", random.nextInt(1000)));
    count("inventory-count");
  }

  private void execute(String statement, String id, Object value) {
    ditto.execute(statement, value == null ? Map.of("id", id) : Map.of("id", id, "v", value));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> nested(Map<String, Object> order) {
    return (Map<String, Object>) order.get("address");
  }

  /**
   * The devices' documents in MongoDB: every live order (found by order_id, its single_field id)
   * and item (its UUID _id) holds the fields the devices gave it, with unset fields absent; a
   * deleted one is gone.
   */
  Result check(MongoDatabase db) {
    List<String> lost = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    long checked = 0;
    for (Map.Entry<String, Map<String, Object>> e : orders.entrySet()) {
      checked++;
      Document doc = db.getCollection("orders").find(Filters.eq("order_id", e.getKey())).first();
      compare("orders/" + e.getKey(), e.getValue(), doc, List.of("note"), lost, stale, extra);
    }
    for (Map.Entry<String, Map<String, Object>> e : items.entrySet()) {
      checked++;
      Document doc =
          db.getCollection("order_items")
              .find(
                  Filters.in(
                      "_id",
                      new BsonBinary(UUID.fromString(e.getKey()), UuidRepresentation.STANDARD),
                      e.getKey()))
              .first();
      compare("order_items/" + e.getKey(), e.getValue(), doc, List.of(), lost, stale, extra);
    }
    if (ejson != null) {
      Result exact = ejson.check(db);
      checked += exact.checked();
      lost.addAll(exact.lost());
      stale.addAll(exact.stale());
    }
    return new Result(checked, lost, stale, extra);
  }

  private static void compare(
      String where,
      Map<String, Object> expected,
      Document doc,
      List<String> unsettable,
      List<String> lost,
      List<String> stale,
      List<String> extra) {
    if (expected == null) {
      if (doc != null) {
        // what MongoDB holds tells which device change before the removal was applied
        extra.add(where + " (deleted in Ditto; MongoDB holds " + doc.toJson(RELAXED) + ")");
      }
      return;
    }
    if (doc == null) {
      lost.add(where);
      return;
    }
    try {
      JsonNode actual = JSON.readTree(doc.toJson(RELAXED));
      JsonNode want = JSON.valueToTree(expected);
      for (var it = want.fields(); it.hasNext(); ) {
        var f = it.next();
        JsonNode got = actual.get(f.getKey());
        if (got == null || !InvariantCheck.sameJson(f.getValue(), got)) {
          stale.add(where + "." + f.getKey() + " expected " + f.getValue() + " got " + got);
        }
      }
      for (String field : unsettable) {
        if (!expected.containsKey(field) && actual.has(field)) {
          stale.add(where + "." + field + " unset in Ditto, still " + actual.get(field));
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      stale.add(where + " unreadable: " + e.getMessage());
    }
  }

  private static List<String> live(Map<String, Map<String, Object>> model) {
    List<String> ids = new ArrayList<>();
    model.forEach(
        (id, fields) -> {
          if (fields != null) {
            ids.add(id);
          }
        });
    return ids;
  }

  private String pick(List<String> ids) {
    return ids.get(random.nextInt(ids.size()));
  }

  private void count(String kind) {
    changes++;
    byKind.merge(kind, 1L, Long::sum);
  }
}
