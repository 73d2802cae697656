package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import java.time.Instant;

/**
 * One entry of the {@link ChangeEventLog}: what happened, as recorded at write time. Per-stream
 * options (fullDocument modes, pipeline) are applied when a {@link ChangeStreamCursor} renders it.
 *
 * @param fullDocument the inserted or replacing document; for updates the post-image, only when the
 *     collection had changeStreamPreAndPostImages enabled (else null)
 * @param preImage the document before an update, replace or delete, only with pre-images enabled
 * @param imagesEnabled whether the collection had changeStreamPreAndPostImages at write time
 * @param collectionUuid the collection's UUID (shown as collectionUUID with showExpandedEvents)
 * @param operationDescription details of a DDL event (rename, create, createIndexes, ...)
 * @param expandedOnly a DDL event only streams with showExpandedEvents see
 * @param lsid the logical session ({@code {id, uid}}) of the multi-document transaction that made
 *     this change, or null for a write outside a transaction
 * @param txnNumber that transaction's number in its session, or null
 */
record ChangeEvent(
    long seq,
    BsonTimestamp clusterTime,
    Instant wallTime,
    String operationType,
    String db,
    String coll,
    Object documentId,
    Document fullDocument,
    Document preImage,
    boolean imagesEnabled,
    UpdateDescription updateDescription,
    String toDb,
    String toColl,
    java.util.UUID collectionUuid,
    Document operationDescription,
    boolean expandedOnly,
    Document lsid,
    Long txnNumber) {

  static final String INSERT = "insert";
  static final String UPDATE = "update";
  static final String REPLACE = "replace";
  static final String DELETE = "delete";
  static final String DROP = "drop";
  static final String RENAME = "rename";
  static final String CREATE = "create";
  static final String CREATE_INDEXES = "createIndexes";
  static final String DROP_INDEXES = "dropIndexes";
  static final String MODIFY = "modify";

  /** An event before the log gave it its position and times. */
  record Draft(
      String operationType,
      String db,
      String coll,
      Object documentId,
      Document fullDocument,
      Document preImage,
      boolean imagesEnabled,
      UpdateDescription updateDescription,
      String toDb,
      String toColl,
      java.util.UUID collectionUuid,
      Document operationDescription,
      boolean expandedOnly) {

    static Draft ofDocument(
        String op,
        String ns,
        java.util.UUID uuid,
        Object id,
        Document full,
        Document pre,
        boolean images,
        UpdateDescription description) {
      int dot = ns.indexOf('.');
      return new Draft(
          op,
          ns.substring(0, dot),
          ns.substring(dot + 1),
          id,
          full,
          pre,
          images,
          description,
          null,
          null,
          uuid,
          null,
          false);
    }

    static Draft ofCollection(String op, String db, String coll, String toDb, String toColl) {
      return new Draft(
          op, db, coll, null, null, null, false, null, toDb, toColl, null, null, false);
    }

    /** A rename, with the expanded event's operationDescription. */
    static Draft ofRename(
        String db,
        String coll,
        java.util.UUID uuid,
        String toDb,
        String toColl,
        Document description) {
      return new Draft(
          RENAME, db, coll, null, null, null, false, null, toDb, toColl, uuid, description, false);
    }

    /** A DDL event only streams with showExpandedEvents see. */
    static Draft ofDdl(
        String op, String db, String coll, java.util.UUID uuid, Document description) {
      return new Draft(
          op, db, coll, null, null, null, false, null, null, null, uuid, description, true);
    }
  }

  /** True when the event ends a stream on its own collection (a real server then invalidates). */
  boolean invalidatesCollection(String db, String coll) {
    return (DROP.equals(operationType) || RENAME.equals(operationType))
        && this.db.equals(db)
        && this.coll.equals(coll);
  }
}
