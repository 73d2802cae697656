package io.mongoditto.bench;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongoditto.cli.embedded.EmbeddedSinkContext;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.mongosink.MongoSinkTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.sink.SinkRecord;
import org.bson.Document;

/**
 * Ditto -> MongoDB lag: a writer puts changes into a local Ditto over HTTP (as a device's writes
 * reach Ditto's server) at a fixed rate; Ditto's CDC feed produces them to its topic; a Kafka
 * consumer (Connect's consumer defaults) hands each poll to the sink task, which writes MongoDB. A
 * change stream on the MongoDB collection sees each document arrive. Lag = the moment its event was
 * read minus the moment just before its write request was sent, so it is never understated.
 */
final class ReverseLagBench {

  private static final String COLLECTION = "lag";
  // A Ditto server takes devices' changes as they sync, several at once; requests of 10 changes
  // every 10 ms outran the local Ditto's HTTP server on two busy cores (about 420 changes/s).
  private static final int PER_REQUEST = 50;
  private static final int WRITERS = 4;

  /**
   * The lags of one run.
   *
   * @param fromWritten from the moment Ditto acknowledged the write (the change exists in Ditto) to
   *     the document read in MongoDB: the sync's own lag
   * @param fromSent from the moment just before the write request was due: adds the time Ditto took
   *     to take the write (and the writer's queue when Ditto cannot take the offered rate)
   */
  record Outcome(LagBench.Result fromWritten, LagBench.Result fromSent) {}

  private ReverseLagBench() {}

  static Outcome run(MongoClient client, String mongoUri, int perSecond, Duration duration)
      throws Exception {
    MongoDatabase db = client.getDatabase("benchreverse");
    db.drop();
    db.createCollection(COLLECTION);
    MongoCollection<Document> coll = db.getCollection(COLLECTION);
    int changes = (int) (perSecond * duration.toSeconds());
    // index 0 is the probe, i the i-th change
    AtomicLongArray arrived = new AtomicLongArray(changes + 1);
    try (LocalDitto ditto =
            LocalDitto.start(LocalDitto.Options.defaults().withCdc(CdcOptions.inProcessBroker()));
        MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = coll.watch().cursor()) {
      LocalDittoClient dittoClient = new LocalDittoClient(ditto);
      Map<String, String> props = new HashMap<>();
      props.put("name", "bench-reverse-lag");
      props.put("mongodb.uri", mongoUri);
      props.put("mongodb.database", db.getName());
      props.put("ditto.endpoint", ditto.endpoint());
      props.put("ditto.api.key", ditto.apiKey());
      props.put("collections", COLLECTION);
      MongoSinkTask task = new MongoSinkTask();
      task.initialize(new EmbeddedSinkContext(Map.of(), null, null));
      task.start(props);
      Feed feed = new Feed(ditto.cdcBootstrapServers(), ditto.cdcTopic(), task);
      Thread watcher = watch(stream, arrived, changes + 1);
      try {
        feed.start();
        // Probe: the whole path is up once a first change reaches MongoDB.
        dittoClient.execute(
            "INSERT INTO " + COLLECTION + " DOCUMENTS (:docs)", Map.of("docs", List.of(doc(0))));
        long probeDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (arrived.get(0) == 0) {
          if (System.nanoTime() > probeDeadline || feed.failure.get() != null) {
            LagBench.Result none =
                new LagBench.Result(
                    new double[0],
                    0,
                    0,
                    0,
                    "the probe never reached MongoDB: " + feed.failure.get());
            return new Outcome(none, none);
          }
          LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        long writeStart = System.nanoTime();
        long[][] sentAndWritten = paced(dittoClient, changes, perSecond);
        double achieved = Units.perSecond(changes, System.nanoTime() - writeStart);
        watcher.join(Duration.ofSeconds(60).toMillis());
        String problem = null;
        int seen = 0;
        for (int i = 1; i <= changes; i++) {
          seen += arrived.get(i) != 0 ? 1 : 0;
        }
        if (seen < changes) {
          problem =
              (changes - seen)
                  + " of "
                  + changes
                  + " changes never seen in MongoDB"
                  + (feed.failure.get() != null ? ": " + feed.failure.get() : "");
        }
        return new Outcome(
            lags(arrived, sentAndWritten[1], changes, achieved, problem),
            lags(arrived, sentAndWritten[0], changes, achieved, problem));
      } finally {
        watcher.interrupt();
        feed.close();
        task.stop();
      }
    }
  }

  private static LagBench.Result lags(
      AtomicLongArray arrived, long[] from, int changes, double achieved, String problem) {
    double[] lags = new double[changes];
    int measured = 0;
    for (int i = 1; i <= changes; i++) {
      long at = arrived.get(i);
      if (at != 0) {
        lags[measured++] = Math.max(0, at - from[i - 1]) / 1e6;
      }
    }
    double[] done = Arrays.copyOf(lags, measured);
    Arrays.sort(done);
    return new LagBench.Result(done, changes, achieved, 0, problem);
  }

  /** A document new in Ditto, as a device would write it. */
  private static Map<String, Object> doc(int seq) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("_id", seq);
    d.put("seq", seq);
    d.put("sku", "SKU-" + (seq % 424));
    d.put("store_id", "store-" + (seq % 8));
    d.put("qty", 1 + seq % 5);
    d.put("price", 9.99 + (seq % 100));
    d.put("status", "placed");
    return d;
  }

