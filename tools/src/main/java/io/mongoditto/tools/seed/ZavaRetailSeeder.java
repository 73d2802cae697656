package io.mongoditto.tools.seed;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;
import io.mongoditto.cli.ProgressDisplay;
import io.mongoditto.cli.UserException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/** Loads a generated Zava Retail dataset into a MongoDB database with batched insertMany. */
public final class ZavaRetailSeeder {

  private ZavaRetailSeeder() {}

  /**
   * Seeds {@code db}. Refuses a database that already holds Zava documents unless {@code drop} is
   * set, in which case the Zava collections are dropped first (other collections are left alone).
   *
   * @param progress where per-collection progress goes; may be null
   * @return documents inserted per collection
   */
  public static Map<String, Long> seed(
      MongoDatabase db, ZavaRetailGenerator generator, boolean drop, ProgressDisplay progress) {
    return seed(db, generator, drop, progress, inserted -> {});
  }

  /**
   * As {@link #seed(MongoDatabase, ZavaRetailGenerator, boolean, ProgressDisplay)}, calling {@code
   * beforeBatch} with the number of documents inserted so far before each insertMany (a caller can
   * block there to throttle the load).
   */
  public static Map<String, Long> seed(
      MongoDatabase db,
      ZavaRetailGenerator generator,
      boolean drop,
      ProgressDisplay progress,
      java.util.function.LongConsumer beforeBatch) {
    List<String> existing = db.listCollectionNames().into(new java.util.ArrayList<>());
    for (String name : ZavaRetailSpec.COLLECTIONS) {
      if (!existing.contains(name)) {
        continue;
      }
      if (drop) {
        db.getCollection(name).drop();
      } else if (db.getCollection(name).estimatedDocumentCount() > 0) {
        throw new UserException(
            "database "
                + db.getName()
                + " already has documents in "
                + name
                + ": give --drop to replace the Zava collections, or choose another --database");
      }
    }
    Map<String, Integer> planned = generator.spec().plannedCounts();
    Map<String, Long> inserted = new HashMap<>();
    InsertManyOptions unordered = new InsertManyOptions().ordered(false);
    return generator.generate(
        new ZavaRetailGenerator.BatchSink() {
          @Override
          public void started(String collection) {
            if (progress != null) {
              progress.update(collection, 0, planned.getOrDefault(collection, -1));
            }
          }

          private long total;

          @Override
          public void accept(String collection, List<Document> batch) {
            beforeBatch.accept(total);
            total += batch.size();
            MongoCollection<Document> coll = db.getCollection(collection);
            coll.insertMany(batch, unordered);
            long n = inserted.merge(collection, (long) batch.size(), Long::sum);
            if (progress != null) {
              progress.update(collection, n, planned.getOrDefault(collection, -1));
            }
          }

          @Override
          public void finished(String collection, long count) {
            if (progress != null) {
              progress.finish(collection, count);
            }
          }
        });
  }
}
