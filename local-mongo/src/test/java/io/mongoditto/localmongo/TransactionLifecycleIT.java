package io.mongoditto.localmongo;

import static io.mongoditto.localmongo.Streams.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoCommandException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How transactions end when their client does not end them, and how the driver's retries of
 * withTransaction and commitTransaction play out. Local only: it shortens the transaction lifetime
 * and uses fail points.
 */
class TransactionLifecycleIT {

  private static final Duration LIFETIME = Duration.ofMillis(500);

  private LocalMongo mongo;
  private MongoClient client;
  private MongoCollection<BsonDocument> coll;

  @BeforeEach
  void start() {
    start(LocalMongo.builder());
  }

  private void start(LocalMongo.Builder builder) {
    mongo = builder.start();
    client = MongoClients.create(mongo.connectionString());
    coll = client.getDatabase("txn").getCollection("c", BsonDocument.class);
    coll.insertOne(doc("{_id: 1, a: 1}"));
  }

  @AfterEach
  void stop() {
    client.close();
    mongo.close();
  }

  private static BsonDocument doc(String json) {
    return BsonDocument.parse(json);
  }

  private List<BsonDocument> all() {
    return coll.find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
  }

  private MongoCursor<BsonDocument> watch() {
    return coll.watch()
        .maxAwaitTime(100, TimeUnit.MILLISECONDS)
        .withDocumentClass(BsonDocument.class)
        .cursor();
  }

  /** Writes outside the transaction and returns the next event, which must be that write's. */
  private BsonDocument nextIsMarker(MongoCursor<BsonDocument> stream) {
    coll.insertOne(doc("{_id: 'marker'}"));
    BsonDocument event = next(stream);
    assertEquals(doc("{_id: 'marker'}"), event.getDocument("documentKey"), event.toJson());
    return event;
  }

  private void configureFailPoint(String command, int times, int code, String label) {
    client
        .getDatabase("admin")
        .runCommand(
            new Document("configureFailPoint", "failCommand")
                .append("mode", new Document("times", times))
                .append(
                    "data",
                    new Document("failCommands", List.of(command))
                        .append("errorCode", code)
                        .append("errorLabels", List.of(label))));
  }

  @Test
  void aTransactionItsClientAbandonedIsAbortedAfterItsLifetime() {
    stop();
    start(LocalMongo.builder().transactionLifetime(LIFETIME));
    List<BsonDocument> before = all();
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.startTransaction();
      coll.insertOne(session, doc("{_id: 2}"));
      coll.updateOne(session, Filters.eq("_id", 1), Updates.set("a", 2));
      // another session's read waits for the transaction's end, then sees what was committed
      assertEquals(before, all());
      MongoCommandException expired =
          assertThrows(MongoCommandException.class, session::commitTransaction);
      assertEquals(251, expired.getErrorCode(), expired.getMessage());
      assertTrue(expired.hasErrorLabel("TransientTransactionError"), expired.getMessage());
      nextIsMarker(stream);
    }
  }

  @Test
  void endingTheSessionAbortsItsTransaction() {
    List<BsonDocument> before = all();
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.startTransaction();
      coll.deleteOne(session, Filters.eq("_id", 1));
      client
          .getDatabase("admin")
          .runCommand(
              new Document("endSessions", List.of(session.getServerSession().getIdentifier())));
      assertEquals(before, all());
      nextIsMarker(stream);
    }
  }

  @Test
  void aFailedCommandAbortsItsTransaction() {
    try (ClientSession session = client.startSession()) {
      session.startTransaction();
      coll.updateOne(session, Filters.eq("_id", 1), Updates.set("a", 2));
      assertThrows(
          com.mongodb.MongoWriteException.class,
          () -> coll.insertOne(session, doc("{_id: 1}"))); // duplicate key
      assertEquals(List.of(doc("{_id: 1, a: 1}")), all());
      MongoCommandException aborted =
          assertThrows(MongoCommandException.class, session::commitTransaction);
      assertEquals(251, aborted.getErrorCode(), aborted.getMessage());
    }
  }

  @Test
  void withTransactionRetriesATransientErrorAndPublishesOnlyTheRetry() {
    configureFailPoint("insert", 1, 112, "TransientTransactionError");
    AtomicInteger attempts = new AtomicInteger();
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.withTransaction(
          () -> {
            attempts.incrementAndGet();
            coll.updateOne(session, Filters.eq("_id", 1), Updates.inc("a", 1));
            return coll.insertOne(session, doc("{_id: 2}"));
          });
      assertEquals(2, attempts.get());
      assertEquals(List.of(doc("{_id: 1, a: 2}"), doc("{_id: 2}")), all());
      BsonInt64 retry = new BsonInt64(session.getServerSession().getTransactionNumber());
      for (String op : List.of("update", "insert")) {
        BsonDocument event = next(stream);
        assertEquals(op, event.getString("operationType").getValue(), event.toJson());
        assertEquals(retry, event.get("txnNumber"), event.toJson());
      }
      nextIsMarker(stream);
    }
  }

  @Test
  void aCommitRetriedAfterFailuresPublishesTheEventsOnce() {
    // twice: the driver's own retry of the commit fails too, so withTransaction retries it
    configureFailPoint("commitTransaction", 2, 91, "RetryableWriteError");
    AtomicInteger attempts = new AtomicInteger();
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.withTransaction(
          () -> {
            attempts.incrementAndGet();
            return coll.insertOne(session, doc("{_id: 2}"));
          });
      assertEquals(1, attempts.get());
      BsonDocument insert = next(stream);
      assertEquals(doc("{_id: 2}"), insert.getDocument("documentKey"), insert.toJson());
      assertEquals(
          new BsonInt64(session.getServerSession().getTransactionNumber()),
          insert.get("txnNumber"));
      nextIsMarker(stream);
    }
    MongoDatabase db = client.getDatabase("txn");
    assertEquals(2, db.getCollection("c").countDocuments(Filters.in("_id", 1, 2)));
  }
}
