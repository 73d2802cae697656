package io.mongoditto.cli;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.cli.config.MongoOptions;
import io.mongoditto.cli.config.Redact;
import io.mongoditto.cli.mongo.CollectionInfo;
import io.mongoditto.config.CollectionConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "enable-change-streams",
    header = "Turn on change-stream pre- and post-images for the configured collections.",
    description = {
      "Turn on change-stream pre- and post-images for every enabled configured collection:",
      "  db.runCommand({collMod: <name>, changeStreamPreAndPostImages: {enabled: true}})",
      "Idempotent: collections that already have them are left alone. Needs the collMod privilege",
      "(dbAdmin role). Exit code 1 if a collection is missing or could not be changed."
    })
final class EnableChangeStreamsCommand implements Callable<Integer> {

  @ParentCommand private MongoDittoCli cli;
  @Spec private CommandSpec spec;
  @Mixin private MongoOptions mongo;

  @Option(names = "--dry-run", description = "Only print what would change.")
  private boolean dryRun;

  @Override
  public Integer call() {
    Commands.MongoTarget target = Commands.MongoTarget.of(mongo, cli.env());
    String uri = target.uri();
    String database = target.database();
    List<CollectionConfig> collections = target.collections();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%s pre- and post-images on %s, database %s%n",
        dryRun ? "Dry run: enabling" : "Enabling", Redact.mongoUri(uri), database);
    int changed = 0;
    int failed = 0;
    try (MongoClient client = MongoClients.connect(uri)) {
      MongoDatabase db = client.getDatabase(database);
      Map<String, CollectionInfo> infos = CollectionInfo.list(db);
      for (CollectionConfig entry : collections) {
        String name = entry.name();
        CollectionInfo info = infos.get(name);
        if (!entry.enabled()) {
          report(out, name, "skipped (disabled in the config)");
        } else if (info == null) {
          report(out, name, "MISSING: no such collection in " + database);
          failed++;
        } else if (info.preAndPostImages()) {
          report(out, name, "already on");
        } else if (dryRun) {
          report(out, name, "would run " + CollectionInfo.collModCommand(name));
          changed++;
        } else {
          try {
            db.runCommand(
                new Document("collMod", name)
                    .append("changeStreamPreAndPostImages", new Document("enabled", true)));
            report(out, name, "enabled");
            changed++;
          } catch (MongoException e) {
            report(
                out,
                name,
                "FAILED: "
                    + e.getMessage()
                    + " (needs the collMod privilege, e.g. the dbAdmin role)");
            failed++;
          }
        }
      }
    }
    out.printf(
        "%d collection(s) %s, %d problem(s).%n", changed, dryRun ? "to change" : "changed", failed);
    out.flush();
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private static void report(PrintWriter out, String collection, String what) {
    out.printf(Locale.ROOT, "  %-20s %s%n", collection, what);
  }
}
