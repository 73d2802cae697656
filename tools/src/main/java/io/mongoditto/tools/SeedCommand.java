package io.mongoditto.tools;

import com.mongodb.client.MongoClient;
import io.mongoditto.cli.ExitCodes;
import io.mongoditto.cli.MongoClients;
import io.mongoditto.cli.MongoDittoCli;
import io.mongoditto.cli.ProgressDisplay;
import io.mongoditto.cli.UserException;
import io.mongoditto.cli.config.MongoOptions;
import io.mongoditto.cli.config.Redact;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.tools.seed.ZavaRetailGenerator;
import io.mongoditto.tools.seed.ZavaRetailSeeder;
import io.mongoditto.tools.seed.ZavaRetailSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "seed",
    header = "Load the Zava Retail dataset into MongoDB (full size or scaled).",
    description = {
      "Load the Zava Retail dataset into a MongoDB database.",
      "Full size: 8 stores, 50,000 customers, 20 categories, 424 products, 3,168 inventory rows,"
          + " 200,000 orders, ~404,000 order items, 424 product embeddings (~17 KB each).",
      "Deterministic: the same --seed and --scale give the same documents."
    })
final class SeedCommand implements Callable<Integer> {

  @ParentCommand private MongoDittoCli cli;
  @Spec private CommandSpec spec;
  @Mixin private MongoOptions mongo;

  @Option(
      names = "--scale",
      paramLabel = "FACTOR",
      defaultValue = "1.0",
      description =
          "Fraction of the full size, in (0, 1] (default ${DEFAULT-VALUE}); stores and categories do not scale.")
  private double scale;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--drop", description = "Drop the Zava collections first if they hold documents.")
  private boolean drop;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Documents per insertMany (default ${DEFAULT-VALUE}).")
  private int batchSize;

  @Override
  public Integer call() {
    if (!(scale > 0 && scale <= 1)) {
      throw new UserException("--scale must be greater than 0 and at most 1, got " + scale);
    }
    if (batchSize < 1) {
      throw new UserException("--batch-size must be at least 1");
    }
    Settings settings = mongo.settings(cli.env());
    String uri = mongo.mongodbUri(settings);
    String database = mongo.databaseName(settings);
    PrintWriter out = spec.commandLine().getOut();
    ZavaRetailSpec dataset = new ZavaRetailSpec(scale, seed);
    out.printf(
        Locale.ROOT,
        "Seeding Zava Retail (scale %s, seed %d) into %s / %s%n",
        scale,
        seed,
        Redact.mongoUri(uri),
        database);
    out.flush();
    long started = System.nanoTime();
    Map<String, Long> counts;
    try (MongoClient client = MongoClients.connect(uri);
        ProgressDisplay progress =
            new ProgressDisplay(out, ProgressDisplay.isTerminal(), Duration.ofSeconds(5))) {
      counts =
          ZavaRetailSeeder.seed(
              client.getDatabase(database),
              new ZavaRetailGenerator(dataset, batchSize),
              drop,
              progress);
    }
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        Locale.ROOT,
        "Inserted %,d documents in %.1f s (%,.0f docs/s)%n",
        total,
        seconds,
        total / seconds);
    return ExitCodes.OK;
  }
}
