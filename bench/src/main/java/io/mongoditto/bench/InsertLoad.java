package io.mongoditto.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.bson.Document;

/**
 * The write load every streaming figure uses, so raw driver, our connector and mongo-kafka see the
 * same events: small order-like documents with an int {@code _id} and a {@code seq}.
 */
final class InsertLoad {

  private static final int BATCH = 500;

  private InsertLoad() {}

  static Document doc(int seq) {
    return new Document("_id", seq)
        .append("seq", seq)
        .append("sku", "SKU-" + (seq % 424))
        .append("store_id", "store-" + (seq % 8))
        .append("qty", 1 + seq % 5)
        .append("price", 9.99 + (seq % 100))
        .append("status", "placed")
        .append("lines", List.of(new Document("n", 1).append("sku", "SKU-" + (seq % 7))));
  }

  /**
   * Inserts {@code _id} from..from+count-1 as fast as the server takes them (insertMany of 500).
   */
  static void burst(MongoCollection<Document> coll, int from, int count) {
    InsertManyOptions ordered = new InsertManyOptions().ordered(true);
    List<Document> batch = new ArrayList<>(BATCH);
    for (int i = from; i < from + count; i++) {
      batch.add(doc(i));
      if (batch.size() == BATCH) {
        coll.insertMany(batch, ordered);
        batch = new ArrayList<>(BATCH);
      }
    }
    if (!batch.isEmpty()) {
      coll.insertMany(batch, ordered);
    }
  }

  /** Starts {@link #burst} in its own thread. */
  static Thread burstInBackground(MongoCollection<Document> coll, int from, int count) {
    Thread t = new Thread(() -> burst(coll, from, count), "bench-insert-burst");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Inserts at {@code perSecond}, as one insertMany every 10 ms (one insertOne per millisecond
   * cannot keep up on two busy cores); returns the {@link System#nanoTime()} just before each
   * document's request was sent (index i for {@code _id} from+i): the commit happens after it, so a
   * lag measured from it is never understated.
   */
  static long[] paced(MongoCollection<Document> coll, int from, int count, int perSecond) {
    long[] sent = new long[count];
    int perTick = Math.max(1, perSecond / 100);
    long tick = 1_000_000_000L * perTick / perSecond;
    long start = System.nanoTime();
    InsertManyOptions ordered = new InsertManyOptions().ordered(true);
    for (int i = 0, t = 0; i < count; t++) {
      long wait = start + t * tick - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int n = Math.min(perTick, count - i);
      List<Document> batch = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        batch.add(doc(from + i + k));
      }
      long now = System.nanoTime();
      Arrays.fill(sent, i, i + n, now);
      coll.insertMany(batch, ordered);
      i += n;
    }
    return sent;
  }
}
