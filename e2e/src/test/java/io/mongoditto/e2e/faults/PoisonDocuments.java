package io.mongoditto.e2e.faults;

import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Documents the source cannot map (each must land in the errors topic with its reason, none of its
 * neighbours may), and edge documents that are valid and must arrive in Ditto unchanged. Every
 * poison document carries a unique {@code poison_tag}, so a dead-lettered record (which holds the
 * raw event or the document) is recognised by content.
 */
final class PoisonDocuments {

  static final String TAG_FIELD = "poison_tag";
  private static final int OVER_LIMIT_BYTES = 5 * 1024 * 1024 + 64 * 1024;

  /** poison tag -> what is wrong with it. */
  private final Map<String, String> poison = new LinkedHashMap<>();

  private final List<String> edgeNotStorable = new ArrayList<>();

  Map<String, String> poison() {
    return poison;
  }

  /** Edge documents the local MongoDB refused to store (not a pipeline result; reported). */
  List<String> edgeNotStorable() {
    return edgeNotStorable;
  }

  /**
   * Inserts every poison document, each between two ordinary neighbours written by {@code
   * neighbour} (which inserts one workload document into the same collection), and the edge
   * documents.
   */
  void insertAll(MongoDatabase db, int round, Consumer<String> neighbour) {
    String p = "P" + round + "-";
    poisonDoc(
        db,
        neighbour,
        "stores",
        p + "missing-id-field",
        "single_field id field store_id missing",
        new Document("_id", new ObjectId()).append("name", "no store_id"));
    poisonDoc(
        db,
        neighbour,
        "customers",
        p + "null-id-field",
        "single_field id field customer_id null",
        new Document("_id", new ObjectId()).append("customer_id", null).append("name", "null id"));
    poisonDoc(
        db,
        neighbour,
        "orders",
        p + "array-id-field",
        "single_field id field order_id is an array",
        new Document("_id", new ObjectId()).append("order_id", List.of("a", "b")));
    if (round > 0 || KnownBugs.mixedIdTypesChecked() || KnownBugs.enabled()) {
      // In round 0 it is read by the snapshot, among string _ids (KnownBugs 1: once skipped there)
      poisonDoc(
          db,
          neighbour,
          "categories",
          p + "object-id",
          "object _id under match_ids",
          new Document("_id", new Document("region", "eu").append("n", round))
              .append("name", "object id"));
    }
    poisonDoc(
        db,
        neighbour,
        "products",
        p + "nan",
        "NaN value (unconvertible)",
        new Document("_id", new ObjectId())
            .append("product_id", p + "nan-product")
            .append("price", Double.NaN));
    poisonDoc(
        db,
        neighbour,
        "inventory",
        p + "infinity",
        "-Infinity value in a nested field (unconvertible)",
        new Document("_id", p + "inf-inv")
            .append("stock", new Document("level", Double.NEGATIVE_INFINITY)));
    poisonDoc(
        db,
        neighbour,
        "order_items",
        p + "over-5mib",
        "mapped document over Ditto's 5 MiB limit",
        new Document("_id", p + "big-item").append("blob", "x".repeat(OVER_LIMIT_BYTES)));

    // Valid edge cases: must reach Ditto exactly as mapped.
    edge(
        db,
        "categories",
        new Document("_id", p + "huge-array").append("values", hugeArray(20_000)));
    edge(db, "categories", new Document("_id", p + "deep").append("root", deep(90)));
    edge(
        db,
        "categories",
        new Document("_id", p + "non-ascii")
            .append("name", "Zürich Ørsted 東京 🛒 ٱلعربية")
            .append("städte", List.of("München", "Kraków")));
    edge(
        db,
        "categories",
        new Document("_id", p + "dotted").append("a.b", 1).append("x", new Document("c.d", "v")));
    edge(
        db,
        "categories",
        new Document("_id", p + "dollar").append("$price", 2).append("y", new Document("$k", "v")));
  }

  private void poisonDoc(
      MongoDatabase db,
      Consumer<String> neighbour,
      String collection,
      String tag,
      String what,
      Document doc) {
    neighbour.accept(collection);
    doc.append(TAG_FIELD, tag);
    db.getCollection(collection).insertOne(doc);
    poison.put(tag, collection + ": " + what);
    neighbour.accept(collection);
  }

  private void edge(MongoDatabase db, String collection, Document doc) {
    try {
      db.getCollection(collection).insertOne(doc);
    } catch (RuntimeException e) {
      edgeNotStorable.add(doc.get("_id") + ": " + e.getMessage());
    }
  }

  private static List<Integer> hugeArray(int n) {
    List<Integer> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(i);
    }
    return values;
  }

  private static Document deep(int levels) {
    Document d = new Document("leaf", "bottom");
    for (int i = 0; i < levels; i++) {
      d = new Document("level" + i, d);
    }
    return d;
  }
}
