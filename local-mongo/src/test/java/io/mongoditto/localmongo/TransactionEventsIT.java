package io.mongoditto.localmongo;

import static io.mongoditto.localmongo.Streams.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.ReadConcern;
import com.mongodb.TransactionOptions;
import com.mongodb.WriteConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Change events of multi-document transactions, written through the official driver's sessions.
 * Runs against MONGODB_URI when set, so the same expectations can be checked on a real replica set.
 *
 * <p>From MongoDB's documentation ("Change Events"): {@code lsid} and {@code txnNumber} are present
 * only when the operation is part of a multi-document transaction, and all events of one
 * transaction have the same {@code clusterTime}, the commit's. From the server's source
 * (change_stream_event_transform.cpp): the two fields are added before the resume token, so they
 * lead the event. From the transactions specification: a repeated commitTransaction succeeds, an
 * unknown or aborted transaction is NoSuchTransaction (251, TransientTransactionError) and an older
 * txnNumber is TransactionTooOld (225).
 */
class TransactionEventsIT {

  private static final List<BsonDocument> sent = new CopyOnWriteArrayList<>();
  private static MongoUnderTest mongo;
  private static MongoClient client;
  private MongoCollection<BsonDocument> coll;

  @BeforeAll
  static void start() {
    mongo = MongoUnderTest.start();
    client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString()))
                .addCommandListener(
                    new CommandListener() {
                      @Override
                      public void commandStarted(CommandStartedEvent event) {
                        sent.add(event.getCommand().clone());
                      }
                    })
                .build());
  }

  @AfterAll
  static void stop() {
    client.close();
    mongo.close();
  }

  @BeforeEach
  void freshCollection() {
    MongoDatabase db = client.getDatabase("txn");
    db.getCollection("c").drop();
    db.createCollection(
        "c",
        new CreateCollectionOptions()
            .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    coll = db.getCollection("c", BsonDocument.class);
    sent.clear();
  }

  private MongoCursor<BsonDocument> watch() {
    return coll.watch()
        .fullDocument(FullDocument.WHEN_AVAILABLE)
        .fullDocumentBeforeChange(FullDocumentBeforeChange.WHEN_AVAILABLE)
        .maxAwaitTime(200, TimeUnit.MILLISECONDS)
        .withDocumentClass(BsonDocument.class)
        .cursor();
  }

  private static BsonDocument doc(String json) {
    return BsonDocument.parse(json);
  }

  private List<BsonDocument> all() {
    return coll.find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
  }

  private static String op(BsonDocument event) {
    return event.getString("operationType").getValue();
  }

  /** The event belongs to this session's current transaction, as a real server shows it. */
  private static void assertInTransaction(ClientSession session, BsonDocument event) {
    BsonDocument lsid = event.getDocument("lsid");
    assertEquals(session.getServerSession().getIdentifier().get("id"), lsid.get("id"));
    assertEquals(BsonBinarySubType.UUID_STANDARD.getValue(), lsid.getBinary("id").getType());
    assertEquals(BsonBinarySubType.BINARY.getValue(), lsid.getBinary("uid").getType());
    assertEquals(32, lsid.getBinary("uid").getData().length, event.toJson());
    assertEquals(
        new BsonInt64(session.getServerSession().getTransactionNumber()),
        event.get("txnNumber"),
        event.toJson());
    assertEquals(
        List.of("txnNumber", "lsid", "_id", "operationType", "clusterTime", "wallTime"),
        new ArrayList<>(event.keySet()).subList(0, 6),
        event.toJson());
  }

  private static void assertNotInTransaction(BsonDocument event) {
    assertFalse(event.containsKey("lsid"), event.toJson());
    assertFalse(event.containsKey("txnNumber"), event.toJson());
  }

  @Test
  void committedWritesCarryTheSessionAndTxnNumberInWriteOrderAtOneClusterTime() {
    coll.insertMany(List.of(doc("{_id: 1, a: 1, b: 1}"), doc("{_id: 2, a: 1}")));
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.startTransaction();
      coll.insertOne(session, doc("{_id: 3, a: 1}"));
      coll.updateOne(
          session, Filters.eq("_id", 1), Updates.combine(Updates.set("a", 2), Updates.unset("b")));
      coll.deleteOne(session, Filters.eq("_id", 2));
      session.commitTransaction();

      BsonDocument insert = next(stream);
      BsonDocument update = next(stream);
      BsonDocument delete = next(stream);
      assertEquals(
          List.of("insert", "update", "delete"), List.of(op(insert), op(update), op(delete)));
      for (BsonDocument event : List.of(insert, update, delete)) {
        assertInTransaction(session, event);
        assertEquals(insert.get("clusterTime"), event.get("clusterTime"), event.toJson());
      }
      assertNotEquals(insert.get("_id"), update.get("_id"));
      assertNotEquals(update.get("_id"), delete.get("_id"));

      assertEquals(doc("{_id: 3, a: 1}"), insert.getDocument("fullDocument"));
      assertEquals(doc("{db: 'txn', coll: 'c'}"), insert.getDocument("ns"));
      assertEquals(doc("{_id: 3}"), insert.getDocument("documentKey"));
      BsonDocument description = update.getDocument("updateDescription").clone();
      description.remove("disambiguatedPaths");
      assertEquals(
          doc("{updatedFields: {a: 2}, removedFields: ['b'], truncatedArrays: []}"), description);
      assertEquals(doc("{_id: 1, a: 2}"), update.getDocument("fullDocument"));
      assertEquals(doc("{_id: 1, a: 1, b: 1}"), update.getDocument("fullDocumentBeforeChange"));
      assertEquals(doc("{_id: 2}"), delete.getDocument("documentKey"));
      assertEquals(doc("{_id: 2, a: 1}"), delete.getDocument("fullDocumentBeforeChange"));
    }
  }

  @Test
  void theDriverDecodesTheSessionAndTxnNumber() {
    try (MongoCursor<ChangeStreamDocument<BsonDocument>> stream =
            coll.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS).cursor();
        ClientSession session = client.startSession()) {
      session.withTransaction(() -> coll.insertOne(session, doc("{_id: 1}")));
      ChangeStreamDocument<BsonDocument> event = nextDocument(stream);
      assertEquals(session.getServerSession().getIdentifier().get("id"), event.getLsid().get("id"));
      assertEquals(
          session.getServerSession().getTransactionNumber(), event.getTxnNumber().getValue());
    }
  }

  private static <T> T nextDocument(MongoCursor<T> cursor) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      T event = cursor.tryNext();
      if (event != null) {
        return event;
      }
    }
    throw new AssertionError("no change event arrived");
  }

  @Test
  void writesOutsideTransactionsCarryNoSessionEvenWhenRetryable() {
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      coll.insertOne(doc("{_id: 1, a: 1}"));
      coll.updateOne(Filters.eq("_id", 1), Updates.set("a", 2));
      coll.insertOne(session, doc("{_id: 2}"));
      coll.deleteOne(session, Filters.eq("_id", 1));

      for (String expected : List.of("insert", "update", "insert", "delete")) {
        BsonDocument event = next(stream);
        assertEquals(expected, op(event), event.toJson());
        assertNotInTransaction(event);
      }
    }
    // These were retryable writes: the driver sent a session and a txnNumber, but no autocommit.
    List<BsonDocument> writes =
        sent.stream().filter(c -> c.containsKey("insert") || c.containsKey("delete")).toList();
    assertEquals(3, writes.size(), writes.toString());
    for (BsonDocument write : writes) {
      assertTrue(write.containsKey("lsid") && write.containsKey("txnNumber"), write.toJson());
      assertFalse(write.containsKey("autocommit"), write.toJson());
    }
  }

  @Test
  void abortPublishesNothingAndRestoresTheDocuments() {
    coll.insertMany(List.of(doc("{_id: 1, a: 1, arr: [1, 2]}"), doc("{_id: 2, a: 2}")));
    List<BsonDocument> before = all();
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.startTransaction();
      coll.insertOne(session, doc("{_id: 3}"));
      coll.updateOne(
          session,
          Filters.eq("_id", 1),
          Updates.combine(Updates.set("a", 5), Updates.push("arr", 3)));
      coll.updateOne(session, Filters.eq("_id", 1), Updates.unset("a"));
      coll.updateOne(session, Filters.eq("_id", 1), List.of(doc("{$set: {p: 1}}")));
      coll.replaceOne(session, Filters.eq("_id", 3), doc("{b: 1}"));
      coll.deleteOne(session, Filters.eq("_id", 2));
      coll.insertOne(session, doc("{_id: 4}"));
      coll.deleteOne(session, Filters.eq("_id", 4));
      session.abortTransaction();

      assertEquals(before, all());
      coll.insertOne(doc("{_id: 'after'}"));
      BsonDocument first = next(stream);
      assertEquals(doc("{_id: 'after'}"), first.getDocument("documentKey"), first.toJson());

      // the session goes on with a new transaction
      session.startTransaction();
      coll.insertOne(session, doc("{_id: 5}"));
      session.commitTransaction();
      BsonDocument committed = next(stream);
      assertEquals(doc("{_id: 5}"), committed.getDocument("documentKey"));
      assertInTransaction(session, committed);
    }
  }

  @Test
  void withTransactionCommitsOnceWithTheSessionsIdentifier() {
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.withTransaction(
          () -> {
            coll.insertOne(session, doc("{_id: 1, a: 1}"));
            return coll.updateOne(session, Filters.eq("_id", 1), Updates.set("a", 2));
          });
      BsonDocument insert = next(stream);
      BsonDocument update = next(stream);
      assertEquals("insert", op(insert));
      assertEquals("update", op(update));
      assertInTransaction(session, insert);
      assertInTransaction(session, update);
      assertEquals(List.of(doc("{_id: 1, a: 2}")), all());
    }
  }

  @Test
  void bulkWritesAndFindAndModifyWithTransactionOptionsAreTransactional() {
    coll.insertOne(doc("{_id: 1, a: 1}"));
    TransactionOptions options =
        TransactionOptions.builder()
            .readConcern(ReadConcern.SNAPSHOT)
            .writeConcern(WriteConcern.MAJORITY)
            .build();
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.withTransaction(
          () -> {
            coll.bulkWrite(
                session,
                List.of(
                    new InsertOneModel<>(doc("{_id: 2, a: 2}")),
                    new UpdateOneModel<>(Filters.eq("_id", 1), Updates.set("a", 3)),
                    new DeleteOneModel<>(Filters.eq("_id", 2))));
            coll.findOneAndUpdate(session, Filters.eq("_id", 1), Updates.unset("a"));
            // the transaction reads its own writes
            return coll.find(session).into(new ArrayList<>());
          },
          options);
      List<String> ops = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        BsonDocument event = next(stream);
        assertInTransaction(session, event);
        ops.add(op(event));
      }
      assertEquals(List.of("insert", "update", "delete", "update"), ops);
      assertEquals(List.of(doc("{_id: 1}")), all());
    }
  }

  @Test
  void concurrentTransactionsPublishEachTransactionsEventsTogether() throws Exception {
    int threads = 4;
    int transactions = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (MongoCursor<BsonDocument> stream = watch()) {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int writer = t;
        writers.add(
            pool.submit(
                () -> {
                  try (ClientSession session = client.startSession()) {
                    for (int i = 0; i < transactions; i++) {
                      String id = writer + "-" + i;
                      session.withTransaction(
                          () ->
                              coll.insertMany(
                                  session,
                                  List.of(
                                      new BsonDocument("_id", new BsonString(id + "-a")),
                                      new BsonDocument("_id", new BsonString(id + "-b")))));
                    }
                  }
                }));
      }
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
      for (int i = 0; i < threads * transactions; i++) {
        BsonDocument a = next(stream);
        BsonDocument b = next(stream);
        String id = a.getDocument("documentKey").getString("_id").getValue();
        assertTrue(id.endsWith("-a"), a.toJson());
        assertEquals(
            id.replace("-a", "-b"), b.getDocument("documentKey").getString("_id").getValue());
        assertEquals(a.get("lsid"), b.get("lsid"));
        assertEquals(a.get("txnNumber"), b.get("txnNumber"));
        assertEquals(a.get("clusterTime"), b.get("clusterTime"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void committingAgainSucceedsAndPublishesNothingNew() {
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.startTransaction();
      coll.insertOne(session, doc("{_id: 1}"));
      session.commitTransaction();
      session.commitTransaction(); // the driver sends commitTransaction again
      coll.insertOne(doc("{_id: 'after'}"));

      assertInTransaction(session, next(stream));
      BsonDocument after = next(stream);
      assertEquals(doc("{_id: 'after'}"), after.getDocument("documentKey"), after.toJson());
    }
    long commits = sent.stream().filter(c -> c.containsKey("commitTransaction")).count();
    assertEquals(2, commits);
  }

  @Test
  void aStreamResumesBetweenAndAfterATransactionsEvents() {
    List<BsonDocument> events = new ArrayList<>();
    try (MongoCursor<BsonDocument> stream = watch();
        ClientSession session = client.startSession()) {
      session.withTransaction(
          () ->
              coll.insertMany(session, List.of(doc("{_id: 1}"), doc("{_id: 2}"), doc("{_id: 3}"))));
      for (int i = 0; i < 3; i++) {
        events.add(next(stream));
      }
    }
    try (MongoCursor<BsonDocument> resumed =
        coll.watch()
            .resumeAfter(events.get(0).getDocument("_id"))
            .maxAwaitTime(200, TimeUnit.MILLISECONDS)
            .withDocumentClass(BsonDocument.class)
            .cursor()) {
      assertEquals(events.get(1), next(resumed));
      assertEquals(events.get(2), next(resumed));
      coll.insertOne(doc("{_id: 4}"));
      BsonDocument later = next(resumed);
      assertEquals(doc("{_id: 4}"), later.getDocument("documentKey"));
      assertNotInTransaction(later);
    }
    try (MongoCursor<BsonDocument> fromCommit =
        coll.watch()
            .startAtOperationTime(events.get(0).getTimestamp("clusterTime"))
            .maxAwaitTime(200, TimeUnit.MILLISECONDS)
            .withDocumentClass(BsonDocument.class)
            .cursor()) {
      for (BsonDocument event : events) {
        assertEquals(event, next(fromCommit));
      }
    }
  }

  @Test
  void misuseGetsMongoDbsErrorCodes() {
    MongoDatabase admin = client.getDatabase("admin");
    MongoDatabase db = client.getDatabase("txn");
    try (ClientSession session = client.startSession()) {
      // this session has no transaction with that number
      MongoCommandException unknown =
          assertThrows(
              MongoCommandException.class,
              () ->
                  admin.runCommand(
                      session,
                      new org.bson.Document("commitTransaction", 1)
                          .append("txnNumber", 1_000_000L)
                          .append("autocommit", false)));
      assertEquals(251, unknown.getErrorCode(), unknown.getMessage());
      assertTrue(unknown.hasErrorLabel("TransientTransactionError"), unknown.getMessage());

      session.startTransaction();
      coll.insertOne(session, doc("{_id: 1}"));
      session.abortTransaction();
      long aborted = session.getServerSession().getTransactionNumber();
      MongoCommandException continued =
          assertThrows(
              MongoCommandException.class,
              () -> db.runCommand(session, insertInTransaction(aborted, false)));
      assertEquals(251, continued.getErrorCode(), continued.getMessage());
      assertTrue(continued.hasErrorLabel("TransientTransactionError"), continued.getMessage());

      MongoCommandException tooOld =
          assertThrows(
              MongoCommandException.class,
              () -> db.runCommand(session, insertInTransaction(aborted - 1, true)));
      assertEquals(225, tooOld.getErrorCode(), tooOld.getMessage());
    }
    assertEquals(List.of(), all());
  }

  private static org.bson.Document insertInTransaction(long txnNumber, boolean start) {
    org.bson.Document command =
        new org.bson.Document("insert", "c")
            .append("documents", List.of(new org.bson.Document("_id", 9)))
            .append("txnNumber", txnNumber)
            .append("autocommit", false);
    if (start) {
      command.append("startTransaction", true);
    }
    return command;
  }
}
