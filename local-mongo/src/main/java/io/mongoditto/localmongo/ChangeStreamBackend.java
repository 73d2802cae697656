package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.CursorNotFoundException;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's memory backend with the parts that make it behave like a MongoDB 7.0 replica
 * set for change streams: it answers hello, opens change streams on its own {@link ChangeEventLog},
 * serves their getMore (waiting up to maxTimeMS for events, as a real server's awaitData cursors
 * do), offers test fail points, runs pipeline-style updates, hands collection commands (options,
 * renames, indexes) to {@link CollectionCommands} and multi-document transactions to {@link
 * Transactions}.
 */
final class ChangeStreamBackend extends MemoryBackend {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamBackend.class);

  /** A real server's default wait for a getMore on an awaitData cursor without maxTimeMS. */
  static final long DEFAULT_AWAIT_MILLIS = 1000;

  private static final int DEFAULT_FIRST_BATCH = 101;
  private static final int MAX_GETMORE_BATCH = 1000;

  /** Like a real server's cursorTimeoutMillis: streams nobody read for 10 minutes are closed. */
  static final long CURSOR_IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final ChangeEventLog log;
  private final ReplicaSetHello hello;
  private final FailPoints failPoints = new FailPoints();
  private final CollectionCommands collections;
  private final Transactions transactions;
  private final Set<ChangeStreamCursor> openStreams = ConcurrentHashMap.newKeySet();

  ChangeStreamBackend(ChangeEventLog log, String replicaSetName, Duration transactionLifetime) {
    this.log = log;
    this.transactions = new Transactions(log, transactionLifetime);
    this.hello = new ReplicaSetHello(replicaSetName, log);
    this.collections = new CollectionCommands(log, this::resolveDatabase, this::stock);
    version(ReplicaSetHello.MONGO_7_0);
  }

  @Override
  protected Oplog createOplog() {
    return new ChangeEventOplog(log);
  }

  @Override
  public MemoryDatabase openOrCreateDatabase(String databaseName) {
    return new ChangeStreamDatabase(databaseName, getCursorRegistry(), log);
  }

  @Override
  public Document handleCommand(
      Channel channel, String databaseName, String command, Document query) {
    String name = command.toLowerCase(Locale.ROOT);
    switch (name) {
      case "hello", "ismaster":
        return hello.reply(channel, command, query);
      case "committransaction":
        return failPointOr(channel, command, () -> transactions.commit(databaseName, query));
      case "aborttransaction":
        return failPointOr(channel, command, () -> transactions.abort(databaseName, query));
      case "endsessions":
        transactions.endSessions(query);
        break;
      default:
        break;
    }
    // Like a real server, the session's transaction is checked before fail points fire, so an
    // injected error inside a transaction aborts it as any other error there does.
    return transactions.run(
        TransactionIsolation.namespaceOf(
            databaseName, command, query, "aggregate".equals(name) && isChangeStream(query)),
        query,
        () ->
            failPointOr(
                channel, command, () -> dispatch(channel, databaseName, command, name, query)));
  }

  private Document failPointOr(Channel channel, String command, Supplier<Document> run) {
    Optional<FailPoints.Failure> failure = failPoints.trigger(command);
    if (failure.isPresent()) {
      if (failure.get().closeConnection() && channel != null) {
        channel.close();
      }
      return failure.get().reply();
    }
    return run.get();
  }

  private Document dispatch(
      Channel channel, String databaseName, String command, String name, Document query) {
    switch (name) {
      case "configurefailpoint":
        return failPoints.configure(query);
      case "aggregate":
        if (isChangeStream(query)) {
          return openChangeStream(databaseName, query);
        }
        return QueryBatches.limitAggregate(
            getCursorRegistry(), super.handleCommand(channel, databaseName, command, query));
      case "find":
        QueryBatches.limitFind(query);
        break;
      case "collmod":
        return collections.collMod(databaseName, query);
      case "create":
        return collections.create(channel, databaseName, command, query);
      case "listcollections":
        return collections.listCollections(channel, databaseName, command, query);
      case "renamecollection":
        return collections.rename(channel, databaseName, command, query);
      case "createindexes", "dropindexes":
        return collections.indexCommand(channel, databaseName, command, query);
      case "update":
        if (PipelineUpdates.hasPipeline(query)) {
          return PipelineUpdates.run(this, resolveDatabase(databaseName), query, oplog);
        }
        break;
      default:
        break;
    }
    return super.handleCommand(channel, databaseName, command, query);
  }

  @Override
  public void close() {
    transactions.close();
    super.close();
  }

  private static boolean isChangeStream(Document query) {
    return query.get("pipeline") instanceof List<?> pipeline
        && !pipeline.isEmpty()
        && pipeline.get(0) instanceof Document first
        && first.containsKey("$changeStream");
  }

  private Document openChangeStream(String databaseName, Document query) {
    Object target = query.get("aggregate");
    String coll = target instanceof String s ? s : null;
    List<?> pipeline = (List<?>) query.get("pipeline");
    Document first = (Document) pipeline.get(0);
    ChangeStreamOptions options =
        ChangeStreamOptions.parse(databaseName, coll, first.get("$changeStream"));
    MongoDatabase database = resolveDatabase(databaseName);
    Aggregation stages = null;
    if (pipeline.size() > 1) {
      List<Document> rest = new ArrayList<>();
      for (Object stage : pipeline.subList(1, pipeline.size())) {
        if (stage instanceof Document d && d.containsKey("$changeStream")) {
          throw new MongoServerError(
              40602,
              "Location40602",
              "$changeStream is only valid as the first stage in a pipeline.");
        }
        rest.add((Document) stage);
      }
      MongoCollection<?> collection = coll == null ? null : database.resolveCollection(coll, false);
      stages =
          Aggregation.fromPipeline(
              PipelineStages.translate(rest), this::resolveDatabase, database, collection, oplog);
    }
    String namespace = coll != null ? databaseName + "." + coll : databaseName + ".$cmd.aggregate";
    int batchSize = DEFAULT_FIRST_BATCH;
    if (query.get("cursor") instanceof Document cursorSpec
        && cursorSpec.get("batchSize") instanceof Number n) {
      batchSize = n.intValue();
    }
    ChangeStreamCursor cursor;
    ChangeStreamCursor.Batch batch;
    try {
      cursor =
          new ChangeStreamCursor(
              getCursorRegistry().generateCursorId(),
              log,
              options,
              stages,
              this::lookup,
              namespace);
      batch = cursor.nextBatch(batchSize, 0);
    } catch (MongoServerError e) {
      return ChangeStreamErrors.reply(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MongoServerError(11601, "Interrupted", "operation was interrupted");
    }
    long id = 0L;
    if (!batch.exhausted()) {
      closeIdleStreams();
      getCursorRegistry().add(cursor);
      openStreams.add(cursor);
      id = cursor.getId();
    }
    LOG.debug("opened change stream {} on {} with {}", id, namespace, options);
    return cursorReply("firstBatch", batch, id, namespace);
  }

  private Document cursorReply(
      String batchField, ChangeStreamCursor.Batch batch, long id, String namespace) {
    Document cursor =
        new Document(batchField, batch.documents())
            .append("postBatchResumeToken", batch.postBatchResumeToken())
            .append("id", id)
            .append("ns", namespace);
    return new Document("cursor", cursor)
        .append("operationTime", log.currentTime())
        .append("ok", 1.0);
  }

  @Override
  protected Document handleGetMore(String databaseName, String command, Document query) {
    Object rawId = query.get(command);
    Cursor found = null;
    if (rawId instanceof Number number) {
      try {
        found = getCursorRegistry().getCursor(number.longValue());
      } catch (CursorNotFoundException e) {
        found = null;
      }
    }
    if (found != null && !(found instanceof ChangeStreamCursor)) {
      return QueryBatches.getMore(
          getCursorRegistry(),
          found,
          databaseName + "." + query.get("collection"),
          query.get("batchSize"));
    }
    if (!(found instanceof ChangeStreamCursor cursor)) {
      return super.handleGetMore(databaseName, command, query);
    }
    try {
      return getMore(cursor, query);
    } finally {
      if (cursor.isEmpty()) {
        openStreams.remove(cursor);
      }
    }
  }

  /** Streams abandoned by their clients (never killed) would otherwise stay open forever. */
  private void closeIdleStreams() {
    for (ChangeStreamCursor stream : openStreams) {
      if (stream.idleFor(CURSOR_IDLE_NANOS)) {
        openStreams.remove(stream);
        getCursorRegistry().remove(stream);
        LOG.info(
            "closed change stream {} on {}: idle for 10 minutes",
            stream.getId(),
            stream.namespace());
      }
    }
  }

  private Document getMore(ChangeStreamCursor cursor, Document query) {
    int batchSize =
        query.get("batchSize") instanceof Number n && n.intValue() > 0
            ? Math.min(n.intValue(), MAX_GETMORE_BATCH)
            : MAX_GETMORE_BATCH;
    long waitMillis =
        query.get("maxTimeMS") instanceof Number n ? n.longValue() : DEFAULT_AWAIT_MILLIS;
    ChangeStreamCursor.Batch batch;
    try {
      batch = cursor.nextBatch(batchSize, TimeUnit.MILLISECONDS.toNanos(waitMillis));
    } catch (MongoServerError e) {
      getCursorRegistry().remove(cursor);
      return ChangeStreamErrors.reply(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      getCursorRegistry().remove(cursor);
      throw new MongoServerError(11600, "InterruptedAtShutdown", "interrupted at shutdown");
    }
    long id = cursor.getId();
    if (batch.exhausted()) {
      getCursorRegistry().remove(cursor);
      id = 0L;
    }
    return cursorReply("nextBatch", batch, id, cursor.namespace());
  }

  private Document lookup(String db, String coll, Object id) {
    transactions.awaitCommitted(db + "." + coll);
    MongoCollection<?> collection = resolveDatabase(db).resolveCollection(coll, false);
    if (collection == null) {
      return null;
    }
    return collection.handleQueryAsStream(new Document("_id", id)).findFirst().orElse(null);
  }

  /** The stock command handling, for {@link CollectionCommands}. */
  private Document stock(Channel channel, String databaseName, String command, Document query) {
    return super.handleCommand(channel, databaseName, command, query);
  }
}
