package io.mongoditto.localmongo;

import static io.mongoditto.localmongo.Streams.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Resuming is exact, and a resume point older than the retained history fails with 286. */
class ResumeAndHistoryIT {

  private static final int HISTORY = 5;

  private LocalMongo mongo;
  private MongoClient client;
  private MongoCollection<BsonDocument> coll;

  @BeforeEach
  void start() {
    mongo = LocalMongo.builder().historySize(HISTORY).start();
    client = MongoClients.create(mongo.connectionString());
    coll = client.getDatabase("resume").getCollection("c", BsonDocument.class);
  }

  @AfterEach
  void stop() {
    client.close();
    mongo.close();
  }

  private MongoCursor<BsonDocument> open(
      java.util.function.UnaryOperator<com.mongodb.client.ChangeStreamIterable<BsonDocument>>
          options) {
    return options
        .apply(coll.watch().maxAwaitTime(100, TimeUnit.MILLISECONDS))
        .withDocumentClass(BsonDocument.class)
        .cursor();
  }

  private void insert(int id) {
    coll.insertOne(new BsonDocument("_id", new org.bson.BsonInt32(id)));
  }

  private static int id(BsonDocument event) {
    return event.getDocument("documentKey").getInt32("_id").getValue();
  }

  @Test
  void resumeAfterAndStartAtOperationTimeAreExact() {
    BsonDocument second;
    try (MongoCursor<BsonDocument> stream = open(s -> s)) {
      insert(1);
      insert(2);
      insert(3);
      assertEquals(1, id(next(stream)));
      second = next(stream);
    }
    try (MongoCursor<BsonDocument> resumed = open(s -> s.resumeAfter(second.getDocument("_id")))) {
      assertEquals(3, id(next(resumed)));
    }
    BsonTimestamp at = second.getTimestamp("clusterTime");
    try (MongoCursor<BsonDocument> fromTime = open(s -> s.startAtOperationTime(at))) {
      assertEquals(2, id(next(fromTime)), "startAtOperationTime is inclusive");
      assertEquals(3, id(next(fromTime)));
    }
  }

  @Test
  void aResumeTokenOlderThanTheRetainedHistoryFailsWith286() {
    BsonDocument first;
    try (MongoCursor<BsonDocument> stream = open(s -> s)) {
      insert(0);
      first = next(stream);
    }
    for (int i = 1; i <= HISTORY; i++) {
      insert(i); // pushes event 0 out of the retained history
    }
    MongoCommandException lost =
        assertThrows(
            MongoCommandException.class, () -> open(s -> s.resumeAfter(first.getDocument("_id"))));
    assertEquals(286, lost.getErrorCode());
    assertEquals("ChangeStreamHistoryLost", lost.getErrorCodeName());

    MongoCommandException lostByTime =
        assertThrows(
            MongoCommandException.class,
            () -> open(s -> s.startAtOperationTime(first.getTimestamp("clusterTime"))));
    assertEquals(286, lostByTime.getErrorCode());
  }

  @Test
  void theLastRetainedPositionStillResumes() {
    BsonDocument first;
    try (MongoCursor<BsonDocument> stream = open(s -> s)) {
      insert(0);
      first = next(stream);
    }
    for (int i = 1; i < HISTORY; i++) {
      insert(i); // event 0 is still retained: it is the oldest of HISTORY events
    }
    try (MongoCursor<BsonDocument> resumed = open(s -> s.resumeAfter(first.getDocument("_id")))) {
      assertEquals(1, id(next(resumed)));
    }
  }

  @Test
  void tokensOfAnotherServerRunAreHistoryLostAndGarbageIsRejected() {
    BsonDocument token;
    try (MongoCursor<BsonDocument> stream = open(s -> s)) {
      insert(1);
      token = next(stream).getDocument("_id");
    }
    try (LocalMongo other = LocalMongo.start();
        MongoClient otherClient = MongoClients.create(other.connectionString())) {
      MongoCommandException e =
          assertThrows(
              MongoCommandException.class,
              () ->
                  otherClient
                      .getDatabase("resume")
                      .getCollection("c")
                      .watch()
                      .resumeAfter(token)
                      .cursor());
      assertEquals(286, e.getErrorCode());
    }
    BsonDocument garbage = new BsonDocument("_data", new BsonString("not-a-token"));
    MongoCommandException invalid =
        assertThrows(MongoCommandException.class, () -> open(s -> s.resumeAfter(garbage)));
    assertEquals(260, invalid.getErrorCode());
  }

  @Test
  void startAfterAnInvalidateContinuesAfterTheDrop() {
    BsonDocument invalidate;
    try (MongoCursor<BsonDocument> stream = open(s -> s)) {
      insert(1);
      coll.drop();
      next(stream);
      assertEquals("drop", next(stream).getString("operationType").getValue());
      invalidate = next(stream);
      assertEquals("invalidate", invalidate.getString("operationType").getValue());
    }
    MongoCommandException e =
        assertThrows(
            MongoCommandException.class,
            () -> open(s -> s.resumeAfter(invalidate.getDocument("_id"))));
    assertEquals(260, e.getErrorCode());
    try (MongoCursor<BsonDocument> after = open(s -> s.startAfter(invalidate.getDocument("_id")))) {
      insert(7);
      assertEquals(7, id(next(after)));
    }
  }

  @Test
  void aStreamThatFallsBehindTheRetainedHistoryFailsWith286() {
    try (MongoCursor<BsonDocument> stream = open(s -> s)) {
      for (int i = 0; i < HISTORY + 2; i++) {
        insert(i); // nobody reads: the stream's next event is forgotten
      }
      MongoCommandException lost = assertThrows(MongoCommandException.class, () -> next(stream));
      assertEquals(286, lost.getErrorCode());
    }
  }
}
