package io.mongoditto.cli;

import com.mongodb.client.MongoClient;
import io.mongoditto.cli.config.DittoOptions;
import io.mongoditto.cli.config.MongoOptions;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.cli.verify.DeadLetterPlaces;
import io.mongoditto.cli.verify.ResultTable;
import io.mongoditto.cli.verify.SyncVerifier;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.ditto.DittoHttpClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    header = "Compare MongoDB with Ditto per collection: counts, and a sample of documents.",
    description = {
      "For every enabled collection: MongoDB's document count under the collection's filter",
      "(collection.<name>.filter) against Ditto's (SELECT COUNT(*) AS n FROM <collection>), and with",
      "--sample N that many random filtered documents (with --full all of them) mapped as the",
      "connector maps them (id mapping and fields.exclude/rename/convert), compared field by field",
      "with Ditto's. A document Ditto refuses to look up (e.g. a float _id) is skipped and counted:",
      "Ditto cannot hold it, the connector dead-letters it. Where Ditto holds fewer documents, it",
      "says where undeliverable ones went. Exit code 1 on any mismatch."
    })
final class VerifyCommand implements Callable<Integer> {

  @ParentCommand private MongoDittoCli cli;
  @Spec private CommandSpec spec;
  @Mixin private MongoOptions mongo;
  @Mixin private DittoOptions ditto;

  @Option(
      names = "--sample",
      paramLabel = "N",
      defaultValue = "0",
      description = "Also compare N random documents per collection (default ${DEFAULT-VALUE}).")
  private int sample;

  @Option(
      names = "--full",
      description =
          "Compare every filtered document (one Ditto query per document; slow on big collections).")
  private boolean full;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "Retry until everything matches or this many seconds passed (default ${DEFAULT-VALUE}).")
  private int waitSeconds;

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = ditto.apply(mongo.settings(cli.env()));
    String uri = mongo.mongodbUri(settings);
    String database = mongo.databaseName(settings);
    Commands.requireCollections(settings);
    List<CollectionConfig> collections = settings.collectionsSyncedToDitto();
    PrintWriter out = spec.commandLine().getOut();
    long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
    try (MongoClient client = MongoClients.connect(uri);
        DittoHttpClient dittoClient = Ditto.client(settings)) {
      SyncVerifier verifier = new SyncVerifier(client.getDatabase(database), dittoClient);
      while (true) {
        List<SyncVerifier.Result> results = new ArrayList<>();
        for (CollectionConfig e : collections) {
          results.add(verifier.verify(e, sample, full));
        }
        boolean ok = results.stream().allMatch(SyncVerifier.Result::matches);
        if (ok || System.nanoTime() >= deadline) {
          ResultTable.print(out, results, DeadLetterPlaces.describe(settings.asMap()));
          return ok ? ExitCodes.OK : ExitCodes.FAILED;
        }
        Thread.sleep(1000);
      }
    }
  }
}
