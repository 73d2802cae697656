package io.mongoditto.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoChangeCodec;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.source.MongoSourceConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.json.JsonConverter;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * Where a copy's time goes before Kafka (docs/benchmark.md, "Where the copy's time goes"): on the
 * local MongoDB with the benchmark's Zava data, the raw scan, the read the copier makes (in {@code
 * _id} order, raw BSON, batches of a chunk), and that read plus the copier's work per document up
 * to the bytes a Connect worker would produce (decode, map, the change's value, {@code
 * JsonConverter} for key and value), one collection after another and four at once. Three passes:
 * the first is the cold JVM (as in the benchmark, where the copy runs once), the last a warm one.
 * Not part of the benchmark's table; run by hand:
 *
 * <pre>
 * java -cp "bench/target/mongo-ditto-bench.jar:bench/target/lib/*" io.mongoditto.bench.CopySplit 0.05
 * </pre>
 */
public final class CopySplit {

  private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

  private CopySplit() {}

  public static void main(String[] args) throws Exception {
    double scale = args.length > 0 ? Double.parseDouble(args[0]) : 0.05;
    try (LocalMongo mongo = LocalMongo.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase("zava");
      long total = ZavaData.seed(db, scale).values().stream().mapToLong(Long::longValue).sum();
      Map<String, String> props = new HashMap<>(ZavaData.mapping());
      props.put("mongodb.uri", mongo.connectionString());
      props.put("mongodb.database", "zava");
      props.put("topic.prefix", "zava");
      Map<String, ChangeEventMapper> mappers = new HashMap<>();
      for (CollectionConfig c : MongoSourceConfig.of(props).collections()) {
        mappers.put(c.name(), c.rules().mapper(c.mapping(), new ConversionStats()));
      }
      List<String> collections = ZavaData.collections();
      AtomicLong bytes = new AtomicLong();
      for (int pass = 1; pass <= 3; pass++) {
        System.out.printf(Locale.ROOT, "pass %d (%,d documents)%n", pass, total);
        time(
            "raw find(), Document codec, one cursor each",
            total,
            () -> {
              for (String c : collections) {
                try (MongoCursor<Document> cursor = db.getCollection(c).find().cursor()) {
                  cursor.forEachRemaining(d -> bytes.addAndGet(d.size()));
                }
              }
            });
        time(
            "the copier's read: sorted by _id, raw BSON, batches of 1000",
            total,
            () -> {
              for (String c : collections) {
                copy(db, c, null, bytes);
              }
            });
        time(
            "  + decode, map, change value, JsonConverter key and value",
            total,
            () -> {
              for (String c : collections) {
                copy(db, c, mappers.get(c), bytes);
              }
            });
        time(
            "  the same, four collections at once",
            total,
            () -> {
              ExecutorService pool = Executors.newFixedThreadPool(4);
              try {
                List<Future<?>> copies = new ArrayList<>();
                for (String c : collections) {
                  copies.add(pool.submit(() -> copy(db, c, mappers.get(c), bytes)));
                }
                for (Future<?> f : copies) {
                  f.get();
                }
              } finally {
                pool.shutdown();
              }
            });
      }
      System.out.println("(" + bytes.get() + ")");
    }
  }

  private static void copy(
      MongoDatabase db, String collection, ChangeEventMapper mapper, AtomicLong bytes) {
    JsonConverter key = converter(true);
    JsonConverter value = converter(false);
    try (MongoCursor<RawBsonDocument> cursor =
        db.getCollection(collection, RawBsonDocument.class)
            .find()
            .sort(Sorts.ascending("_id"))
            .batchSize(1000)
            .cursor()) {
      while (cursor.hasNext()) {
        RawBsonDocument raw = cursor.next();
        if (mapper == null) {
          bytes.addAndGet(raw.getByteBuffer().remaining());
          continue;
        }
        BsonDocument doc = raw.decode(CODEC);
        for (DittoChange change : mapper.mapSnapshot(doc, 1L).changes()) {
          bytes.addAndGet(
              value.fromConnectData("t", null, DittoChangeCodec.toValue(change)).length
                  + key.fromConnectData("t", null, change.id()).length);
        }
      }
    }
  }

  private static JsonConverter converter(boolean isKey) {
    JsonConverter c = new JsonConverter();
    c.configure(Map.of("schemas.enable", "false"), isKey);
    return c;
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void time(String what, long documents, Step step) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long started = System.nanoTime();
    step.run();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "  %-62s %,9.0f docs/s, JVM CPU %5.1f us per document%n",
        what,
        documents / seconds,
        (os.getProcessCpuTime() - cpu) / 1e3 / documents);
  }
}
