package io.mongoditto.localmongo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An idle getMore waits server-side (up to maxAwaitTime) instead of answering empty at once, an
 * event arriving meanwhile ends the wait with that event, and waiting streams do not block other
 * clients. Nothing here is timed: the long maxAwaitTime only makes a non-waiting server visible
 * (its getMore would already have answered, empty); the timeouts are guards against hangs.
 */
class AwaitingGetMoreIT {

  private static final long LONG_AWAIT_SECONDS = 120;

  private LocalMongo mongo;
  private MongoClient writer;
  private ExecutorService pool;

  @BeforeEach
  void start() {
    mongo = LocalMongo.start();
    writer = MongoClients.create(mongo.connectionString());
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    writer.close();
    mongo.close();
  }

  @Test
  @Timeout(60)
  void anIdleGetMoreWaitsAndReturnsTheEventThatArrives() throws Exception {
    AtomicInteger getMoresStarted = new AtomicInteger();
    AtomicInteger getMoresAnswered = new AtomicInteger();
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(mongo.connectionString()))
            .addCommandListener(
                new CommandListener() {
                  @Override
                  public void commandStarted(CommandStartedEvent event) {
                    if (event.getCommandName().equals("getMore")) {
                      getMoresStarted.incrementAndGet();
                    }
                  }

                  @Override
                  public void commandSucceeded(CommandSucceededEvent event) {
                    if (event.getCommandName().equals("getMore")) {
                      getMoresAnswered.incrementAndGet();
                    }
                  }
                })
            .build();
    try (MongoClient reader = MongoClients.create(settings)) {
      MongoCollection<BsonDocument> coll =
          reader.getDatabase("await").getCollection("c", BsonDocument.class);
      MongoCursor<BsonDocument> stream =
          coll.watch()
              .maxAwaitTime(LONG_AWAIT_SECONDS, TimeUnit.SECONDS)
              .withDocumentClass(BsonDocument.class)
              .cursor();
      CompletableFuture<BsonDocument> polled = CompletableFuture.supplyAsync(stream::tryNext, pool);

      await().atMost(Duration.ofSeconds(30)).until(() -> getMoresStarted.get() == 1);
      assertEquals(0, getMoresAnswered.get(), "the idle getMore is held by the server");
      writer.getDatabase("await").getCollection("c").insertOne(new org.bson.Document("_id", 1));

      BsonDocument event = polled.get(30, TimeUnit.SECONDS);
      assertNotNull(event, "the waiting getMore returned the new event, not an empty batch");
      assertEquals("insert", event.getString("operationType").getValue());
      assertEquals(1, getMoresStarted.get(), "one getMore: no spinning");
      stream.close();
    }
  }

  @Test
  @Timeout(60)
  void waitingStreamsDoNotBlockOtherClients() throws Exception {
    List<MongoClient> readers = new ArrayList<>();
    List<CompletableFuture<BsonDocument>> waiting = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        MongoClient reader = MongoClients.create(mongo.connectionString());
        readers.add(reader);
        MongoCursor<BsonDocument> stream =
            reader
                .getDatabase("await")
                .getCollection("w" + i)
                .watch()
                .maxAwaitTime(LONG_AWAIT_SECONDS, TimeUnit.SECONDS)
                .withDocumentClass(BsonDocument.class)
                .cursor();
        waiting.add(CompletableFuture.supplyAsync(stream::tryNext, pool));
      }
      // With getMores parked on the event loop, some of these commands would stall behind them.
      for (int i = 0; i < 20; i++) {
        MongoCollection<BsonDocument> c =
            writer.getDatabase("await").getCollection("busy", BsonDocument.class);
        c.insertOne(new BsonDocument("_id", new BsonInt32(i)));
        assertEquals(i + 1, c.countDocuments());
      }
      for (int i = 0; i < 8; i++) {
        writer
            .getDatabase("await")
            .getCollection("w" + i)
            .insertOne(new org.bson.Document("_id", i));
      }
      for (CompletableFuture<BsonDocument> f : waiting) {
        assertNotNull(f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      readers.forEach(MongoClient::close);
    }
  }
}
