package io.mongoditto.e2e.faults;

import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** poison tag -> what its dead-letter reason must say (the defect, in the reason's words). */
  private final Map<String, String> defects = new LinkedHashMap<>();

  private final List<String> edgeNotStorable = new ArrayList<>();

  Map<String, String> poison() {
    return poison;
  }

  /** The text the dead-letter reason of poison {@code tag} must hold. */
  String defect(String tag) {
    return defects.get(tag);
  }

  /** A poison written by the suite itself (e.g. one Ditto refuses), with its reason's text. */
  void add(String tag, String what, String defect) {
    poison.put(tag, what);
    defects.put(tag, defect);
  }

  /**
   * What the reference mapping refused ({@code refused}: poison tag or collection/_id -> why)
   * compared with the poison still in MongoDB (every poison but {@code notInMongo}): a refused
   * document that is not poison, or poison that is not refused, is a problem.
   */
  List<String> refusalProblems(Map<String, String> refused, Set<String> notInMongo) {
    List<String> problems = new ArrayList<>();
    refused.forEach(
        (what, why) -> {
          if (!poison.containsKey(what)) {
            problems.add("refused but not poison: " + what + " (" + why + ")");
          }
        });
    for (String tag : poison.keySet()) {
      if (!notInMongo.contains(tag) && !refused.containsKey(tag)) {
        problems.add("poison the reference mapping accepts: " + tag + " [" + poison.get(tag) + "]");
      }
    }
    return problems;
  }

  /**
   * Poison whose dead-letter reasons ({@code reasons}: tag -> every reason it was dead-lettered
   * with) are missing or do not name its defect.
   */
  List<String> reasonProblems(Map<String, List<String>> reasons) {
    List<String> problems = new ArrayList<>();
    for (String tag : poison.keySet()) {
      List<String> given = reasons.getOrDefault(tag, List.of());
      if (given.isEmpty()) {
        problems.add(tag + ": not dead-lettered with a reason");
      }
      for (String reason : given) {
        if (!reason.contains(defects.get(tag))) {
          problems.add(tag + ": reason '" + reason + "' does not say '" + defects.get(tag) + "'");
        }
      }
    }
    return problems;
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
        "id field is missing",
        new Document("_id", new ObjectId()).append("name", "no store_id"));
    poisonDoc(
        db,
        neighbour,
        "customers",
        p + "null-id-field",
        "single_field id field customer_id null",
        "id field is null",
        // matches the filtered run's customers filter: it is poison there too
        new Document("_id", new ObjectId())
            .append("customer_id", null)
            .append("name", "null id")
            .append("deleted", false)
            .append("active", true));
    poisonDoc(
        db,
        neighbour,
        "orders",
        p + "array-id-field",
        "single_field id field order_id is an array",
        "id field is an array",
        new Document("_id", new ObjectId()).append("order_id", List.of("a", "b")));
    if (round > 0 || KnownBugs.mixedIdTypesChecked() || KnownBugs.enabled()) {
      // In round 0 it is read by the snapshot, among string _ids (KnownBugs 1: once skipped there)
      poisonDoc(
          db,
          neighbour,
          "categories",
          p + "object-id",
          "object _id under match_ids",
          "embedded document",
          new Document("_id", new Document("region", "eu").append("n", round))
              .append("name", "object id"));
    }
    poisonDoc(
        db,
        neighbour,
        "products",
        p + "nan",
        "NaN value (unconvertible)",
        "NaN",
        new Document("_id", new ObjectId())
            .append("product_id", p + "nan-product")
            .append("price", Double.NaN));
    poisonDoc(
        db,
        neighbour,
        "inventory",
        p + "infinity",
        "-Infinity value in a nested field (unconvertible)",
        "-Infinity",
        new Document("_id", p + "inf-inv")
            .append("stock", new Document("level", Double.NEGATIVE_INFINITY)));
    poisonDoc(
        db,
        neighbour,
        "order_items",
        p + "over-5mib",
        "mapped document over Ditto's 5 MiB limit",
        "5242880",
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
      String defect,
      Document doc) {
    neighbour.accept(collection);
    doc.append(TAG_FIELD, tag);
    db.getCollection(collection).insertOne(doc);
    add(tag, collection + ": " + what, defect);
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
