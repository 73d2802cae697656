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
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.StartupMode;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.DittoIds;
import io.mongoditto.mapping.MappingError;
import io.mongoditto.mapping.MappingResult;
import io.mongoditto.mongo.ConnectorSessions;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
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

  private final String connectorName;
  private final MongoSourceConfig config;
  private final CollectionConfig settings;
  private final MongoDatabase database;
  private final SourceTaskStats stats;
  private final CollectionMetrics metrics;
  private final ConnectorSessions sessions;
  private final ChangeEventMapper mapper;
  private final CollectionPublisher publisher;
  private final ChangeStreamOpener opener;
  private final DurableStart durableStart;
  private final String namespace;
  private final SnapshotCopier copier;
  private final ReaderState state;

  /** Set after lost history under policy resnapshot: copy again although no offset says so. */
  private boolean forceSnapshot;

  /** The stream positions the last copy overlapped, while the stream reads them. */
  private CopyWindow copyWindow = CopyWindow.none();

  private long lastRecordNanos = System.nanoTime();

  /**
   * @param startOffset the collection's stored offset, or null
   * @param storedOffsets the runtime's offset storage: a first copy, and a first stream from "now",
   *     start once their position is stored there; null where nothing stores offsets
   */
  CollectionStreamReader(
      String connectorName,
      MongoSourceConfig config,
      CollectionConfig settings,
      MongoDatabase database,
      SourceBuffer buffer,
      SourceTaskStats stats,
      ChangeEventMapper mapper,
      SourceOffset startOffset,
      java.util.concurrent.Semaphore snapshotPermits,
      org.apache.kafka.connect.storage.OffsetStorageReader storedOffsets,
      ConnectorSessions sessions) {
    this.connectorName = connectorName;
    this.sessions = sessions;
    this.config = config;
    this.settings = settings;
    this.database = database;
    this.stats = stats;
    this.metrics = stats.collection(settings.name());
    this.mapper = mapper;
    this.namespace = config.database() + "." + settings.name();
    this.state = new ReaderState(buffer);
    ChangeRecordFactory records =
        new ChangeRecordFactory(
            settings,
            config.database(),
            config.errorsTopic(),
            config.topicPartitions(),
            config.recordMaxBytes(),
            config.recordOrigin());
    this.publisher =
        new CollectionPublisher(
            settings,
            namespace,
            buffer,
            records,
            stats,
            config.errorsTopic(),
            config.heartbeatTopic(),
            startOffset);
    this.opener =
        new ChangeStreamOpener(
            database, settings, config.streamMaxAwaitMs(), config.streamBatchSize());
    this.durableStart =
        new DurableStart(
            config.snapshotAwaitStoredStart() ? storedOffsets : null,
            SourceOffsets.partition(config.database(), settings.name()),
            namespace);
    this.copier =
        new SnapshotCopier(
            config,
            settings,
            database,
            metrics,
            mapper,
            publisher,
            opener,
            durableStart,
            snapshotPermits,
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
          publisher.forget();
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
          state.fail(log, "The change stream reader of " + namespace + " failed: " + e, e);
        }
        return;
      }
    }
  }

  private void readCollection() throws InterruptedException {
    SourceOffset from = publisher.lastOffset();
    if (!copyWindow.open()) {
      copyWindow = CopyWindow.resumed(from);
    }
    if (from instanceof SourceOffset.Snapshot copy && copy.complete()) {
      if (settings.startupMode() == StartupMode.SNAPSHOT_ONLY) {
        log.info("Snapshot of {} was completed before; startup mode snapshot_only", namespace);
        metrics.finished();
        return;
      }
    } else if (needsSnapshot(from)) {
      SourceOffset after = copier.copy(from, forceSnapshot);
      if (after == null) {
        return;
      }
      // The stream, which starts before the copy began, reads up to the copy's end the changes
      // the copy's records may be older than (see CopyWindow); a sweeping copy took that end.
      copyWindow =
          after instanceof SourceOffset.Stream s && s.copyEnd() != null
              ? CopyWindow.resumed(after)
              : CopyWindow.endingAt(opener.currentPosition());
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
   * A stored copy's offset continues its copy; otherwise only a collection without offset copies.
   */
  private boolean needsSnapshot(SourceOffset from) {
    if (from instanceof SourceOffset.Stream) {
      return false;
    }
    if (from instanceof SourceOffset.Snapshot) {
      return true;
    }
    return forceSnapshot
        || settings.startupMode() == StartupMode.INITIAL
        || settings.startupMode() == StartupMode.SNAPSHOT_ONLY;
  }

  private void stream() throws InterruptedException {
    SourceOffset last = publisher.lastOffset();
    if (last == null && settings.startupMode() == StartupMode.LATEST) {
      // "Now" is made durable before anything is read after it: a task killed before the first
      // offset flush would otherwise start again at a later "now" and never read what changed in
      // between.
      BsonDocument now = opener.currentPosition();
      if (now != null) {
        SourceOffset.Stream start = SourceOffset.stream(now);
        if (!durableStart.store(start, publisher, state::active, "streaming")) {
          return;
        }
        publisher.continueFrom(start);
        last = start;
      }
    }
    ChangeStreamOpener.Stream opened = opener.stream();
    ChangeStreamIterable<Document> iterable = opened.iterable();
    String from;
    if (last != null) {
      iterable.resumeAfter(last.streamPosition());
      from = "after " + last.streamPosition().toJson();
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
        settings.mapping().idMode().name().toLowerCase(Locale.ROOT),
        from);
    try (MongoCursor<RawBsonDocument> cursor = opened.cursor()) {
      if (last == null
          && cursor instanceof MongoChangeStreamCursor<?> cs
          && cs.getResumeToken() != null) {
        // The position the stream starts at: the "previous" offset of the first event's records.
        publisher.continueFrom(SourceOffset.stream(cs.getResumeToken()));
      }
      long backoff = MIN_BACKOFF_MS;
      while (state.active()) {
        long started = System.nanoTime();
        RawBsonDocument event = cursor.tryNext();
        if (event == null) {
          copyWindow.idleAt(
              cursor instanceof MongoChangeStreamCursor<?> cs ? cs.getResumeToken() : null);
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
        if (!handle(RawDocuments.decode(event), RawDocuments.size(event), opened.postImages())) {
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
    SourceOffset last = publisher.lastOffset();
    if (position == null || (last != null && position.equals(last.streamPosition()))) {
      return true;
    }
    return publisher.position(copyWindow.offset(position));
  }

  /**
   * False when this stream must end.
   *
   * @param postImages the stream was opened with {@code fullDocument: whenAvailable}
   */
  private boolean handle(BsonDocument event, long bsonBytes, boolean postImages)
      throws InterruptedException {
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
    if (END_EVENTS.contains(op)) {
      state.fail(log, endMessage(op, event));
      return false;
    }
    if (!DATA_EVENTS.contains(op)) {
      log.debug("Ignoring change event '{}' on {}", op, namespace);
      return true;
    }
    if (postImages && "update".equals(op) && isNull(event.get("fullDocument"))) {
      lookUpCurrentDocument(event);
    }
    // A write of the Ditto -> MongoDB direction (one of its recorded sessions) came from Ditto:
    // Ditto holds it already, and sending it back could revert a newer Ditto value. Except while
    // the stream reads what a copy overlapped: the copy's record of the document, older than the
    // write, may have reached Ditto after it, so the write goes to Ditto as what it changed,
    // after that record (docs/mapping.md, "Echoes").
    boolean inCopyWindow = copyWindow.covers(token);
    // Past the window's end the offset drops it; inside, a restart continues it.
    SourceOffset offset = copyWindow.offset(token);
    boolean echo = sessions.isOwn(event.getDocument("lsid", null));
    if (echo && inCopyWindow) {
      metrics.copyWindowEchoes.increment();
    } else if (echo) {
      metrics.echoes.increment();
    }
    MappingResult result;
    try {
      if (!echo) {
        result = mapper.map(event);
      } else {
        result = inCopyWindow ? mapper.mapOwnWriteOverCopy(event) : mapper.mapEcho(event);
      }
    } catch (RuntimeException e) {
      // A mapper bug must not stop the stream silently nor pass as success: treat as a bad
      // document.
      log.error("Mapping a '{}' event on {} threw", op, namespace, e);
      result =
          MappingResult.failed(
              new MappingError(settings.name(), sourceId(event), null, "mapping failed: " + e));
    }
    return publisher.publish(result, event, offset);
  }

  private static boolean isNull(BsonValue value) {
    return value == null || value.isNull();
  }

  /**
   * An update read with {@code fullDocument: whenAvailable} and no post-image: it happened before
   * post-images were turned on, or its image expired while the connector lagged. Its document is
   * looked up by {@code _id}, as updateLookup would: the current state, or none when it was deleted
   * since (its delete event follows, and the event maps to nothing).
   */
  private void lookUpCurrentDocument(BsonDocument event) {
    BsonDocument key = event.getDocument("documentKey", null);
    if (key == null || !key.containsKey("_id")) {
      return;
    }
    metrics.postImageLookups.increment();
    BsonDocument current =
        database
            .getCollection(settings.name(), BsonDocument.class)
            .find(new BsonDocument("_id", key.get("_id")))
            .first();
    event.put("fullDocument", current == null ? BsonNull.VALUE : current);
    if (log.isDebugEnabled()) {
      log.debug(
          "Update of _id {} on {} has no post-image: looked the document up ({})",
          sourceId(event),
          namespace,
          current == null ? "deleted since" : "found");
    }
  }

  private static String sourceId(BsonDocument event) {
    BsonDocument key = event.getDocument("documentKey", null);
    return DittoIds.sourceId(key == null ? null : key.get("_id"));
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
