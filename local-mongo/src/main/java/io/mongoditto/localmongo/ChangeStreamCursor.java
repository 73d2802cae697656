package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One open change stream: a position in the {@link ChangeEventLog} plus the stream's options and
 * user pipeline. Each batch scans only the log entries after its position (no rescan of the
 * history), renders the events this stream watches as a real server would, and can wait for new
 * entries instead of returning empty at once.
 */
final class ChangeStreamCursor extends AbstractCursor {

  /** How many log entries one pass scans before looking at the clock again. */
  private static final int SCAN_CHUNK = 4096;

  /** Finds a collection's current document for {@code fullDocument: updateLookup}. */
  interface DocumentLookup {
    Document find(String db, String coll, Object id);
  }

  record Batch(List<Document> documents, Document postBatchResumeToken, boolean exhausted) {}

  private final ChangeEventLog log;
  private final ChangeStreamOptions options;
  private final Aggregation userStages;
  private final DocumentLookup lookup;
  private final String namespace;

  private long position;
  private BsonTimestamp positionTime;

  /** The log position of the last event this stream returned (its token ends a batch). */
  private long lastReturned = -1;

  private ChangeEvent invalidatedBy;
  private volatile boolean exhausted;
  private MongoServerError deferredError;
  private volatile long lastUsedNanos = System.nanoTime();

  ChangeStreamCursor(
      long id,
      ChangeEventLog log,
      ChangeStreamOptions options,
      Aggregation userStages,
      DocumentLookup lookup,
      String namespace) {
    super(id);
    this.log = log;
    this.options = options;
    this.userStages = userStages;
    this.lookup = lookup;
    this.namespace = namespace;
    startAt(options);
  }

  String namespace() {
    return namespace;
  }

  private void startAt(ChangeStreamOptions o) {
    if (o.resumeAfter() != null || o.startAfter() != null) {
      boolean startAfter = o.startAfter() != null;
      ResumeToken token = ResumeToken.parse(startAfter ? o.startAfter() : o.resumeAfter());
      if (token == null) {
        throw ChangeStreamErrors.invalidResumeToken(
            "Bad resume token: _data must be a resume" + " token issued by this server");
      }
      if (token.runId() != log.runId()) {
        // Issued by an earlier run of this in-memory server: its history is gone.
        throw ChangeStreamErrors.historyLost();
      }
      if (token.invalidate() && !startAfter) {
        throw ChangeStreamErrors.invalidResumeToken(
            "Attempting to resume a change stream using"
                + " 'resumeAfter' is not allowed from an invalidate notification.");
      }
      if (token.position() > log.lastSeq()) {
        throw ChangeStreamErrors.invalidResumeToken(
            "cannot resume stream; the resume token was" + " not found");
      }
      if (token.position() < log.oldestResumablePosition()) {
        throw ChangeStreamErrors.historyLost();
      }
      ChangeEvent at = log.get(token.position());
      if (at != null && at.clusterTime().getValue() != token.clusterTime()) {
        throw ChangeStreamErrors.invalidResumeToken(
            "cannot resume stream; the resume token was" + " not found");
      }
      position = token.position();
      positionTime = new BsonTimestamp(token.clusterTime());
      if (at != null
          && token.kind() == ResumeToken.Kind.EVENT
          && o.coll() != null
          && at.invalidatesCollection(o.db(), o.coll())) {
        // resuming after the drop/rename this stream returned: the invalidate comes next
        invalidatedBy = at;
      }
    } else if (o.startAtOperationTime() != null) {
      try {
        position = log.positionBefore(o.startAtOperationTime());
      } catch (ChangeEventLog.HistoryLostException e) {
        throw ChangeStreamErrors.historyLost();
      }
      positionTime = timeAt(position);
    } else {
      position = log.lastSeq();
      positionTime = timeAt(position);
    }
  }

  private BsonTimestamp timeAt(long seq) {
    ChangeEvent e = log.get(seq);
    return e == null ? new BsonTimestamp(0) : e.clusterTime();
  }

