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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's memory backend with the parts that make it behave like a MongoDB 7.0
 * replica set for change streams: it answers hello, opens change streams on its own
 * {@link ChangeEventLog}, serves their getMore (waiting up to maxTimeMS for events, as a real
 * server's awaitData cursors do), handles collMod and the changeStreamPreAndPostImages option,
 * records renames and runs pipeline-style updates.
 */
final class ChangeStreamBackend extends MemoryBackend {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamBackend.class);

  /** A real server's default wait for a getMore on an awaitData cursor without maxTimeMS. */
  static final long DEFAULT_AWAIT_MILLIS = 1000;
  private static final int DEFAULT_FIRST_BATCH = 101;
  private static final int MAX_GETMORE_BATCH = 1000;

  private final ChangeEventLog log;
  private final ReplicaSetHello hello;
  private final FailPoints failPoints = new FailPoints();

  ChangeStreamBackend(ChangeEventLog log, String replicaSetName) {
    this.log = log;
    this.hello = new ReplicaSetHello(replicaSetName, log);
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
  public Document handleCommand(Channel channel, String databaseName, String command,
      Document query) {
    String name = command.toLowerCase(Locale.ROOT);
    if (!name.equals("hello") && !name.equals("ismaster")) {
      Optional<FailPoints.Failure> failure = failPoints.trigger(command);
      if (failure.isPresent()) {
        if (failure.get().closeConnection() && channel != null) {
          channel.close();
        }
        return failure.get().reply();
      }
    }
    switch (name) {
      case "hello", "ismaster":
        return hello.reply(channel, command, query);
      case "configurefailpoint":
        return failPoints.configure(query);
      case "aggregate":
        if (isChangeStream(query)) {
          return openChangeStream(databaseName, query);
        }
        break;
      case "collmod":
        return collMod(databaseName, query);
      case "create": {
        Document reply = super.handleCommand(channel, databaseName, command, query);
        Object option = query.get(PreAndPostImageOptions.FIELD);
        if (option != null) {
          collection(databaseName, String.valueOf(query.get(command)))
              .preAndPostImages(PreAndPostImageOptions.enabled(option));
        }
        return reply;
      }
      case "listcollections":
        return withImageOptions(databaseName, super.handleCommand(channel, databaseName, command,
            query));
      case "renamecollection":
        return rename(channel, databaseName, command, query);
      case "createindexes", "dropindexes":
        return indexCommand(channel, databaseName, command, query);
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

  private static boolean isChangeStream(Document query) {
    return query.get("pipeline") instanceof List<?> pipeline && !pipeline.isEmpty()
        && pipeline.get(0) instanceof Document first && first.containsKey("$changeStream");
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
          throw new MongoServerError(40602, "Location40602",
              "$changeStream is only valid as the first stage in a pipeline.");
        }
        rest.add((Document) stage);
      }
      MongoCollection<?> collection = coll == null ? null : database.resolveCollection(coll, false);
      stages = Aggregation.fromPipeline(PipelineStages.translate(rest), this::resolveDatabase, database, collection, oplog);
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
      cursor = new ChangeStreamCursor(getCursorRegistry().generateCursorId(), log, options, stages,
          this::lookup, namespace);
      batch = cursor.nextBatch(batchSize, 0);
    } catch (MongoServerError e) {
      return ChangeStreamErrors.reply(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MongoServerError(11601, "Interrupted", "operation was interrupted");
    }
    long id = 0L;
    if (!batch.exhausted()) {
      getCursorRegistry().add(cursor);
      id = cursor.getId();
    }
    LOG.debug("opened change stream {} on {} with {}", id, namespace, options);
    return cursorReply("firstBatch", batch, id, namespace);
  }

  private Document cursorReply(String batchField, ChangeStreamCursor.Batch batch, long id,
      String namespace) {
    Document cursor = new Document(batchField, batch.documents())
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
    if (!(found instanceof ChangeStreamCursor cursor)) {
      return super.handleGetMore(databaseName, command, query);
    }
    int batchSize = query.get("batchSize") instanceof Number n && n.intValue() > 0
        ? Math.min(n.intValue(), MAX_GETMORE_BATCH) : MAX_GETMORE_BATCH;
    long waitMillis = query.get("maxTimeMS") instanceof Number n ? n.longValue()
        : DEFAULT_AWAIT_MILLIS;
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
    MongoCollection<?> collection = resolveDatabase(db).resolveCollection(coll, false);
    if (collection == null) {
      return null;
    }
    return collection.handleQueryAsStream(new Document("_id", id)).findFirst().orElse(null);
  }

  private Document collMod(String databaseName, Document query) {
    String name = String.valueOf(query.get("collMod"));
    ChangeStreamCollection collection = findCollection(databaseName, name);
    if (collection == null) {
      throw ChangeStreamErrors.namespaceNotFound("ns does not exist: " + databaseName + "." + name);
    }
    Object option = query.get(PreAndPostImageOptions.FIELD);
    if (option != null) {
      collection.preAndPostImages(PreAndPostImageOptions.enabled(option));
    }
    Document changes = query.clone();
    changes.remove("collMod");
    changes.keySet().removeIf(k -> k.startsWith("$") || k.equals("lsid")
        || k.equals("txnNumber"));
    log.append(ChangeEvent.Draft.ofDdl(ChangeEvent.MODIFY, databaseName, name,
        collection.getUuid(), changes));
    return new Document("ok", 1.0);
  }

  private Document withImageOptions(String databaseName, Document reply) {
    if (reply.get("cursor") instanceof Document cursor
        && cursor.get("firstBatch") instanceof List<?> batch) {
      for (Object entry : batch) {
        if (entry instanceof Document description
            && description.get("options") instanceof Document options) {
          ChangeStreamCollection c =
              findCollection(databaseName, String.valueOf(description.get("name")));
          if (c != null && c.preAndPostImages()) {
            options.put(PreAndPostImageOptions.FIELD, PreAndPostImageOptions.asListed());
          }
        }
      }
    }
    return reply;
  }

  private Document rename(Channel channel, String databaseName, String command, Document query) {
    String from = String.valueOf(query.get(command));
    String to = String.valueOf(query.get("to"));
    int f = from.indexOf('.');
    int t = to.indexOf('.');
    if (f <= 0 || t <= 0) {
      return super.handleCommand(channel, databaseName, command, query);
    }
    String fromDb = from.substring(0, f);
    String fromColl = from.substring(f + 1);
    String toDb = to.substring(0, t);
    String toColl = to.substring(t + 1);
    ChangeStreamCollection source = findCollection(fromDb, fromColl);
    ChangeStreamCollection target = findCollection(toDb, toColl);
    // mongo-java-server moves a collection without re-registering its secondary indexes under
    // the new name (dropping it later fails): move them by hand, without change events.
    List<Document> secondary = source == null ? List.of()
        : indexes(channel, fromDb, fromColl).stream()
            .filter(i -> !"_id_".equals(i.get("name"))).toList();
    for (Document index : secondary) {
      super.handleCommand(channel, fromDb, "dropIndexes",
          new Document("dropIndexes", fromColl).append("index", index.get("name")));
    }
    Document reply;
    try {
      reply = super.handleCommand(channel, databaseName, command, query);
    } catch (RuntimeException e) {
      recreate(channel, fromDb, fromColl, secondary);
      throw e;
    }
    recreate(channel, toDb, toColl, secondary);
    Document description = new Document("to", new Document("db", toDb).append("coll", toColl));
    if (target != null && Boolean.TRUE.equals(query.get("dropTarget"))) {
      description.append("dropTarget", target.getUuid());
    }
    log.append(ChangeEvent.Draft.ofRename(fromDb, fromColl,
        source == null ? null : source.getUuid(), toDb, toColl, description));
    return reply;
  }

  private void recreate(Channel channel, String db, String coll, List<Document> indexes) {
    if (!indexes.isEmpty()) {
      List<Document> specs = new ArrayList<>();
      for (Document index : indexes) {
        Document spec = index.clone();
        spec.remove("v");
        spec.remove("ns");
        specs.add(spec);
      }
      super.handleCommand(channel, db, "createIndexes",
          new Document("createIndexes", coll).append("indexes", specs));
    }
  }

  /** createIndexes / dropIndexes, recorded for streams with showExpandedEvents. */
  private Document indexCommand(Channel channel, String databaseName, String command,
      Document query) {
    String name = String.valueOf(query.get(command));
    boolean create = command.equalsIgnoreCase("createIndexes");
    List<Document> before = create ? List.of() : indexes(channel, databaseName, name);
    ChangeStreamCollection existing = findCollection(databaseName, name);
    int countBefore = existing == null ? 0 : existing.getNumIndexes();
    Document reply = create ? super.handleCommand(channel, databaseName, command, query)
        : dropIndexes(databaseName, name, query.get("index"), before);
    ChangeStreamCollection collection = findCollection(databaseName, name);
    if (collection == null || collection.getNumIndexes() == countBefore) {
      return reply;
    }
    List<Object> changed = new ArrayList<>();
    if (create) {
      if (query.get("indexes") instanceof List<?> specs) {
        for (Object spec : specs) {
          if (spec instanceof Document d) {
            changed.add(new Document("v", 2).append("key", d.get("key"))
                .append("name", d.get("name")));
          }
        }
      }
    } else {
      List<Object> remaining = new ArrayList<>();
      indexes(channel, databaseName, name).forEach(i -> remaining.add(i.get("name")));
      before.stream().filter(i -> !remaining.contains(i.get("name"))).forEach(changed::add);
    }
    log.append(ChangeEvent.Draft.ofDdl(create ? ChangeEvent.CREATE_INDEXES
        : ChangeEvent.DROP_INDEXES, databaseName, name, collection.getUuid(),
        new Document("indexes", changed)));
    return reply;
  }

  /**
   * dropIndexes done here: mongo-java-server looks the index description up by name only and so
   * may delete another collection's same-named index, breaking that collection's later drop.
   */
  private Document dropIndexes(String databaseName, String name, Object which,
      List<Document> existing) {
    MongoDatabase database = resolveDatabase(databaseName);
    MongoCollection<?> collection = database.resolveCollection(name, false);
    if (collection == null) {
      throw ChangeStreamErrors.namespaceNotFound("ns not found " + databaseName + "." + name);
    }
    List<String> names = new ArrayList<>();
    if ("*".equals(which)) {
      existing.stream().map(i -> String.valueOf(i.get("name"))).filter(n -> !n.equals("_id_"))
          .forEach(names::add);
    } else if (which instanceof String n) {
      names.add(n);
    } else if (which instanceof List<?> list) {
      list.forEach(n -> names.add(String.valueOf(n)));
    } else if (which instanceof Document key) {
      existing.stream().filter(i -> key.equals(i.get("key")))
          .map(i -> String.valueOf(i.get("name"))).findFirst()
          .ifPresentOrElse(names::add, () -> {
            throw new MongoServerError(27, "IndexNotFound", "can't find index with key: " + key);
          });
    }
    for (String index : names) {
      if (index.equals("_id_")) {
        throw new MongoServerError(72, "InvalidOptions", "cannot drop _id index");
      }
      if (existing.stream().noneMatch(i -> index.equals(i.get("name")))) {
        throw new MongoServerError(27, "IndexNotFound", "index not found with name [" + index + "]");
      }
    }
    MongoCollection<?> descriptions = database.resolveCollection("system.indexes", false);
    for (String index : names) {
      collection.dropIndex(index);
      if (descriptions != null) {
        descriptions.deleteDocuments(new Document("ns", collection.getFullName())
            .append("name", index), 1);
      }
    }
    return new Document("nIndexesWas", existing.size()).append("ok", 1.0);
  }

  private List<Document> indexes(Channel channel, String databaseName, String collection) {
    List<Document> out = new ArrayList<>();
    Document reply = super.handleCommand(channel, databaseName, "listIndexes",
        new Document("listIndexes", collection));
    if (reply.get("cursor") instanceof Document cursor
        && cursor.get("firstBatch") instanceof List<?> batch) {
      batch.forEach(i -> out.add((Document) i));
    }
    return out;
  }

  private ChangeStreamCollection findCollection(String databaseName, String name) {
    MongoCollection<?> c = resolveDatabase(databaseName).resolveCollection(name, false);
    return c instanceof ChangeStreamCollection csc ? csc : null;
  }

  private ChangeStreamCollection collection(String databaseName, String name) {
    ChangeStreamCollection c = findCollection(databaseName, name);
    if (c == null) {
      throw ChangeStreamErrors.namespaceNotFound("ns does not exist: " + databaseName + "." + name);
    }
    return c;
  }
}
