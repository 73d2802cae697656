package io.mongoditto.bench;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;
import io.mongoditto.tools.seed.ZavaRetailGenerator;
import io.mongoditto.tools.seed.ZavaRetailSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The benchmark's data: the Zava Retail dataset from the CLI's generator, minus product_embeddings,
 * which the setup guide's mapping leaves out of Ditto (so every figure covers the same seven
 * collections: what the sync really copies).
 */
final class ZavaData {

  static final long SEED = 42L;

  private ZavaData() {}

  /** The synced collections with the source connector's mapping settings. */
  static Map<String, String> mapping() {
    Map<String, String> m = new HashMap<>(ZavaRetailSpec.connectorMapping());
    m.put("collections", String.join(",", collections()));
    m.remove("collection.product_embeddings.enabled");
    return m;
  }

  static List<String> collections() {
    return ZavaRetailSpec.COLLECTIONS.stream()
        .filter(c -> !c.equals(ZavaRetailSpec.PRODUCT_EMBEDDINGS))
        .toList();
  }

  /** The id field of a collection under the guide's mapping, null for match_ids. */
  static String idField(String collection) {
    return ZavaRetailSpec.connectorMapping().get("collection." + collection + ".id.fields");
  }

  /**
   * Creates the collections (with pre- and post-images, which single_field mappings need) and loads
   * them; returns the documents per collection, in load order.
   */
  static Map<String, Long> seed(MongoDatabase db, double scale) {
    for (String c : collections()) {
      createWithImages(db, c);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    InsertManyOptions unordered = new InsertManyOptions().ordered(false);
    new ZavaRetailGenerator(new ZavaRetailSpec(scale, SEED), 1000)
        .generate(
            (collection, batch) -> {
              if (!collection.equals(ZavaRetailSpec.PRODUCT_EMBEDDINGS)) {
                db.getCollection(collection).insertMany(batch, unordered);
                counts.merge(collection, (long) batch.size(), Long::sum);
              }
            });
    return counts;
  }

  static void createWithImages(MongoDatabase db, String collection) {
    db.createCollection(collection);
    db.runCommand(
        new Document("collMod", collection)
            .append("changeStreamPreAndPostImages", new Document("enabled", true)));
  }

  static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
