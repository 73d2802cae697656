package io.mongoditto.source;

import io.mongoditto.mapping.SyncRules;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;

/**
 * Where a collection's filter reaches the server: the snapshot's {@code find} (so documents that
 * do not belong in Ditto are never read) and a {@code $match} stage on the change stream (so events
 * that cannot change Ditto are never sent). The mapper still evaluates every remaining event on its
 * images to decide upsert, delete or nothing.
 */
final class FilteredReads {

  private FilteredReads() {}

  /** The snapshot query of one {@code _id} range: the range's condition and the filter. */
  static BsonDocument snapshotQuery(BsonDocument rangeFilter, SyncRules rules) {
    BsonDocument query = rules.mongoQuery();
    if (query.isEmpty()) {
      return rangeFilter;
    }
    if (rangeFilter.isEmpty()) {
      return query;
    }
    // $and keeps both intact even when the filter has its own _id condition.
    return new BsonDocument("$and", new BsonArray(List.of(rangeFilter, query)));
  }

  /** The change stream pipeline: empty without a filter. */
  static List<BsonDocument> streamPipeline(SyncRules rules) {
    return rules.filter().map(f -> List.of(f.changeStreamMatchStage())).orElse(List.of());
  }
}
