package io.mongoditto.e2e.faults;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The loop check: once edits stop and both sides agree, neither side may change for a while. A
 * write either connector makes because of its own echo would show here as a MongoDB change event or
 * a Ditto CDC event. The connectors' own bookkeeping collections (mongoditto.*) are not user data.
 */
final class QuietPeriod {

  /** What happened during the period: MongoDB change events and new CDC events. */
  record Result(List<String> mongoChanges, long cdcEvents) {
    boolean quiet() {
      return mongoChanges.isEmpty() && cdcEvents == 0;
    }
  }

  private QuietPeriod() {}

  static Result watch(MongoDatabase db, CdcFeed cdc, Duration period) {
    long cdcBefore = cdc.endOffset();
    List<String> changes = new ArrayList<>();
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream =
        db.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS).cursor()) {
      long end = System.nanoTime() + period.toNanos();
      while (System.nanoTime() < end) {
        ChangeStreamDocument<Document> e = stream.tryNext();
        if (e != null
            && (e.getNamespace() == null
                || !e.getNamespace().getCollectionName().startsWith("mongoditto"))) {
          changes.add(
              e.getOperationTypeString()
                  + " "
                  + (e.getNamespace() == null ? "" : e.getNamespace().getCollectionName())
                  + " "
                  + e.getDocumentKey());
        }
      }
    }
    return new Result(changes, cdc.endOffset() - cdcBefore);
  }
}
