package io.mongoditto.cli.verify;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.change.CanonicalIds;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DittoResponse;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.MappingResult;
import io.mongoditto.mapping.ReverseMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.Document;

/**
 * Compares MongoDB with Ditto per collection: document counts under the collection's filter, and
 * optionally a random sample of those documents (or all of them) mapped exactly as the source
 * connector maps them ({@link io.mongoditto.mapping.SyncRules#mapper}), field by field, against
 * what Ditto holds under the same {@code _id}; and the other way, Ditto's documents looked up in
 * MongoDB ({@link #onlyInDitto}).
 */
public final class SyncVerifier {

  /**
   * The outcome for one collection.
   *
   * @param skipped documents compared that Ditto refused to look up (HTTP 400, e.g. a float id):
   *     Ditto cannot hold them, so the connector dead-letters them; one line each, for the report
   */
  public record Result(
      String mongoCollection,
      String dittoCollection,
      long mongoCount,
      long dittoCount,
      int sampled,
      List<String> differences,
      List<String> skipped) {

    public Result {
      differences = List.copyOf(differences);
      skipped = List.copyOf(skipped);
    }

    /** The documents Ditto should hold: MongoDB's, less those it refuses to hold. */
    public long expectedDittoCount() {
      return mongoCount - skipped.size();
    }

    public boolean matches() {
      return expectedDittoCount() == dittoCount && differences.isEmpty();
    }
  }

  private final MongoDatabase db;
  private final DittoHttpClient ditto;

  public SyncVerifier(MongoDatabase db, DittoHttpClient ditto) {
    this.db = db;
    this.ditto = ditto;
  }

