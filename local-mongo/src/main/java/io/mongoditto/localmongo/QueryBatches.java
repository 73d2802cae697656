package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.InMemoryCursor;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch sizes of query cursors ({@code find}, {@code aggregate}) as a MongoDB server sets them.
 * mongo-java-server answers a {@code find} without {@code batchSize} with every matching document
 * in its first batch, and a {@code getMore} with as many as asked: a large collection then exceeds
 * the driver's 48 MB message limit ("The reply message length ... is greater than the maximum
 * message length"). MongoDB returns at most 101 documents first and at most 16 MiB per batch.
 */
final class QueryBatches {

  static final int DEFAULT_FIRST_BATCH = 101;
  static final int MAX_BATCH_BYTES = 16 * 1024 * 1024;

  private QueryBatches() {}

  /** Caps a {@code find}'s first batch at MongoDB's default (the rest comes by getMore). */
  static void limitFind(Document query) {
    query.put("batchSize", firstBatch(query.get("batchSize")));
  }

  /**
   * An {@code aggregate} reply (not a change stream) with at most MongoDB's default first batch:
   * mongo-java-server answers with every result and no cursor, so the rest goes into a cursor here.
   */
  static Document limitAggregate(CursorRegistry registry, Document reply) {
    if (!(reply.get("cursor") instanceof Document cursor)
        || !(cursor.get("firstBatch") instanceof List<?> all)
        || all.size() <= DEFAULT_FIRST_BATCH
        || !(cursor.get("id") instanceof Number id)
        || id.longValue() != 0L) {
      return reply;
    }
    List<Document> rest = new ArrayList<>();
    for (Object d : all.subList(DEFAULT_FIRST_BATCH, all.size())) {
      rest.add((Document) d);
    }
    InMemoryCursor more = new InMemoryCursor(registry.generateCursorId(), rest);
    registry.add(more);
    cursor.put("firstBatch", new ArrayList<>(all.subList(0, DEFAULT_FIRST_BATCH)));
    cursor.put("id", more.getId());
    return reply;
  }

  private static int firstBatch(Object requested) {
    return requested instanceof Number n && n.intValue() > 0
        ? Math.min(n.intValue(), DEFAULT_FIRST_BATCH)
        : DEFAULT_FIRST_BATCH;
  }

  /**
   * The next batch of a query cursor: up to the requested number of documents, and no more than
   * {@link #MAX_BATCH_BYTES} of BSON after the first document (as MongoDB does).
   */
  static Document getMore(
      CursorRegistry registry, Cursor cursor, String namespace, Object batchSize) {
    int requested =
        batchSize instanceof Number n && n.intValue() > 0 ? n.intValue() : Integer.MAX_VALUE;
    List<Document> batch = new ArrayList<>();
    long bytes = 0;
    ByteBuf buffer = Unpooled.buffer();
    try {
      while (batch.size() < requested && !cursor.isEmpty() && bytes < MAX_BATCH_BYTES) {
        // Take about as many as fit, judged by the documents so far; one at first.
        long average = batch.isEmpty() ? MAX_BATCH_BYTES : Math.max(1, bytes / batch.size());
        int take =
            (int)
                Math.max(
                    1, Math.min(requested - batch.size(), (MAX_BATCH_BYTES - bytes) / average));
        for (Document d : cursor.takeDocuments(take)) {
          buffer.clear();
          BsonEncoder.encodeDocument(d, buffer);
          bytes += buffer.readableBytes();
          batch.add(d);
        }
      }
    } finally {
      buffer.release();
    }
    long id = cursor.getId();
    if (cursor.isEmpty()) {
      registry.remove(cursor);
      id = 0L;
    }
    return new Document(
            "cursor", new Document("nextBatch", batch).append("id", id).append("ns", namespace))
        .append("ok", 1.0);
  }
}
