package io.mongoditto.source;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionSetting;
import io.mongoditto.mapping.SyncRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.Document;

/**
 * Where a collection's filter reaches the server: the snapshot's {@code find} (so documents that do
 * not belong in Ditto are never read) and a {@code $match} stage on the change stream (so events
 * that cannot change Ditto are never sent). The mapper still evaluates every remaining event on its
 * images to decide upsert, delete or nothing.
 */
final class FilteredReads {

  private static final int UNAUTHORIZED = 13;

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

  /**
   * For {@code validate()}: lets the server parse the filter, as the snapshot's {@code find} and
   * the change stream's {@code $match} will, so what the offline check cannot see (an unknown
   * {@code $type} alias, an invalid regex, a malformed {@code $mod}, ...) is reported on the
   * filter's key now rather than failing the task later. Missing privileges are reported by the
   * privilege probe.
   */
  static void probeFilter(
      MongoCollection<Document> collection, CollectionConfig c, Map<String, List<String>> errors) {
    if (c.rules().filter().isEmpty()) {
      return;
    }
    try {
      collection.find(c.rules().mongoQuery()).limit(1).first();
      try (MongoCursor<?> cursor =
          collection
              .watch(streamPipeline(c.rules()))
              .maxAwaitTime(1, TimeUnit.MILLISECONDS)
              .cursor()) {
        cursor.tryNext();
      }
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != UNAUTHORIZED) {
        errors
            .computeIfAbsent(CollectionSetting.FILTER.keyFor(c.name()), k -> new ArrayList<>())
            .add(
                "MongoDB rejected the filter: "
                    + e.getErrorMessage()
                    + (e.getErrorCode() > 0
                        ? " (error "
                            + e.getErrorCode()
                            + (e.getErrorCodeName().isEmpty() ? "" : " " + e.getErrorCodeName())
                            + ")"
                        : ""));
      }
    }
  }
}