  /**
   * The next batch: up to {@code max} events, waiting up to {@code waitNanos} for the first one.
   *
   * @throws MongoServerError for errors a real server reports while iterating (history lost,
   *     missing required pre/post-image, a pipeline that removed the resume token)
   */
  synchronized Batch nextBatch(int max, long waitNanos) throws InterruptedException {
    lastUsedNanos = System.nanoTime();
    try {
      return readBatch(max, waitNanos);
    } finally {
      lastUsedNanos = System.nanoTime();
    }
  }

  /** True when no batch was started or finished during the last {@code idleNanos}. */
  boolean idleFor(long idleNanos) {
    return System.nanoTime() - lastUsedNanos > idleNanos;
  }

  private Batch readBatch(int max, long waitNanos) throws InterruptedException {
    if (deferredError != null) {
      exhausted = true;
      throw deferredError;
    }
    List<Document> out = new ArrayList<>();
    long deadline = System.nanoTime() + waitNanos;
    scan:
    while (!exhausted && out.size() < max) {
      if (invalidatedBy != null) {
        out.add(invalidateEvent(invalidatedBy));
        exhausted = true;
        break;
      }
      List<ChangeEvent> events;
      try {
        events = log.readAfter(position, SCAN_CHUNK);
      } catch (ChangeEventLog.HistoryLostException e) {
        exhausted = true;
        throw ChangeStreamErrors.historyLost();
      }
      for (ChangeEvent event : events) {
        if (out.size() >= max) {
          break scan;
        }
        if (options.watches(event)) {
          Document rendered;
          try {
            rendered = render(event);
          } catch (MongoServerError e) {
            if (out.isEmpty()) {
              exhausted = true;
              throw e;
            }
            deferredError = e;
            break scan;
          }
          if (rendered != null) {
            out.add(rendered);
            lastReturned = event.seq();
          }
          if (options.coll() != null && event.invalidatesCollection(options.db(), options.coll())) {
            invalidatedBy = event;
          }
        }
        position = event.seq();
        positionTime = event.clusterTime();
        if (invalidatedBy != null) {
          continue scan;
        }
      }
      if (!out.isEmpty() || events.size() == SCAN_CHUNK) {
        if (!out.isEmpty()) {
          break;
        }
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !log.awaitAfter(position, left)) {
        break;
      }
    }
    ResumeToken.Kind kind =
        exhausted && invalidatedBy != null
            ? ResumeToken.Kind.INVALIDATE
            : lastReturned == position ? ResumeToken.Kind.EVENT : ResumeToken.Kind.HIGH_WATER_MARK;
    Document postBatch = ResumeToken.of(log, position, positionTime, kind).toDocument();
    return new Batch(out, postBatch, exhausted);
  }

  private Document invalidateEvent(ChangeEvent cause) {
    return new Document(
            "_id",
            ResumeToken.of(log, cause.seq(), cause.clusterTime(), ResumeToken.Kind.INVALIDATE)
                .toDocument())
        .append("operationType", "invalidate")
        .append("clusterTime", cause.clusterTime())
        .append("wallTime", cause.wallTime());
  }

