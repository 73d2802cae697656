package io.mongoditto.mongosink;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.BsonDocument;

/**
 * The highest CDC {@code txnId} each task of a connector has taken in, kept in the collection
 * {@value #COLLECTION} of the synced database and written in the transaction of the batch that took
 * it in. An event above the highest of all the connector's tasks is newer than everything applied:
 * it was never applied (a crash between a batch's write and Connect's offset commit leaves events
 * at or below the mark), and no newer change of its document was, so it is applied as it comes.
 * Only events at or below the mark, of documents the task has no memory of, may be old ones
 * delivered again, and are checked against Ditto's current document: a read of Ditto that took as
 * much time as writing MongoDB in the applied-events benchmark, for every batch after a restart.
 */
final class AppliedMarks {

  static final String COLLECTION = "mongoditto_applied";

  /** No mark recorded: nothing is known to be newer than what was applied. */
  static final long NONE = Long.MAX_VALUE;

  private final MongoCollection<BsonDocument> collection;
  private final String connector;
  private final String id;

  AppliedMarks(MongoDatabase database, String connector, String task) {
    this.collection = database.getCollection(COLLECTION, BsonDocument.class);
    this.connector = connector;
    this.id = connector + "/" + task;
  }

  /** The highest {@code txnId} any task of the connector took in, or {@link #NONE}. */
  long highest() {
    long highest = Long.MIN_VALUE;
    for (BsonDocument mark :
        collection
            .find(Filters.eq("connector", connector))
            .projection(Projections.include("txnId"))) {
      if (mark.isNumber("txnId")) {
        highest = Math.max(highest, mark.getNumber("txnId").longValue());
      }
    }
    return highest == Long.MIN_VALUE ? NONE : highest;
  }

  /** Records that this task took in every event up to {@code txnId}, in {@code session}. */
  void save(ClientSession session, long txnId) {
    collection.updateOne(
        session,
        Filters.eq("_id", id),
        Updates.combine(Updates.set("connector", connector), Updates.max("txnId", txnId)),
        new UpdateOptions().upsert(true));
  }
}
