package io.mongoditto.source;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import io.mongoditto.change.DittoChange;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.StartupMode;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.MappingError;
import io.mongoditto.mapping.MappingResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one collection on its own thread, its existing documents first where its startup mode or
 * offset says so ({@link SnapshotCopier}), then its change stream, and puts the records into the
 * task's buffer. Resumes after the given token; an idle stream waits in the server (maxAwaitTime)
 * and, where a server answers at once anyway, backs off instead of spinning. Stops for good, with a
 * failure that says what happened, on a drop, rename or invalidate and on lost history.
 */
final class CollectionStreamReader implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(CollectionStreamReader.class);
  static final int HISTORY_LOST = 286;
  private static final Set<String> DATA_EVENTS = Set.of("insert", "update", "replace", "delete");
  private static final Set<String> END_EVENTS =
      Set.of("drop", "rename", "dropDatabase", "invalidate");
  private static final long MIN_BACKOFF_MS = 10;
  private static final long MAX_RETRY_BACKOFF_MS = 30_000;
  private static final int WARNED_IDS_LIMIT = 10_000;
  private static final JsonWriterSettings RELAXED =
      JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

  private final String connectorName;
  private final MongoSourceConfig config;
  private final CollectionConfig settings;
  private final MongoDatabase database;
  private final SourceBuffer buffer;
  private final SourceTaskStats stats;
  private final CollectionMetrics metrics;
  private final ChangeEventMapper mapper;
  private final ChangeRecordFactory records;
  private final String namespace;
  private final SnapshotCopier copier;

  /** Ids whose id-field change was already reported: WARN once per document, bounded. */
  private final Set<String> warnedIdChanges =
      Collections.newSetFromMap(
          new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > WARNED_IDS_LIMIT;
            }
          });

  /** The offset of the last event handed to the buffer: where a reopened stream resumes. */
  private volatile Map<String, ?> lastOffset;

  private final ReaderState state;

  /** Set after lost history under policy resnapshot: copy again although no offset says so. */
  private boolean forceSnapshot;

  private long lastRecordNanos = System.nanoTime();

  CollectionStreamReader(
      String connectorName,
      MongoSourceConfig config,
      CollectionConfig settings,
      MongoDatabase database,
      SourceBuffer buffer,
      SourceTaskStats stats,
      ChangeEventMapper mapper,
      Map<String, ?> startOffset,
      java.util.concurrent.Semaphore snapshotPermits) {
    this(
        connectorName,
        config,
        settings,
        database,
        buffer,
        stats,
        mapper,
        startOffset,
        snapshotPermits,
        null);
  }

  /**
   * @param storedOffsets the runtime's offset storage: a first copy starts once its position is
   *     stored there
   */
  CollectionStreamReader(
      String connectorName,
      MongoSourceConfig config,
      CollectionConfig settings,
      MongoDatabase database,
      SourceBuffer buffer,
      SourceTaskStats stats,
      ChangeEventMapper mapper,
      Map<String, ?> startOffset,
      java.util.concurrent.Semaphore snapshotPermits,
      org.apache.kafka.connect.storage.OffsetStorageReader storedOffsets) {
    this.connectorName = connectorName;
    this.config = config;
    this.settings = settings;
    this.database = database;
    this.buffer = buffer;
    this.stats = stats;
    this.metrics = stats.collection(settings.name());
    this.mapper = mapper;
    this.records =
        new ChangeRecordFactory(
            settings,
            config.database(),
            config.errorsTopic(),
            config.topicPartitions(),
            config.recordMaxBytes());
    this.namespace = config.database() + "." + settings.name();
    this.lastOffset = startOffset;
    this.state = new ReaderState(buffer);
    // A first copy's stream position is stored before the copy starts (DurableSnapshotStart).
    DurableSnapshotStart durableStart =
        new DurableSnapshotStart(
            config.snapshotAwaitStoredStart() ? storedOffsets : null,
            SourceOffsets.partition(config.database(), settings.name()),
            namespace);
    this.copier =
        new SnapshotCopier(
            config,
            settings,
            database,
            buffer,
            metrics,
            mapper,
            records,
            durableStart,
            snapshotPermits,
            this::watch,
            this::emit,
            state);
  }

  String collection() {
    return settings.name();
  }

  void stop() {
    state.stop();
  }

  @Override
  public void run() {
    long retryBackoff = 1000;
    while (state.active()) {
      try {
        readCollection();
        return;
      } catch (InterruptedException | MongoInterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (MongoSocketException | MongoTimeoutException e) {
        if (!state.active()) {
          return;
        }
        // The driver already retried a resumable error once; keep trying with backoff, from the
        // last event handed on, rather than failing the task on a network blip or an election.
        log.warn(
            "Change stream on {} lost its connection ({}); reopening in {} ms",
            namespace,
            e.getClass().getSimpleName(),
            retryBackoff);
        if (!state.sleep(retryBackoff)) {
          return;
        }
        retryBackoff = Math.min(retryBackoff * 2, MAX_RETRY_BACKOFF_MS);
      } catch (MongoCommandException e) {
        if (!state.active()) {
          return;
        }
        if (e.getErrorCode() == HISTORY_LOST
            && config.historyLostPolicy() == MongoSourceConfig.HistoryLostPolicy.RESNAPSHOT) {
          // Copy the collection again and stream from a position taken before that copy: upserts
          // and deletes are idempotent, so this converges to the current state without a gap.
          stats.resnapshot(settings.name());
          log.warn(
              "The resume position of {} is no longer in MongoDB's oplog (error 286);"
                  + " history.lost.policy=resnapshot: copying the collection again",
              namespace);
          lastOffset = null;
          forceSnapshot = true;
          continue;
        }
        if (e.getErrorCode() == HISTORY_LOST) {
          state.fail(log, historyLostMessage());
        } else {
          state.fail(
              log,
              "The change stream on "
                  + namespace
                  + " failed with MongoDB error "
                  + e.getErrorCode()
                  + " ("
                  + e.getErrorCodeName()
                  + "): "
                  + e.getErrorMessage());
        }
        return;
      } catch (MongoException e) {
        if (state.active()) {
          state.fail(log, "The change stream on " + namespace + " failed: " + e.getMessage());
        }
        return;
      } catch (RuntimeException e) {
        if (state.active()) {
          log.error("Change stream reader of {} failed", namespace, e);
          buffer.fail(
              new ConnectException(
                  "The change stream reader of " + namespace + " failed: " + e, e));
        }
        return;
      }
    }
  }

  private void readCollection() throws InterruptedException {
    if (needsSnapshot()) {
      Map<String, ?> streamFrom = copier.copy(lastOffset, forceSnapshot);
      if (streamFrom == null) {
        return;
      }
      lastOffset = streamFrom;
      forceSnapshot = false;
      if (settings.startupMode() == StartupMode.SNAPSHOT_ONLY) {
        log.info(
            "Snapshot of {} complete; startup mode snapshot_only: not streaming it", namespace);
        metrics.finished();
        return;
      }
    }
    stream();
  }

  /**
   * A stored snapshot offset continues its copy; otherwise only a collection without offset copies.
   */
  private boolean needsSnapshot() {
    if (SourceOffsets.resumeToken(lastOffset) != null) {
      return false;
    }
    if (SourceOffsets.snapshotStartToken(lastOffset) != null) {
      return true;
    }
    return forceSnapshot
        || settings.startupMode() == StartupMode.INITIAL
        || settings.startupMode() == StartupMode.SNAPSHOT_ONLY;
  }

  private ChangeStreamIterable<Document> watch() {
    // With post-images on, whenAvailable gives the document as of this change; otherwise the
    // server looks up the current one (updateLookup), which may already be newer.
    FullDocument fullDocument =
        postImagesEnabled() ? FullDocument.WHEN_AVAILABLE : FullDocument.UPDATE_LOOKUP;
    ChangeStreamIterable<Document> iterable =
        database
            .getCollection(settings.name())
            .watch(FilteredReads.streamPipeline(settings.rules()))
            .fullDocument(fullDocument)
            .fullDocumentBeforeChange(FullDocumentBeforeChange.WHEN_AVAILABLE)
            .maxAwaitTime(config.streamMaxAwaitMs(), TimeUnit.MILLISECONDS);
    if (config.streamBatchSize() > 0) {
      iterable.batchSize(config.streamBatchSize());
    }
    return iterable;
  }

  private void stream() throws InterruptedException {
    BsonDocument token = SourceOffsets.resumeToken(lastOffset);
    if (token == null) {
      token = SourceOffsets.snapshotStartToken(lastOffset);
    }
    ChangeStreamIterable<Document> iterable = watch();
    String from;
    if (token != null) {
      iterable.resumeAfter(token);
      from = "after " + token.toJson();
    } else if (settings.startupMode() == StartupMode.TIMESTAMP
        && config.startupTimestamp() != null) {
      iterable.startAtOperationTime(new BsonTimestamp(config.startupTimestamp().intValue(), 0));
      from = "at cluster time " + config.startupTimestamp();
    } else {
      from = "now";
    }
    metrics.streaming();
    log.info(
        "Streaming changes of {} to topic {} ({}; from {})",
        namespace,
        settings.topic(),
        settings.mapping().idMode().name().toLowerCase(),
        from);
    try (MongoCursor<RawBsonDocument> cursor =
        iterable.withDocumentClass(RawBsonDocument.class).cursor()) {
      if (lastOffset == null
          && cursor instanceof MongoChangeStreamCursor<?> cs
          && cs.getResumeToken() != null) {
        // The position the stream starts at: the "previous" offset of the first event's records.
        lastOffset = SourceOffsets.streamOffset(cs.getResumeToken());
      }
      long backoff = MIN_BACKOFF_MS;
      while (state.active()) {
        long started = System.nanoTime();
        RawBsonDocument event = cursor.tryNext();
        if (event == null) {
          long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          if (!heartbeat(cursor)) {
            return;
          }
          if (waitedMs < config.streamMaxAwaitMs() / 2) {
            // The server did not hold the getMore: back off instead of spinning.
            if (!state.sleep(backoff)) {
              return;
            }
            backoff =
                Math.min(
                    backoff * 2,
                    Math.max(MIN_BACKOFF_MS, Math.min(config.streamMaxAwaitMs(), 500)));
          }
          continue;
        }
        backoff = MIN_BACKOFF_MS;
        lastRecordNanos = System.nanoTime();
        if (!handle(RawDocuments.decode(event), RawDocuments.size(event))) {
          return;
        }
      }
    }
  }

  /**
   * On an idle stream, hands Connect the stream's current position (postBatchResumeToken) now and
   * then, so a collection that rarely changes does not keep a token that falls out of the oplog.
   * False when stopping.
   */
  private boolean heartbeat(MongoCursor<?> cursor) throws InterruptedException {
    if (config.heartbeatIntervalMs() <= 0 || !(cursor instanceof MongoChangeStreamCursor<?> cs)) {
      return true;
    }
    long now = System.nanoTime();
    if (now - lastRecordNanos < TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs())) {
      return true;
    }
    lastRecordNanos = now;
    BsonDocument position = cs.getResumeToken();
    if (position == null || position.equals(SourceOffsets.resumeToken(lastOffset))) {
      return true;
    }
    Map<String, ?> offset = SourceOffsets.streamOffset(position);
    if (!buffer.put(records.heartbeatRecord(config.heartbeatTopic(), offset))) {
      return false;
    }
    lastOffset = offset;
    return true;
  }

  private boolean postImagesEnabled() {
    // Matched by name rather than with a filter: not every server honours listCollections filters.
    for (Document info : database.listCollections()) {
      if (settings.name().equals(info.getString("name"))) {
        return SourceConnectionCheck.preImagesEnabled(info);
      }
    }
    return false;
  }

  /** False when this stream must end. */
  private boolean handle(BsonDocument event, long bsonBytes) throws InterruptedException {
    String op =
        event.containsKey("operationType") ? event.getString("operationType").getValue() : "";
    BsonDocument token = event.getDocument("_id", null);
    if (token == null) {
      state.fail(
          log,
          "A change event on "
              + namespace
              + " has no resume token (_id); a $project must not remove it");
      return false;
    }
    metrics.event(op, event, bsonBytes);
    if (log.isDebugEnabled()) {
      log.debug("Change event '{}' on {} for _id {}", op, namespace, sourceId(event));
    }
    Map<String, ?> offset = SourceOffsets.streamOffset(token);
    if (END_EVENTS.contains(op)) {
      state.fail(log, endMessage(op, event));
      return false;
    }
    if (!DATA_EVENTS.contains(op)) {
      log.debug("Ignoring change event '{}' on {}", op, namespace);
      return true;
    }
    MappingResult result;
    try {
      result = mapper.map(event);
    } catch (RuntimeException e) {
      // A mapper bug must not stop the stream silently nor pass as success: treat as a bad
      // document.
      log.error("Mapping a '{}' event on {} threw", op, namespace, e);
      result =
          MappingResult.failed(
              new MappingError(settings.name(), sourceId(event), null, "mapping failed: " + e));
    }
    return emit(result, event, offset);
  }

  /** Hands the records of one event or snapshot document to the buffer; false when stopping. */
  private boolean emit(MappingResult result, BsonDocument raw, Map<String, ?> offset)
      throws InterruptedException {
    if (result.failed()) {
      stats.badDocument(settings.name());
      SourceRecord errorRecord = records.errorRecord(result.error(), raw, offset);
      if (errorRecord == null) {
        log.warn(
            "Bad document skipped (no {} configured): {}",
            MongoSourceConfigDef.ERRORS_TOPIC,
            result.error().describe());
      } else {
        log.warn("Bad document sent to {}: {}", config.errorsTopic(), result.error().describe());
        if (!buffer.put(errorRecord)) {
          return false;
        }
        metrics.errorRecords.increment();
      }
      lastOffset = offset;
      return true;
    }
    List<DittoChange> changes = result.changes();
    if (result.idChanged()) {
      stats.idChange(settings.name());
      String id = changes.isEmpty() ? null : changes.get(0).sourceId();
      if (warnedIdChanges.add(String.valueOf(id))) {
        log.warn(
            "A mapped id field of document _id {} in {} changed (id fields must be immutable):"
                + " deleting the old Ditto document and upserting the new one",
            id,
            namespace);
      }
    }
    for (SourceRecord r : records.changeRecords(changes, offset, lastOffset)) {
      if (!buffer.put(r)) {
        return false;
      }
    }
    stats.records(settings.name(), changes.size());
    if (log.isDebugEnabled()) {
      log.debug(
          "{}: {} record(s) for Ditto _id(s) {} to {}",
          namespace,
          changes.size(),
          changes.stream().map(DittoChange::id).toList(),
          settings.topic());
    }
    lastOffset = offset;
    return true;
  }

  private static String sourceId(BsonDocument event) {
    BsonDocument key = event.getDocument("documentKey", null);
    return render(key == null ? null : key.get("_id"));
  }

  /**
   * A MongoDB _id as text for errors and logs: strings and ObjectIds bare, others as relaxed JSON.
   */
  static String render(BsonValue id) {
    if (id == null) {
      return null;
    }
    if (id.isString()) {
      return id.asString().getValue();
    }
    if (id.isObjectId()) {
      return id.asObjectId().getValue().toHexString();
    }
    String json = new BsonDocument("v", id).toJson(RELAXED);
    return json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
  }

  private String endMessage(String op, BsonDocument event) {
    String what =
        switch (op) {
          case "drop" -> "was dropped";
          case "dropDatabase" -> "was dropped with its database";
          case "rename" ->
              "was renamed"
                  + (event.containsKey("to") ? " to " + event.getDocument("to").toJson() : "");
          default -> "invalidated its change stream (dropped or renamed)";
        };
    return "Collection "
        + namespace
        + " "
        + what
        + " (change event '"
        + op
        + "'). Its change stream"
        + " stopped; nothing after this event was read. Recreate the collection (with"
        + " changeStreamPreAndPostImages if its id mode needs them), then stop the connector, reset"
        + " its offsets (PUT /connectors/"
        + connectorName
        + "/stop, DELETE /connectors/"
        + connectorName
        + "/offsets) and resume it; or remove the collection from '"
        + MongoSourceConfigDef.COLLECTIONS
        + "'.";
  }

  private String historyLostMessage() {
    return "The resume token stored for "
        + namespace
        + " is no longer in MongoDB's oplog (error 286,"
        + " ChangeStreamHistoryLost): changes since the last committed offset cannot be read from the"
        + " change stream, and "
        + MongoSourceConfigDef.HISTORY_LOST_POLICY
        + "=fail refuses to skip them."
        + " To re-sync: PUT /connectors/"
        + connectorName
        + "/stop, DELETE /connectors/"
        + connectorName
        + "/offsets, re-copy the existing documents, then PUT /connectors/"
        + connectorName
        + "/resume."
        + " Consider a larger oplog (replSetResizeOplog) so the connector can be down longer.";
  }
}