  public long dittoCount(String dittoCollection) {
    DittoResponse r = ditto.execute("SELECT COUNT(*) AS n FROM " + dittoCollection, Map.of());
    if (r.items().isEmpty()) {
      return 0;
    }
    Object n = r.items().get(0).get("n");
    return n instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(n));
  }

  /** Every document of the collection (no filter). */
  public long mongoCount(String collection) {
    return db.getCollection(collection).countDocuments();
  }

  /** The documents that belong in Ditto: those matching the collection's filter. */
  public long mongoCount(CollectionConfig entry) {
    return db.getCollection(entry.mapping().mongoCollection())
        .countDocuments(entry.rules().mongoQuery());
  }

  /** Counts, plus {@code sample} random documents compared (0: counts only). */
  public Result verify(CollectionConfig entry, int sample) {
    return verify(entry, sample, false);
  }

  /**
   * Counts MongoDB's documents under the collection's filter against Ditto's, and compares {@code
   * sample} random filtered documents, or with {@code full} every one, mapped (id mapping, filter,
   * field transformations) exactly as the source connector maps them, with what Ditto holds under
   * the same {@code _id}. Together with equal counts, a clean full comparison means Ditto holds
   * exactly the expected set: every expected document is there and equal, and there is no room for
   * an extra one.
   */
  public Result verify(CollectionConfig entry, int sample, boolean full) {
    String mongo = entry.mapping().mongoCollection();
    String dittoName = entry.mapping().dittoCollection();
    BsonDocument query = entry.rules().mongoQuery();
    long mongoCount = mongoCount(entry);
    long dittoCount = dittoCount(dittoName);
    List<String> differences = new ArrayList<>();
    ChangeEventMapper mapper = entry.rules().mapper(entry.mapping(), new ConversionStats());
    MongoCollection<BsonDocument> coll = db.getCollection(mongo, BsonDocument.class);
    List<String> skipped = new ArrayList<>();
    int[] sampled = {0};
    if (full) {
      try (MongoCursor<BsonDocument> docs =
          coll.find(query).sort(new Document("_id", 1)).batchSize(500).iterator()) {
        docs.forEachRemaining(
            doc -> compare(mapper, dittoName, doc, differences, skipped, sampled));
      }
    } else if (sample > 0 && mongoCount > 0) {
      // Random positions rather than $sample: the local MongoDB's $sample is not reliable.
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(mongoCount * 31 + sample);
      java.util.TreeSet<Integer> positions = new java.util.TreeSet<>();
      while (positions.size() < Math.min(sample, mongoCount)) {
        positions.add(rnd.nextInt((int) Math.min(Integer.MAX_VALUE, mongoCount)));
      }
      for (int position : positions) {
        BsonDocument d =
            coll.find(query).sort(new Document("_id", 1)).skip(position).limit(1).first();
        if (d != null) {
          compare(mapper, dittoName, d, differences, skipped, sampled);
        }
      }
    }
    differences.addAll(onlyInDitto(entry, sample, full));
    return new Result(mongo, dittoName, mongoCount, dittoCount, sampled[0], differences, skipped);
  }

  /**
   * The other way: Ditto documents without their MongoDB document (under the collection's filter):
   * an edge write that has not reached MongoDB, or a document the source should have removed. With
   * {@code full} every Ditto id is checked against the mapped ids of MongoDB's documents, otherwise
   * {@code sample} random Ditto documents are looked up in MongoDB as the Ditto -> MongoDB
   * direction finds them ({@link ReverseMapper#filterFor}). At most 20 are listed.
   */
  List<String> onlyInDitto(CollectionConfig entry, int sample, boolean full) {
    if (!full && sample <= 0) {
      return List.of();
    }
    String dittoName = entry.mapping().dittoCollection();
    List<Object> ids = new ArrayList<>();
    for (Map<String, Object> d : ditto.execute("SELECT _id FROM " + dittoName, Map.of()).items()) {
      ids.add(d.get("_id"));
    }
    MongoCollection<BsonDocument> coll =
        db.getCollection(entry.mapping().mongoCollection(), BsonDocument.class);
    BsonDocument query = entry.rules().mongoQuery();
    List<Object> missing = new ArrayList<>();
    if (full) {
      ReverseMapper reverse = new ReverseMapper(entry.mapping(), entry.rules());
      java.util.Set<String> mongoIds = new java.util.HashSet<>();
      for (BsonDocument doc : coll.find(query).batchSize(500)) {
        try {
          mongoIds.add(CanonicalIds.text(reverse.dittoIdOf(doc)));
        } catch (IllegalArgumentException unmappable) {
          // not in Ditto either (dead-lettered)
        }
      }
      for (Object id : ids) {
        if (!mongoIds.contains(CanonicalIds.text(id))) {
          missing.add(id);
        }
      }
    } else {
      ReverseMapper reverse = new ReverseMapper(entry.mapping(), entry.rules());
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(ids.size() * 17L + sample);
      java.util.TreeSet<Integer> positions = new java.util.TreeSet<>();
      while (positions.size() < Math.min(sample, ids.size())) {
        positions.add(rnd.nextInt(ids.size()));
      }
      for (int p : positions) {
        Object id = ids.get(p);
        BsonDocument found;
        try {
          BsonDocument byId = reverse.filterFor(id);
          found =
              coll.find(
                      query.isEmpty()
                          ? byId
                          : new BsonDocument("$and", new org.bson.BsonArray(List.of(byId, query))))
                  .first();
        } catch (RuntimeException unmappable) {
          found = null;
        }
        if (found == null) {
          missing.add(id);
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (Object id : missing.subList(0, Math.min(20, missing.size()))) {
      out.add("_id " + id + ": in Ditto but not in MongoDB");
    }
    if (missing.size() > 20) {
      out.add((missing.size() - 20) + " more in Ditto but not in MongoDB");
    }
    return out;
  }

  private void compare(
      ChangeEventMapper mapper,
      String dittoName,
      BsonDocument doc,
      List<String> differences,
      List<String> skipped,
      int[] compared) {
    MappingResult mapped = mapper.mapSnapshot(doc, 0);
    if (mapped.failed() || mapped.changes().isEmpty()) {
      return; // an unmappable document is not synced (it is in the dead letters)
    }
    compared[0]++;
    Object id = mapped.changes().get(0).id();
    Map<String, Object> expected = mapped.changes().get(0).document();
    DittoResponse r;
    try {
      r = ditto.execute("SELECT * FROM " + dittoName + " WHERE _id = :id", Map.of("id", id));
    } catch (DittoException.BadRequest e) {
      // Ditto refuses the id itself (e.g. "Floats are not supported in document IDs"): it cannot
      // hold the document either, so the sink dead-lettered it. One such document is no reason
      // to stop verifying everything else.
      skipped.add("_id " + id + ": " + reason(e));
      return;
    }
    if (r.items().isEmpty()) {
      differences.add("_id " + id + ": missing in Ditto");
      return;
    }
    // the connector's own metadata (which source wrote the document) is not MongoDB's data
    Map<String, Object> actual = DittoMetadata.without(r.items().get(0));
    for (String d : JsonValues.differences(expected, actual, 5)) {
      differences.add("_id " + id + ": " + d);
    }
  }

  private static String reason(DittoException.BadRequest e) {
    String ditto = e.dittoError();
    return ditto == null || ditto.isBlank() ? e.getMessage() : ditto;
  }
}
