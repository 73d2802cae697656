package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs update commands whose updates are aggregation pipelines ({@code u: [{$set: ...}]}), which
 * mongo-java-server rejects: each matched document is run through the pipeline and replaced by the
 * result, and the change is reported as an {@code update} whose description is a document diff, as
 * MongoDB does for pipeline updates.
 */
final class PipelineUpdates {

  private PipelineUpdates() {}

  static boolean hasPipeline(Document command) {
    return command.get("updates") instanceof List<?> updates
        && updates.stream().anyMatch(u -> u instanceof Document d && d.get("u") instanceof List);
  }

  static Document run(
      ChangeStreamBackend backend, MongoDatabase database, Document command, Oplog oplog) {
    String name = String.valueOf(command.get("update"));
    List<?> updates = (List<?>) command.get("updates");
    for (Object u : updates) {
      Document update = (Document) u;
      if (!(update.get("u") instanceof List)) {
        throw unsupported("mixing pipeline and operator updates in one update command");
      }
      if (Boolean.TRUE.equals(update.get("upsert"))) {
        throw unsupported("upsert with a pipeline update");
      }
    }
    MongoCollection<?> found = database.resolveCollection(name, false);
    int matched = 0;
    int modified = 0;
    if (found instanceof ChangeStreamCollection collection) {
      for (Object u : updates) {
        Document update = (Document) u;
        Document filter = update.get("q") instanceof Document q ? q : new Document();
        boolean multi = Boolean.TRUE.equals(update.get("multi"));
        @SuppressWarnings("unchecked")
        List<Document> pipeline = PipelineStages.translate((List<Document>) update.get("u"));
        synchronized (collection) {
          List<Document> targets =
              collection
                  .handleQueryAsStream(filter)
                  .limit(multi ? Long.MAX_VALUE : 1)
                  .map(Document::cloneDeeply)
                  .toList();
          for (Document before : targets) {
            matched++;
            Aggregation aggregation =
                Aggregation.fromPipeline(
                    pipeline, backend::resolveDatabase, database, collection, oplog);
            List<Document> result = aggregation.runStages(Stream.of(before.cloneDeeply()));
            if (result.size() != 1) {
              throw unsupported("a pipeline update that does not yield exactly one document");
            }
            Document after = result.get(0);
            if (!Objects.equals(after.get("_id"), before.get("_id"))) {
              throw new MongoServerError(
                  66,
                  "ImmutableField",
                  "Performing an update on the path '_id' would modify the immutable field '_id'");
            }
            if (!after.equals(before)) {
              collection.replaceForPipelineUpdate(
                  new Document("_id", before.get("_id")), after, oplog);
              modified++;
            }
          }
        }
      }
    }
    return new Document("n", matched).append("nModified", modified).append("ok", 1.0);
  }

  private static MongoServerError unsupported(String what) {
    return new MongoServerError(115, "CommandNotSupported", "local-mongo does not support " + what);
  }
}
