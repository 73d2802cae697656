package io.mongoditto.cli;

import com.mongodb.client.MongoClient;
import io.mongoditto.cli.config.CdcConsumerSettings;
import io.mongoditto.cli.config.MongoOptions;
import io.mongoditto.cli.config.Redact;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.cli.mongo.DeploymentCheck;
import io.mongoditto.cli.mongo.Finding;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mongosink.MongoSinkConnector;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "check",
    header = "Check MongoDB is ready: connection, version, replica set, privileges, pre-images.",
    description = {
      "Check that MongoDB is ready for the sync: connection, server version, replica set,",
      "find/changeStream privileges, and for each configured collection that it exists, is not capped",
      "and has change-stream pre- and post-images where its id mapping needs them; for collections",
      "synced from Ditto to MongoDB, insert/update/remove on them, on mongoditto_sessions,",
      "mongoditto_stale_writes and mongoditto_applied.",
      "Every problem is printed with its fix. Exit code 1 when something must be fixed."
    })
final class CheckCommand implements Callable<Integer> {

  @ParentCommand private MongoDittoCli cli;
  @Spec private CommandSpec spec;
  @Mixin private MongoOptions mongo;

  /** A CDC feed for run, or the Ditto -> MongoDB connector's own config. */
  static boolean dittoToMongoRuns(Settings settings) {
    return CdcConsumerSettings.configured(settings.asMap())
        || MongoSinkConnector.class.getName().equals(settings.get("connector.class").orElse(""));
  }

  @Override
  public Integer call() {
    Commands.MongoTarget target = Commands.MongoTarget.of(mongo, cli.env());
    String uri = target.uri();
    String database = target.database();
    List<CollectionConfig> collections = target.collections();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "Checking %s, database %s, %d collection(s)%n",
        Redact.mongoUri(uri), database, collections.size());
    List<Finding> findings;
    try (MongoClient client = MongoClients.connect(uri)) {
      findings =
          new DeploymentCheck(client, database, collections, dittoToMongoRuns(target.settings()))
              .run();
    }
    for (Finding f : findings) {
      out.printf(Locale.ROOT, "  %-5s %-20s %s%n", f.level(), f.subject(), f.message());
      if (f.fix() != null) {
        out.printf(Locale.ROOT, "        %-20s fix: %s%n", "", f.fix());
      }
    }
    long errors = findings.stream().filter(Finding::isError).count();
    long warnings = findings.stream().filter(f -> f.level() == Finding.Level.WARN).count();
    if (errors == 0) {
      out.printf("OK: ready to sync (%d warning(s)).%n", warnings);
    } else {
      out.printf("%d problem(s) to fix, %d warning(s).%n", errors, warnings);
    }
    out.flush();
    return errors == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
