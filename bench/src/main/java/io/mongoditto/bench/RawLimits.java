package io.mongoditto.bench;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongoditto.change.DittoChange;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.ConversionStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.Document;

/** What MongoDB and Ditto can do at most on this machine, measured with the raw clients. */
final class RawLimits {

  static final int DITTO_BATCH = 500;

  private RawLimits() {}

  /** Result of one measurement. */
  record Rate(long count, long nanos) {
    double perSecond() {
      return Units.perSecond(count, nanos);
    }
  }

  /** Reads every document of the collections with the driver's plain {@code find()}. */
  static Rate scan(MongoDatabase db, List<String> collections) {
    long n = 0;
    long start = System.nanoTime();
    for (String c : collections) {
      try (MongoCursor<Document> cursor = db.getCollection(c).find().iterator()) {
        while (cursor.hasNext()) {
          cursor.next();
          n++;
        }
      }
    }
    return new Rate(n, System.nanoTime() - start);
  }

  /**
   * A change stream on a fresh collection reads {@code events} inserts made while it runs: from the
   * first insert sent to the last event read.
   */
  static Rate changeStream(MongoDatabase db, String collection, int events)
      throws InterruptedException {
    ZavaData.createWithImages(db, collection);
    MongoCollection<Document> coll = db.getCollection(collection);
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor = coll.watch().cursor()) {
      long start = System.nanoTime();
      Thread writer = InsertLoad.burstInBackground(coll, 1, events);
      int seen = 0;
      while (seen < events) {
        cursor.next();
        seen++;
      }
      long nanos = System.nanoTime() - start;
      writer.join();
      return new Rate(seen, nanos);
    }
  }

  /**
   * Writes every document of the collections, mapped beforehand as the source maps them, into Ditto
   * collections {@code <prefix><name>} with one {@code INSERT ... DOCUMENTS (:docs) ON ID CONFLICT
   * DO UPDATE} per {@value #DITTO_BATCH} documents. Only the requests are timed.
   */
  static Rate dittoWrite(
      MongoDatabase db, List<String> collections, LocalDittoClient ditto, String prefix) {
    long n = 0;
    long nanos = 0;
    for (String c : collections) {
      String idField = ZavaData.idField(c);
      CollectionMapping mapping =
          idField == null
              ? CollectionMapping.matchIds(c)
              : CollectionMapping.singleField(c, idField);
      ChangeEventMapper mapper = new ChangeEventMapper(mapping, new ConversionStats());
      String statement =
          "INSERT INTO " + prefix + c + " DOCUMENTS (:docs) ON ID CONFLICT DO UPDATE";
      List<Map<String, Object>> batch = new ArrayList<>(DITTO_BATCH);
      try (MongoCursor<BsonDocument> cursor =
          db.getCollection(c, BsonDocument.class).find().iterator()) {
        while (cursor.hasNext()) {
          for (DittoChange change : mapper.mapSnapshot(cursor.next(), 0).changes()) {
            batch.add(change.document());
          }
          if (!batch.isEmpty() && (batch.size() >= DITTO_BATCH || !cursor.hasNext())) {
            long t = System.nanoTime();
            ditto.execute(statement, Map.of("docs", batch));
            nanos += System.nanoTime() - t;
            n += batch.size();
            batch = new ArrayList<>(DITTO_BATCH);
          }
        }
      }
    }
    return new Rate(n, nanos);
  }
}
