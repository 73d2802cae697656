package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.NoopOplog;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.List;

/**
 * A memory collection that records each real change in the {@link ChangeEventLog}, from the hooks
 * every write path goes through (insert, update, replace, upsert, delete, findAndModify, bulk
 * writes). The write's update spec is remembered while it runs, to tell a replace from an update
 * and to build the update description from its operators.
 *
 * <p>Inside a multi-document transaction ({@link Transaction#current()}) the events wait in the
 * transaction until its commit, and each write leaves the document's prior state for an abort.
 *
 * <p>All writes run in this collection's monitor (the superclass synchronizes them), so events of
 * one collection enter the log in the order the writes were applied.
 */
final class ChangeStreamCollection extends MemoryCollection {

  /** Marks the running write as a pipeline update (its description is a document diff). */
  static final Object PIPELINE_UPDATE = new Object();

  private volatile boolean preAndPostImages;
  private Object runningUpdate;
  private final InQueries inQueries = new InQueries();

  ChangeStreamCollection(
      ChangeStreamDatabase database,
      String name,
      CollectionOptions options,
      CursorRegistry cursorRegistry) {
    super(database, name, options, cursorRegistry);
  }

  boolean preAndPostImages() {
    return preAndPostImages;
  }

  void preAndPostImages(boolean enabled) {
    this.preAndPostImages = enabled;
  }

  @Override
  public synchronized Document updateDocuments(
      Document selector,
      Document update,
      ArrayFilters arrayFilters,
      boolean multi,
      boolean upsert,
      Oplog oplog) {
    return withUpdate(
        update, () -> super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog));
  }

  @Override
  protected boolean documentMatchesQuery(Document document, Document query) {
    Boolean matches = inQueries.matches(document, query);
    return matches != null ? matches : super.documentMatchesQuery(document, query);
  }

  /** Replaces documents with the results of a pipeline update, reported as updates. */
  synchronized Document replaceForPipelineUpdate(
      Document selector, Document replacement, Oplog oplog) {
    return withUpdate(
        PIPELINE_UPDATE,
        () ->
            super.updateDocuments(
                selector, replacement, ArrayFilters.empty(), false, false, oplog));
  }

  @Override
  public synchronized Document findAndModify(Document query) {
    return withUpdate(query.get("update"), () -> super.findAndModify(query));
  }

  private Document withUpdate(Object update, java.util.function.Supplier<Document> write) {
    Object previous = runningUpdate;
    runningUpdate = update;
    try {
      return write.get();
    } finally {
      runningUpdate = previous;
    }
  }

  /**
   * Puts a document back as it was before a write of an aborted transaction: deleted when the write
   * inserted it, else replaced by (or re-inserted as) its old state. Records no change event (the
   * aborting transaction is current and ignores these writes).
   */
  synchronized void restore(Object id, Document before) {
    Document selector = new Document("_id", id);
    if (before == null) {
      deleteDocuments(selector, 1, NoopOplog.get());
    } else {
      updateDocuments(
          selector, before.cloneDeeply(), ArrayFilters.empty(), false, true, NoopOplog.get());
    }
  }

  @Override
  protected Integer addDocumentInternal(Document document) {
    Integer position = super.addDocumentInternal(document);
    Object id = document.get("_id");
    remember(id, null);
    record(ChangeEvent.INSERT, id, document.cloneDeeply(), null, null);
    return position;
  }

  @Override
  protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
    super.handleUpdate(position, oldDocument, newDocument);
    Document after = newDocument.cloneDeeply();
    remember(after.get("_id"), oldDocument);
    Object update = runningUpdate;
    boolean images = preAndPostImages;
    if (update instanceof Document spec && !isOperatorUpdate(spec)) {
      record(ChangeEvent.REPLACE, after.get("_id"), after, images ? oldDocument : null, null);
      return;
    }
    UpdateDescription description =
        update instanceof Document spec
            ? UpdateDescriptionBuilder.fromOperators(spec, oldDocument, after)
            : null;
    if (description == null || description.isEmpty()) {
      description = UpdateDescriptionBuilder.fromDiff(oldDocument, after);
    }
    record(
        ChangeEvent.UPDATE,
        after.get("_id"),
        images ? after : null,
        images ? oldDocument : null,
        description);
  }

  @Override
  protected void removeDocument(Integer position) {
    Document before = getDocument(position);
    Object id = before == null ? null : before.get("_id");
    boolean images = preAndPostImages;
    Document preImage = images && before != null ? before.cloneDeeply() : null;
    Document undo = before == null || Transaction.current() == null ? null : before.cloneDeeply();
    super.removeDocument(position);
    if (before != null) {
      remember(id, undo);
      record(ChangeEvent.DELETE, id, null, preImage, null);
    }
  }

  private static boolean isOperatorUpdate(Document spec) {
    return !spec.isEmpty() && spec.keySet().iterator().next().startsWith("$");
  }

  /** Keeps the document's state before a write of the running transaction, for its abort. */
  private void remember(Object id, Document before) {
    Transaction transaction = Transaction.current();
    if (transaction != null) {
      transaction.remember(this, id, before);
    }
  }

  /** Appends the change event, or holds it in the running transaction until its commit. */
  private void record(
      String op, Object id, Document full, Document pre, UpdateDescription description) {
    ChangeEventLog log = ((ChangeStreamDatabase) getDatabase()).log();
    if (log == null) {
      return;
    }
    ChangeEvent.Draft event =
        ChangeEvent.Draft.ofDocument(
            op, getFullName(), getUuid(), id, full, pre, preAndPostImages, description);
    Transaction transaction = Transaction.current();
    if (transaction == null) {
      log.append(event);
    } else {
      transaction.record(event);
    }
  }

  static boolean isPipeline(Object update) {
    return update instanceof List<?>;
  }
}
