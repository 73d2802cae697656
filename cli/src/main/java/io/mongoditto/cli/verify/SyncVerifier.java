package io.mongoditto.cli.verify;

import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.config.CollectionsConfig;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DittoResponse;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.MappingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.Document;

/**
 * Compares MongoDB with Ditto per collection: document counts, and optionally a random sample of
 * documents mapped exactly as the source connector maps them, field by field, against what Ditto
 * holds under the same {@code _id}.
 */
public final class SyncVerifier {

  /** The outcome for one collection. */
  public record Result(String mongoCollection, String dittoCollection, long mongoCount, long dittoCount,
      int sampled, List<String> differences) {
    public boolean matches() {
      return mongoCount == dittoCount && differences.isEmpty();
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

  public long mongoCount(String collection) {
    return db.getCollection(collection).countDocuments();
  }

  public Result verify(CollectionsConfig.Entry entry, int sample) {
    String mongo = entry.mapping().mongoCollection();
    String dittoName = entry.mapping().dittoCollection();
    long mongoCount = mongoCount(mongo);
    long dittoCount = dittoCount(dittoName);
    List<String> differences = new ArrayList<>();
    int sampled = 0;
    if (sample > 0) {
      ChangeEventMapper mapper = new ChangeEventMapper(entry.mapping(), new ConversionStats());
      // Random positions rather than $sample: the local MongoDB's $sample is not reliable.
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(mongoCount * 31 + sample);
      java.util.TreeSet<Integer> positions = new java.util.TreeSet<>();
      while (positions.size() < Math.min(sample, mongoCount)) {
        positions.add(rnd.nextInt((int) Math.min(Integer.MAX_VALUE, mongoCount)));
      }
      List<BsonDocument> docs = new ArrayList<>();
      for (int position : positions) {
        BsonDocument d = db.getCollection(mongo, BsonDocument.class).find()
            .sort(new Document("_id", 1)).skip(position).limit(1).first();
        if (d != null) {
          docs.add(d);
        }
      }
      for (BsonDocument doc : docs) {
        MappingResult mapped = mapper.mapSnapshot(doc, 0);
        if (mapped.failed() || mapped.changes().isEmpty()) {
          continue; // an unmappable document is not synced (it is in the dead letters)
        }
        sampled++;
        Object id = mapped.changes().get(0).id();
        Map<String, Object> expected = mapped.changes().get(0).document();
        DittoResponse r = ditto.execute("SELECT * FROM " + dittoName + " WHERE _id = :id", Map.of("id", id));
        if (r.items().isEmpty()) {
          differences.add("_id " + id + ": missing in Ditto");
          continue;
        }
        for (String d : JsonValues.differences(expected, r.items().get(0), 5)) {
          differences.add("_id " + id + ": " + d);
        }
      }
    }
    return new Result(mongo, dittoName, mongoCount, dittoCount, sampled, differences);
  }
}
