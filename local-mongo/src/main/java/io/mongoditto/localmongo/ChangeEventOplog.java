package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.List;

/**
 * The project's replacement for mongo-java-server's oplog. Document writes are recorded by {@link
 * ChangeStreamCollection}'s hooks instead (the stock calls see no documents, miss findAndModify and
 * also report inserts that failed), so those calls are no-ops here; only collection drops, which no
 * collection hook sees, are recorded from this seam. Change streams are opened by {@link
 * ChangeStreamBackend}, never through {@link #createCursor}.
 */
final class ChangeEventOplog implements Oplog {

  private final ChangeEventLog log;

  ChangeEventOplog(ChangeEventLog log) {
    this.log = log;
  }

  @Override
  public void handleInsert(String namespace, List<Document> documents) {
    // recorded by ChangeStreamCollection.addDocumentInternal
  }

  @Override
  public void handleUpdate(
      String namespace, Document selector, Document query, List<Object> modifiedIds) {
    // recorded by ChangeStreamCollection.handleUpdate
  }

  @Override
  public void handleDelete(String namespace, Document query, List<Object> deletedIds) {
    // recorded by ChangeStreamCollection.removeDocument
  }

  @Override
  public void handleDropCollection(String namespace) {
    int dot = namespace.indexOf('.');
    String db = namespace.substring(0, dot);
    String coll = namespace.substring(dot + 1);
    if (!coll.startsWith("system.")) {
      log.append(ChangeEvent.Draft.ofCollection(ChangeEvent.DROP, db, coll, null, null));
    }
  }

  @Override
  public Cursor createCursor(
      Document changeStreamDocument, String namespace, Aggregation aggregation) {
    throw new IllegalStateException("change streams are opened by ChangeStreamBackend");
  }
}
