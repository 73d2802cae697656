package io.mongoditto.cli;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import io.mongoditto.cli.config.MongoOptions;
import io.mongoditto.cli.config.Redact;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mapping.IdMode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "create-indexes",
    header = "Create indexes on the mapped id fields of the configured collections.",
    description = {
      "Create an index on the mapped id field(s) of every enabled single_field / multiple_fields",
      "collection (match_ids collections use the _id index). Unique by default: two MongoDB documents",
      "with the same mapped id would be one Ditto document. Existing indexes on the same keys are kept."
    })
final class CreateIndexesCommand implements Callable<Integer> {

  @ParentCommand private MongoDittoCli cli;
  @Spec private CommandSpec spec;
  @Mixin private MongoOptions mongo;

  @Option(names = "--non-unique", description = "Create plain (non-unique) indexes.")
  private boolean nonUnique;

  @Override
  public Integer call() {
    Commands.MongoTarget target = Commands.MongoTarget.of(mongo, cli.env());
    String uri = target.uri();
    String database = target.database();
    List<CollectionConfig> collections = target.collections();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Creating id indexes on %s, database %s%n", Redact.mongoUri(uri), database);
    int created = 0;
    int failed = 0;
    try (MongoClient client = MongoClients.connect(uri)) {
      MongoDatabase db = client.getDatabase(database);
      for (CollectionConfig entry : collections) {
        String name = entry.name();
        if (!entry.enabled()) {
          report(out, name, "skipped (disabled in the config)");
          continue;
        }
        if (entry.mapping().idMode() == IdMode.MATCH_IDS) {
          report(out, name, "match_ids: the _id index serves");
          continue;
        }
        Document keys = new Document();
        entry.mapping().idFields().forEach(f -> keys.append(f, 1));
        MongoCollection<Document> coll = db.getCollection(name);
        try {
          Document existing = null;
          for (Document index : coll.listIndexes()) {
            if (keys.equals(index.get("key", Document.class))) {
              existing = index;
            }
          }
          if (existing != null) {
            report(
                out,
                name,
                "already indexed " + keys.toJson() + " (" + existing.getString("name") + ")");
            continue;
          }
          String indexName = "mongo_ditto_" + String.join("_", entry.mapping().idFields());
          coll.createIndex(keys, new IndexOptions().name(indexName).unique(!nonUnique));
          report(
              out,
              name,
              "created "
                  + (nonUnique ? "" : "unique ")
                  + "index "
                  + indexName
                  + " on "
                  + keys.toJson());
          created++;
        } catch (MongoException e) {
          report(
              out,
              name,
              "FAILED: "
                  + e.getMessage()
                  + (e.getCode() == 11000
                      ? " (the mapped id is not unique: fix the data or the mapping)"
                      : ""));
          failed++;
        }
      }
    }
    out.printf("%d index(es) created, %d problem(s).%n", created, failed);
    out.flush();
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private static void report(PrintWriter out, String collection, String what) {
    out.printf(Locale.ROOT, "  %-20s %s%n", collection, what);
  }
}
