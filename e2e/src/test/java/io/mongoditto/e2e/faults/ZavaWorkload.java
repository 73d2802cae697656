package io.mongoditto.e2e.faults;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * A seeded random workload on the eight Zava collections: inserts, {@code $set} and {@code $unset}
 * of nested paths, {@code $set} of whole sub-objects, sub-objects replaced by scalars, array
 * elements set by index, customers flipping in and out of the filtered run's filter, replaces,
 * deletes and (on the single_field collections, which have pre-images) changes of the mapped id
 * field. The same seed gives the same sequence of operations and values. Not thread-safe: one
 * writer thread.
 *
 * <p>A collection named as ejson-mode gets documents that also carry the types json mode loses
 * ({@link HiddenTypes}), match_ids _ids of those types, and changes of those fields (type changes,
 * unsets, array elements, whole arrays) on top of the usual ones.
 */
final class ZavaWorkload {

  /** A Zava collection: its id field under single_field, or null under match_ids. */
  record Coll(String name, String idField, boolean uuidIds) {}

  static final List<Coll> COLLECTIONS =
      List.of(
          new Coll("stores", "store_id", false),
          new Coll("customers", "customer_id", false),
          new Coll("categories", null, false),
          new Coll("products", "product_id", false),
          new Coll("product_embeddings", null, false),
          new Coll("inventory", null, true),
          new Coll("orders", "order_id", false),
          new Coll("order_items", null, true));

  private static final String[] CITIES = {
    "Seattle", "Tacoma", "Bellevue", "Redmond", "Everett", "Spokane"
  };
  private static final String[] COLORS = {"red", "green", "blue", "black", "white"};

  private final MongoDatabase db;
  private final Random random;
  private final Set<String> ejson;
  private final HiddenTypes hidden;

  /** Mongo _id of every live document the workload made, per collection. */
  private final Map<String, List<Object>> live = new LinkedHashMap<>();

  private final AtomicLong changes = new AtomicLong();
  private final Map<String, AtomicLong> byKind = new LinkedHashMap<>();
  private long counter;

  ZavaWorkload(MongoDatabase db, long seed) {
    this(db, seed, Set.of());
  }

  /** With the collections in {@code ejson} carrying the hidden types (see the class comment). */
  ZavaWorkload(MongoDatabase db, long seed, Set<String> ejson) {
    this.db = db;
    this.random = new Random(seed);
    this.ejson = Set.copyOf(ejson);
    this.hidden = new HiddenTypes(random);
    COLLECTIONS.forEach(c -> live.put(c.name(), new ArrayList<>()));
    for (String k :
        List.of(
            "insert",
            "set-nested",
            "unset-nested",
            "set-subobject",
            "map-to-scalar",
            "array-index",
            "filter-flip",
            "replace",
            "delete",
            "id-change")) {
      byKind.put(k, new AtomicLong());
    }
    if (!ejson.isEmpty()) {
      for (String k : List.of("set-hidden", "unset-hidden", "hidden-element", "hidden-array")) {
        byKind.put(k, new AtomicLong());
      }
    }
  }

  long changes() {
    return changes.get();
  }