  /**
   * Writes changes 1..count into Ditto at {@code perSecond}, {@value #PER_REQUEST} documents per
   * request, on a schedule that does not wait for replies (devices do not wait for each other: a
   * slow reply must not lower the offered rate and hide lag), with up to {@value #WRITERS} requests
   * in flight; returns, per change, the moment just before its request was due and the moment
   * Ditto's reply was read. Returns once every request was answered.
   */
  private static long[][] paced(LocalDittoClient ditto, int count, int perSecond)
      throws InterruptedException {
    long[] sent = new long[count];
    long[] written = new long[count];
    long tick = 1_000_000_000L * PER_REQUEST / perSecond;
    String statement = "INSERT INTO " + COLLECTION + " DOCUMENTS (:docs)";
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> requests = new ArrayList<>();
    try {
      long start = System.nanoTime();
      for (int i = 0, t = 0; i < count; t++) {
        long wait = start + t * tick - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        int n = Math.min(PER_REQUEST, count - i);
        List<Map<String, Object>> docs = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          docs.add(doc(i + k + 1));
        }
        Arrays.fill(sent, i, i + n, System.nanoTime());
        int first = i;
        requests.add(
            writers.submit(
                () -> {
                  ditto.execute(statement, Map.of("docs", docs));
                  Arrays.fill(written, first, first + n, System.nanoTime());
                }));
        i += n;
      }
      for (Future<?> r : requests) {
        r.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("a write into Ditto failed: " + e.getCause(), e.getCause());
    } finally {
      writers.shutdownNow();
    }
    return new long[][] {sent, written};
  }

  /** Records when each document's insert is read from MongoDB's change stream. */
  private static Thread watch(
      MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream,
      AtomicLongArray arrived,
      int expected) {
    Thread t =
        new Thread(
            () -> {
              int seen = 0;
              try {
                while (seen < expected && !Thread.currentThread().isInterrupted()) {
                  ChangeStreamDocument<Document> e = stream.tryNext();
                  if (e == null || e.getFullDocument() == null) {
                    continue;
                  }
                  long now = System.nanoTime();
                  int seq = e.getFullDocument().getInteger("seq", -1);
                  if (seq >= 0 && seq < arrived.length() && arrived.compareAndSet(seq, 0, now)) {
                    seen++;
                  }
                }
              } catch (RuntimeException closed) {
                // the cursor was closed at the end of the run
              }
            },
            "bench-reverse-lag-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * The consumer side of a sink connector: every partition of the CDC topic assigned to one
   * consumer with Connect's defaults (up to 500 records per poll), each poll handed to the task.
   */
  private static final class Feed implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final MongoSinkTask task;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closing;

    Feed(String bootstrapServers, String topic, MongoSinkTask task) {
      Map<String, Object> p = new HashMap<>();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      this.consumer = new KafkaConsumer<>(p);
      this.topic = topic;
      this.task = task;
      this.thread = new Thread(this::run, "bench-reverse-lag-feed");
      this.thread.setDaemon(true);
    }

    void start() {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread.start();
    }

    private void run() {
      try {
        while (!closing) {
          List<SinkRecord> batch = new ArrayList<>();
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            batch.add(
                new SinkRecord(
                    r.topic(),
                    r.partition(),
                    null,
                    r.key(),
                    null,
                    r.value(),
                    r.offset(),
                    r.timestamp(),
                    TimestampType.CREATE_TIME));
          }
          if (!batch.isEmpty()) {
            task.put(batch);
          }
        }
      } catch (WakeupException stopping) {
        // close()
      } catch (RuntimeException e) {
        failure.set(e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      closing = true;
      consumer.wakeup();
      thread.join(Duration.ofSeconds(30).toMillis());
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
