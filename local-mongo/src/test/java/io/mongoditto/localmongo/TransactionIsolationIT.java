package io.mongoditto.localmongo;

import static io.mongoditto.localmongo.Streams.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.FullDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Other sessions never see a transaction's uncommitted writes, as on a real server. This server
 * applies them at once and undoes them on abort, so without isolation a reader took a killed
 * client's half-done transaction for committed data until its lifetime ended and the abort undid it
 * without a change event (the Ditto -> MongoDB sink then lost device changes: open bug 15 of
 * docs/reliability.md). Local only: it shortens the transaction lifetime.
 */
class TransactionIsolationIT {

  private static final Duration LIFETIME = Duration.ofSeconds(2);

  private LocalMongo mongo;
  private MongoClient writer;
  private MongoClient reader;

  @BeforeEach
  void start() {
    mongo = LocalMongo.builder().transactionLifetime(LIFETIME).start();
    writer = MongoClients.create(mongo.connectionString());
    reader = MongoClients.create(mongo.connectionString());
    coll(reader).insertOne(doc("{_id: 1, a: 1}"));
  }

  @AfterEach
  void stop() {
    writer.close();
    reader.close();
    mongo.close();
  }

  private static MongoCollection<BsonDocument> coll(MongoClient client) {
    return client.getDatabase("iso").getCollection("c", BsonDocument.class);
  }

  private static BsonDocument doc(String json) {
    return BsonDocument.parse(json);
  }

  private static List<BsonDocument> all(MongoClient client) {
    return coll(client).find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
  }

  @Test
  void aReadDuringAnotherSessionsTransactionSeesOnlyWhatWasCommitted() throws Exception {
    List<BsonDocument> before = all(reader);
    try (ClientSession session = writer.startSession()) {
      session.startTransaction();
      coll(writer).insertOne(session, doc("{_id: 2}"));
      coll(writer).updateOne(session, Filters.eq("_id", 1), Updates.set("a", 2));
      coll(writer).deleteOne(session, Filters.eq("_id", 1));
      CompletableFuture<List<BsonDocument>> read = CompletableFuture.supplyAsync(() -> all(reader));
      Thread.sleep(300);
      assertFalse(read.isDone(), "the read waits for the transaction's end");
      session.abortTransaction();
      assertEquals(before, read.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aReadAfterTheCommitSeesTheTransactionsWrites() throws Exception {
    try (ClientSession session = writer.startSession()) {
      session.startTransaction();
      coll(writer).updateOne(session, Filters.eq("_id", 1), Updates.set("a", 2));
      CompletableFuture<List<BsonDocument>> read = CompletableFuture.supplyAsync(() -> all(reader));
      Thread.sleep(300);
      session.commitTransaction();
      assertEquals(List.of(doc("{_id: 1, a: 2}")), read.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void anUpdateLookupDuringAnotherSessionsTransactionSeesOnlyWhatWasCommitted() throws Exception {
    try (MongoCursor<BsonDocument> stream =
            coll(reader)
                .watch()
                .fullDocument(FullDocument.UPDATE_LOOKUP)
                .maxAwaitTime(100, TimeUnit.MILLISECONDS)
                .withDocumentClass(BsonDocument.class)
                .cursor();
        ClientSession session = writer.startSession()) {
      coll(writer).updateOne(Filters.eq("_id", 1), Updates.set("a", 5));
      session.startTransaction();
      coll(writer).updateOne(session, Filters.eq("_id", 1), Updates.set("a", 9));
      CompletableFuture<BsonDocument> event = CompletableFuture.supplyAsync(() -> next(stream));
      Thread.sleep(300);
      session.abortTransaction();
      assertEquals(
          doc("{_id: 1, a: 5}"),
          event.get(10, TimeUnit.SECONDS).getDocument("fullDocument"),
          "the committed document, never the open transaction's");
    }
  }

  /**
   * A client killed in the middle of a transaction never ends it: its delete must never show, and
   * once its lifetime is over, the document is there and can be written (with an event).
   */
  @Test
  void aKilledClientsOpenTransactionNeverShowsAndOthersGoOnAfterItsLifetime() {
    ClientSession abandoned = writer.startSession();
    abandoned.startTransaction();
    coll(writer).deleteOne(abandoned, Filters.eq("_id", 1));
    // the client "dies": nothing ends its session or transaction

    try (MongoCursor<BsonDocument> stream =
        coll(reader)
            .watch()
            .maxAwaitTime(100, TimeUnit.MILLISECONDS)
            .withDocumentClass(BsonDocument.class)
            .cursor()) {
      assertEquals(List.of(doc("{_id: 1, a: 1}")), all(reader));
      coll(reader).updateOne(Filters.eq("_id", 1), Updates.set("a", 3));
      BsonDocument event = next(stream);
      assertEquals("update", event.getString("operationType").getValue(), event.toJson());
      assertEquals(List.of(doc("{_id: 1, a: 3}")), all(reader));
    }
  }

  @Test
  void twoTransactionsOnOneCollectionBothCommitOneAfterTheOther() throws Exception {
    try (ClientSession first = writer.startSession();
        ClientSession second = reader.startSession()) {
      first.startTransaction();
      coll(writer).insertOne(first, doc("{_id: 2}"));
      CompletableFuture<String> other =
          CompletableFuture.supplyAsync(
              () ->
                  second.withTransaction(
                      () -> {
                        coll(reader).insertOne(second, doc("{_id: 3}"));
                        return "committed";
                      }));
      Thread.sleep(1_200); // longer than a transaction's wait: the other one retried
      first.commitTransaction();
      assertEquals("committed", other.get(30, TimeUnit.SECONDS));
    }
    assertEquals(List.of(doc("{_id: 1, a: 1}"), doc("{_id: 2}"), doc("{_id: 3}")), all(reader));
  }
}