  Map<String, Long> changesByKind() {
    Map<String, Long> m = new LinkedHashMap<>();
    byKind.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** Deletes {@code n} random live documents (fewer when fewer are live); returns how many. */
  int deleteSome(int n) {
    int done = 0;
    for (int i = 0; i < n * 4 && done < n; i++) {
      Coll c = COLLECTIONS.get(random.nextInt(COLLECTIONS.size()));
      List<Object> ids = live.get(c.name());
      if (ids.size() > 5) {
        Object id = ids.remove(random.nextInt(ids.size()));
        collection(c).deleteOne(Filters.eq("_id", id));
        count("delete");
        done++;
      }
    }
    return done;
  }

  /** Inserts {@code n} documents spread over the collections. */
  void seed(int n) {
    for (int i = 0; i < n; i++) {
      insert(COLLECTIONS.get(i % COLLECTIONS.size()));
    }
  }

  /** One random change on a random collection. */
  void step() {
    Coll c = COLLECTIONS.get(random.nextInt(COLLECTIONS.size()));
    List<Object> ids = live.get(c.name());
    if (ejson.contains(c.name()) && ids.size() >= 5 && random.nextInt(100) < 35) {
      hiddenStep(c, pick(ids));
      return;
    }
    int roll = random.nextInt(100);
    if (ids.size() < 5 || roll < 22) {
      insert(c);
    } else if (roll < 38) {
      update(c, pick(ids), Updates.set(randomNestedPath(), value()), "set-nested");
    } else if (roll < 48) {
      update(
          c,
          pick(ids),
          Updates.unset(random.nextBoolean() ? "address.zip" : "attrs.size"),
          "unset-nested");
    } else if (roll < 56) {
      update(
          c,
          pick(ids),
          Updates.set("attrs", new Document("color", COLORS[random.nextInt(COLORS.length)])),
          "set-subobject");
    } else if (roll < 62) {
      // an object becomes a scalar (its old keys must not come back when it is an object again,
      // nor the scalar once the field is dropped: KnownBugs 4)
      update(
          c,
          pick(ids),
          Updates.set(random.nextBoolean() ? "attrs" : "address", value()),
          "map-to-scalar");
    } else if (roll < 68) {
      // one array element by index: Ditto's array is a register, written whole
      Object id = pick(ids);
      update(
          c,
          Filters.and(Filters.eq("_id", id), Filters.type("tags", "array")),
          Updates.set("tags." + random.nextInt(2), "t" + random.nextInt(100)),
          "array-index");
    } else if (roll < 72) {
      // customers start and stop matching the filtered run's filter
      Coll customers = COLLECTIONS.get(1);
      List<Object> customerIds = live.get(customers.name());
      if (!customerIds.isEmpty()) {
        update(
            customers,
            pick(customerIds),
            Updates.set(random.nextBoolean() ? "active" : "deleted", random.nextBoolean()),
            "filter-flip");
      }
    } else if (roll < 82) {
      Object id = pick(ids);
      Document replacement = body(c, id, random.nextBoolean());
      keepIdField(c, id, replacement);
      if (collection(c).replaceOne(Filters.eq("_id", id), replacement).getMatchedCount() > 0) {
        count("replace");
      }
    } else if (roll < 92) {
      Object id = ids.remove(random.nextInt(ids.size()));
      collection(c).deleteOne(Filters.eq("_id", id));
      count("delete");
    } else if (c.idField() != null) {
      update(
          c, pick(ids), Updates.set(c.idField(), c.name() + "-moved-" + (counter++)), "id-change");
    } else {
      insert(c);
    }
  }

  /** Writes {@code n} changes that are never deletes: updateMany of a counter over products. */
  long bulkUpdates(long n) {
    long done = 0;
    MongoCollection<Document> products = db.getCollection("products");
    while (done < n) {
      long matched =
          products.updateMany(Filters.exists("_id"), Updates.inc("bulk", 1)).getModifiedCount();
      if (matched == 0) {
        insert(COLLECTIONS.get(3));
        matched = 1;
      }
      done += matched;
    }
    changes.addAndGet(done);
    byKind.get("set-nested").addAndGet(done);
    return done;
  }

  Object insert(Coll c) {
    boolean hiddenId = ejson.contains(c.name()) && c.idField() == null && random.nextInt(4) > 0;
    Object id =
        hiddenId
            ? hidden.id()
            : c.uuidIds()
                ? new UUID(random.nextLong(), random.nextLong()).toString()
                : c.idField() != null ? new ObjectId() : c.name() + "-" + (counter++);
    Document doc = body(c, id, true);
    if (c.idField() != null) {
      doc.put(c.idField(), c.name() + "-" + (counter++));
    }
    collection(c).insertOne(doc);
    live.get(c.name()).add(id);
    count("insert");
    return id;
  }

  /** A change of the hidden-type fields of an ejson-mode document. */
  private void hiddenStep(Coll c, Object id) {
    List<String> fields = HiddenTypes.FIELDS;
    int roll = random.nextInt(100);
    if (roll < 40) {
      // a new value, often of another type: {"$numberLong": ...} becomes {"$date": ...}
      update(
          c,
          id,
          Updates.set(fields.get(random.nextInt(fields.size())), hidden.value()),
          "set-hidden");
    } else if (roll < 60) {
      update(c, id, Updates.unset(fields.get(random.nextInt(fields.size()))), "unset-hidden");
    } else if (roll < 80) {
      update(
          c,
          Filters.and(Filters.eq("_id", id), Filters.type(HiddenTypes.MIXED, "array")),
          Updates.set(HiddenTypes.MIXED + "." + random.nextInt(7), hidden.value()),
          "hidden-element");
    } else {
      update(c, id, Updates.set(HiddenTypes.MIXED, hidden.mixedArray(2)), "hidden-array");
    }
  }

  private void update(Coll c, Object id, Bson update, String kind) {
    update(c, Filters.eq("_id", id), update, kind);
  }

  private void update(Coll c, Bson filter, Bson update, String kind) {
    try {
      if (collection(c).updateOne(filter, update).getMatchedCount() > 0) {
        count(kind);
      }
    } catch (MongoWriteException e) {
      // a path through a field that became a scalar: MongoDB refuses it, nothing changed
    }
  }

  /** A replace keeps the current mapped id (an id change is its own operation). */
  private void keepIdField(Coll c, Object id, Document replacement) {
    if (c.idField() == null) {
      return;
    }
    Document current = collection(c).find(Filters.eq("_id", id)).first();
    if (current != null && current.get(c.idField()) != null) {
      replacement.put(c.idField(), current.get(c.idField()));
    }
  }

  private Document body(Coll c, Object id, boolean full) {
    Document d =
        new Document("_id", id)
            .append("name", c.name() + " " + random.nextInt(100_000))
            .append("price", Math.round(random.nextDouble() * 10_000) / 100.0)
            .append("count", random.nextInt(1000))
            .append(
                "address",
                new Document("city", CITIES[random.nextInt(CITIES.length)])
                    .append("zip", String.valueOf(98000 + random.nextInt(999)))
                    .append(
                        "geo",
                        new Document("lat", 47 + random.nextDouble())
                            .append("lng", -122 + random.nextDouble())));
    if (c.name().equals("customers")) {
      // what the filtered run's customers filter and excluded fields look at
      d.append("active", random.nextInt(10) < 7)
          .append("deleted", random.nextInt(10) < 2)
          .append("phone", "+1-206-555-" + (1000 + random.nextInt(9000)))
          .append("marketing_opt_in", random.nextBoolean());
    }
    if (ejson.contains(c.name())) {
      BsonDocument types = hidden.fields();
      if (!full) {
        // a replace that drops a hidden field: Ditto must lose the whole map
        types.remove(HiddenTypes.FIELDS.get(random.nextInt(HiddenTypes.FIELDS.size())));
      }
      d.putAll(types);
    }
    if (full) {
      d.append(
              "attrs",
              new Document("color", COLORS[random.nextInt(COLORS.length)])
                  .append("size", random.nextInt(50)))
          .append("tags", List.of("t" + random.nextInt(10), "t" + random.nextInt(10)));
    }
    return d;
  }

  private String randomNestedPath() {
    return switch (random.nextInt(4)) {
      case 0 -> "address.city";
      case 1 -> "address.geo.lat";
      case 2 -> "attrs.color";
      default -> "name";
    };
  }

  private Object value() {
    return random.nextBoolean()
        ? CITIES[random.nextInt(CITIES.length)] + " " + random.nextInt(100)
        : random.nextInt(10_000);
  }

  private Object pick(List<Object> ids) {
    return ids.get(random.nextInt(ids.size()));
  }

  private MongoCollection<Document> collection(Coll c) {
    return db.getCollection(c.name());
  }

  private void count(String kind) {
    changes.incrementAndGet();
    byKind.get(kind).incrementAndGet();
  }
}
