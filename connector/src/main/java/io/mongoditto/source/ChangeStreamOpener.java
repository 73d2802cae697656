package io.mongoditto.source;

import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import io.mongoditto.config.CollectionConfig;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * Opens one collection's change stream as the source reads it: the filter's {@code $match}, the
 * full-document modes, the server-side wait and the batch size. Shared by the collection's reader
 * (its stream) and its copier (the position a copy starts from).
 */
final class ChangeStreamOpener {

  /**
   * A stream ready to be positioned and opened.
   *
   * @param postImages opened with {@code fullDocument: whenAvailable}: an update without {@code
   *     fullDocument} then means "no post-image stored", not "deleted since"
   */
  record Stream(ChangeStreamIterable<Document> iterable, boolean postImages) {
    /** Opens the cursor, events as raw BSON (their size comes with them). */
    MongoCursor<RawBsonDocument> cursor() {
      return iterable.withDocumentClass(RawBsonDocument.class).cursor();
    }
  }

  private final MongoDatabase database;
  private final CollectionConfig settings;
  private final int maxAwaitMs;
  private final int batchSize;

  ChangeStreamOpener(
      MongoDatabase database, CollectionConfig settings, int maxAwaitMs, int batchSize) {
    this.database = database;
    this.settings = settings;
    this.maxAwaitMs = maxAwaitMs;
    this.batchSize = batchSize;
  }

  Stream stream() {
    // With post-images on, whenAvailable gives the document as of this change; otherwise the
    // server looks up the current one (updateLookup), which may already be newer.
    boolean postImages = postImagesEnabled();
    ChangeStreamIterable<Document> iterable =
        database
            .getCollection(settings.name())
            .watch(FilteredReads.streamPipeline(settings.rules()))
            .fullDocument(postImages ? FullDocument.WHEN_AVAILABLE : FullDocument.UPDATE_LOOKUP)
            .fullDocumentBeforeChange(FullDocumentBeforeChange.WHEN_AVAILABLE)
            .maxAwaitTime(maxAwaitMs, TimeUnit.MILLISECONDS);
    if (batchSize > 0) {
      iterable.batchSize(batchSize);
    }
    return new Stream(iterable, postImages);
  }

  /**
   * The stream's position now (a resume token), or null when the server gives none (before MongoDB
   * 4.0.7). An event the probe returns happened before the position taken, and is left out.
   */
  BsonDocument currentPosition() {
    try (MongoCursor<RawBsonDocument> cursor = stream().cursor()) {
      // The driver exposes the position only once a batch was processed.
      RawBsonDocument event = cursor.tryNext();
      BsonDocument token =
          cursor instanceof MongoChangeStreamCursor<?> cs ? cs.getResumeToken() : null;
      if (token == null && event != null) {
        token = event.getDocument("_id", null);
      }
      return token instanceof RawBsonDocument raw ? RawDocuments.decode(raw) : token;
    }
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
}