  /** The event as this stream shows it, or null when the user's pipeline filtered it out. */
  private Document render(ChangeEvent e) {
    Document token =
        ResumeToken.of(log, e.seq(), e.clusterTime(), ResumeToken.Kind.EVENT).toDocument();
    Document doc = new Document();
    if (e.lsid() != null) {
      // A real server adds these first, before the resume token (change_stream_event_transform.cpp
      // calls addTransactionIdFieldsIfPresent before setResumeTokenForEvent).
      doc.append("txnNumber", e.txnNumber()).append("lsid", e.lsid().cloneDeeply());
    }
    doc.append("_id", token)
        .append("operationType", e.operationType())
        .append("clusterTime", e.clusterTime())
        .append("wallTime", e.wallTime());
    if (options.showExpandedEvents() && e.collectionUuid() != null) {
      doc.append("collectionUUID", e.collectionUuid());
    }
    switch (e.operationType()) {
      case ChangeEvent.INSERT -> {
        doc.append("fullDocument", e.fullDocument().cloneDeeply());
        appendKey(doc, e);
      }
      case ChangeEvent.UPDATE -> {
        Document full =
            switch (options.fullDocument()) {
              case "updateLookup" -> lookup.find(e.db(), e.coll(), e.documentId());
              case "whenAvailable" -> copy(e.fullDocument());
              case "required" -> required(e.fullDocument(), e, "post-image", "update");
              default -> null;
            };
        if (!"default".equals(options.fullDocument())) {
          doc.append("fullDocument", full);
        }
        appendPreImage(doc, e);
        appendKey(doc, e);
        doc.append(
            "updateDescription", e.updateDescription().toDocument(options.showExpandedEvents()));
      }
      case ChangeEvent.REPLACE -> {
        doc.append("fullDocument", e.fullDocument().cloneDeeply());
        appendPreImage(doc, e);
        appendKey(doc, e);
      }
      case ChangeEvent.DELETE -> {
        appendPreImage(doc, e);
        appendKey(doc, e);
      }
      case ChangeEvent.RENAME -> {
        doc.append("ns", ns(e.db(), e.coll())).append("to", ns(e.toDb(), e.toColl()));
        if (options.showExpandedEvents() && e.operationDescription() != null) {
          doc.append("operationDescription", e.operationDescription().cloneDeeply());
        }
      }
      default -> {
        doc.append("ns", ns(e.db(), e.coll()));
        if (e.operationDescription() != null) {
          doc.append("operationDescription", e.operationDescription().cloneDeeply());
        }
      }
    }
    return applyUserStages(doc, token);
  }

  private Document applyUserStages(Document doc, Document token) {
    if (userStages == null) {
      return doc;
    }
    List<Document> result;
    try (Stream<Document> stream = userStages.runStagesAsStream(Stream.of(doc))) {
      result = stream.toList();
    }
    if (result.isEmpty()) {
      return null;
    }
    Document out = result.get(0);
    if (!token.equals(out.get("_id"))) {
      throw ChangeStreamErrors.fatal(
          "Encountered an event whose _id field, which contains the"
              + " resume token, was modified by the pipeline. Modifying the _id field of an event"
              + " makes it impossible to resume the stream from that point. Only transformations that"
              + " retain the unmodified _id field are allowed. Expected: "
              + token
              + " but found: "
              + (out.containsKey("_id") ? out.get("_id") : "missing"));
    }
    return out;
  }

  private void appendPreImage(Document doc, ChangeEvent e) {
    switch (options.fullDocumentBeforeChange()) {
      case "whenAvailable" -> doc.append("fullDocumentBeforeChange", copy(e.preImage()));
      case "required" ->
          doc.append(
              "fullDocumentBeforeChange",
              required(e.preImage(), e, "pre-image", "update, replace and delete"));
      default -> {}
    }
  }

  private Document required(Document image, ChangeEvent e, String what, String events) {
    if (image == null) {
      throw ChangeStreamErrors.noMatchingDocument(
          "Change stream was configured to require a "
              + what
              + " for all "
              + events
              + " events, but the "
              + what
              + " was not found for"
              + " event: {operationType: \""
              + e.operationType()
              + "\", ns: \""
              + e.db()
              + "."
              + e.coll()
              + "\"}");
    }
    return image.cloneDeeply();
  }

  private static Document copy(Document d) {
    return d == null ? null : d.cloneDeeply();
  }

  private static void appendKey(Document doc, ChangeEvent e) {
    doc.append("ns", ns(e.db(), e.coll()))
        .append("documentKey", new Document("_id", e.documentId()));
  }

  private static Document ns(String db, String coll) {
    return new Document("db", db).append("coll", coll);
  }

  @Override
  public boolean isEmpty() {
    return exhausted;
  }

  @Override
  public List<Document> takeDocuments(int numberToReturn) {
    try {
      return nextBatch(numberToReturn <= 0 ? Integer.MAX_VALUE : numberToReturn, 0).documents();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
