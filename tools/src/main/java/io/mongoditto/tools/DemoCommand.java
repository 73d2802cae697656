package io.mongoditto.tools;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongoditto.cli.Ditto;
import io.mongoditto.cli.ExitCodes;
import io.mongoditto.cli.HealthOptions;
import io.mongoditto.cli.MongoClients;
import io.mongoditto.cli.ProgressDisplay;
import io.mongoditto.cli.UserException;
import io.mongoditto.cli.config.CdcConsumerSettings;
import io.mongoditto.cli.config.Keys;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.cli.ops.OpsServer;
import io.mongoditto.cli.ops.StatusLine;
import io.mongoditto.cli.verify.ResultTable;
import io.mongoditto.cli.verify.SyncVerifier;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.tools.seed.ZavaRetailGenerator;
import io.mongoditto.tools.seed.ZavaRetailSeeder;
import io.mongoditto.tools.seed.ZavaRetailSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    header =
        "The Zava Retail demo: local MongoDB and Ditto, seed, live sync, live changes, compare.",
    description = {
      "Starts the local MongoDB and the local Ditto, loads the Zava Retail dataset, runs the embedded",
      "sync (initial copy, then change streams; a progress line per collection), applies a burst of live",
      "updates, replaces, inserts and deletes half-way, waits until Ditto caught up; then store devices",
      "write into Ditto (new orders with items, stock counts, a deleted item), which reach MongoDB",
      "through Ditto's CDC feed, and one stock count is edited on both sides at once. Prints the",
      "MongoDB and Ditto counts per collection, a field-by-field sample comparison, the devices'",
      "writes in MongoDB, each direction's lag, and checks that nothing moves afterwards (no echoes).",
      "Exit code 0 when both directions match. No Kafka, Docker, MongoDB or Ditto account needed."
    })
final class DemoCommand implements Callable<Integer> {

  /** About a minute end to end on a 2-core machine. */
  static final double DEFAULT_SCALE = 0.1;

  static final String DATABASE = "zava";

  /** New orders the store devices take. */
  static final int DEVICE_ORDERS = 3;

  /** How long nothing may move once both sides agree. */
  static final Duration QUIET_PERIOD = Duration.ofSeconds(3);

  static final int DEMO_HISTORY = 200_000;

  @Spec private CommandSpec spec;

  @Option(
      names = "--scale",
      paramLabel = "FACTOR",
      defaultValue = "" + DEFAULT_SCALE,
      description = "Dataset size as a fraction of the full one (default ${DEFAULT-VALUE}).")
  private double scale;

  @Option(names = "--full", description = "The full dataset: 650,000+ documents (several minutes).")
  private boolean full;

  @Option(
      names = "--load-while-syncing",
      description =
          "Start the sync on empty collections and load while it streams (the default with --full:"
              + " the local MongoDB's _id range reads make the initial copy of 650,000 documents slow).")
  private boolean loadWhileSyncing;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = "--live-changes",
      paramLabel = "N",
      defaultValue = "500",
      description = "Changes applied while streaming (default ${DEFAULT-VALUE}).")
  private int liveChanges;

  @Option(
      names = "--sample",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "Documents per collection compared field by field at the end (default ${DEFAULT-VALUE}).")
  private int sample;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "900",
      description =
          "Give up when Ditto has not caught up after this long (default ${DEFAULT-VALUE}).")
  private int timeoutSeconds;

  @Option(
      names = "--ditto-port",
      defaultValue = "0",
      description = "Port of the local Ditto (default: a free one).")
  private int dittoPort;

  @Option(
      names = "--mongo-port",
      defaultValue = "0",
      description = "Port of the local MongoDB (default: a free one).")
  private int mongoPort;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "Port of /metrics and /health while the demo runs (default: a free one; -1: off).")
  private int httpPort;

  @picocli.CommandLine.Mixin private HealthOptions health;

  @Override
  public Integer call() throws Exception {
    double effectiveScale = full ? 1.0 : scale;
    if (!(effectiveScale > 0 && effectiveScale <= 1)) {
      throw new UserException("--scale must be greater than 0 and at most 1, got " + scale);
    }
    PrintWriter out = spec.commandLine().getOut();
    ZavaRetailSpec dataset = new ZavaRetailSpec(effectiveScale, seed);
    long planned = dataset.plannedCounts().values().stream().mapToLong(Integer::longValue).sum();
    out.printf(
        Locale.ROOT,
        "Zava Retail demo: ~%,d documents (scale %s), local MongoDB -> embedded sync -> local Ditto%n",
        planned,
        effectiveScale);
    out.flush();
    long started = System.nanoTime();
    Path work = Files.createTempDirectory("mongo-ditto-demo");
    // The sync starts after the load and copies it: the change history only has to cover the
    // live changes, and a full-size history of 650,000 insert events would double the memory.
    try (LocalMongo mongo =
            LocalMongo.builder()
                .host("127.0.0.1")
                .port(mongoPort)
                .historySize(DEMO_HISTORY)
                .start();
        MongoClient client = MongoClients.connect(mongo.connectionString())) {
      out.println("  local MongoDB  " + mongo.connectionString());
      out.flush();
      try (LocalDitto ditto = startDitto()) {
        out.println("  local Ditto    " + ditto.endpoint());
        out.flush();
        return runDemo(
            out,
            dataset,
            client.getDatabase(DATABASE),
            settings(mongo, ditto),
            ditto.cdcBootstrapServers(),
            ditto.cdcTopic(),
            work,
            started);
      }
    } finally {
      deleteRecursively(work);
    }
  }

  private LocalDitto startDitto() {
    try {
      // With its CDC feed (a one-node broker in this process): the runner reads it as it would
      // read a Data Bridge on Ditto's cloud Kafka, for the Ditto -> MongoDB direction.
      return LocalDitto.start(
          LocalDitto.Options.defaults().withPort(dittoPort).withCdc(CdcOptions.inProcessBroker()));
    } catch (RuntimeException e) {
      throw new UserException(
          "cannot start the local Ditto (it needs Node.js 20 and the npm package"
              + " @dittolive/ditto, installed by the build): "
              + e.getMessage(),
          e);
    }
  }

  static Settings settings(LocalMongo mongo, LocalDitto ditto) {
    return Settings.of(ZavaRetailSpec.connectorMapping())
        .with(
            Map.of(
                Keys.MONGODB_URI,
                mongo.connectionString(),
                Keys.MONGODB_DATABASE,
                DATABASE,
                Keys.TOPIC_PREFIX,
                "zava",
                "errors.topic",
                "zava.errors",
                Keys.DITTO_ENDPOINT,
                ditto.endpoint(),
                Keys.DITTO_API_KEY,
                ditto.apiKey(),
                "name",
                "zava-retail-demo"));
  }

  private int runDemo(
      PrintWriter out,
      ZavaRetailSpec dataset,
      MongoDatabase db,
      Settings settings,
      String cdcServers,
      String cdcTopic,
      Path work,
      long started)
      throws Exception {
    List<CollectionConfig> synced = settings.collectionsSyncedToDitto();
    // Collections first, with pre- and post-images (what `enable-change-streams` does on a real
    // server).
    for (String name : ZavaRetailSpec.COLLECTIONS) {
      db.createCollection(name);
      db.runCommand(
          new Document("collMod", name)
              .append("changeStreamPreAndPostImages", new Document("enabled", true)));
    }
    boolean streamLoad = full || loadWhileSyncing;
    Map<String, Long> mongoCounts = new LinkedHashMap<>();
    if (!streamLoad) {
      out.println("Loading the Zava Retail dataset into MongoDB:");
      out.flush();
      try (ProgressDisplay progress =
          new ProgressDisplay(out, ProgressDisplay.isTerminal(), Duration.ofSeconds(5))) {
        ZavaRetailSeeder.seed(db, new ZavaRetailGenerator(dataset, 1000), false, progress);
      }
      for (CollectionConfig e : synced) {
        mongoCounts.put(e.name(), db.getCollection(e.name()).countDocuments());
      }
    } else {
      for (CollectionConfig e : synced) {
        mongoCounts.put(e.name(), (long) dataset.plannedCounts().get(e.name()));
      }
    }
    long toCopy = mongoCounts.values().stream().mapToLong(Long::longValue).sum();

    out.printf(
        Locale.ROOT,
        streamLoad
            ? "Syncing to Ditto while loading ~%,d documents into MongoDB (change streams):%n"
            : "Syncing %,d documents to Ditto (initial copy, then the change streams):%n",
        toCopy);
    out.flush();
    try (EmbeddedSync forward =
            EmbeddedSync.start(
                new EmbeddedSync.Options(
                    settings.asMap(),
                    work.resolve("offsets.dat"),
                    work.resolve("dead-letters.jsonl"),
                    Duration.ofSeconds(1)));
        DittoHttpClient ditto = Ditto.client(settings);
        OpsServer forwardOps =
            httpPort < 0 ? null : health.start(httpPort, forward, settings.asMap(), synced)) {
      if (forwardOps != null) {
        out.printf(
            "  metrics        %s/metrics  health %s/health%n", forwardOps.url(), forwardOps.url());
        out.flush();
      }
      if (!forward.awaitStarted(Duration.ofSeconds(60))) {
        throw new UserException("the sync did not start: " + describe(forward.failure()));
      }
      SyncVerifier verifier = new SyncVerifier(db, ditto);
      int burst;
      try (ProgressDisplay progress =
          new ProgressDisplay(out, ProgressDisplay.isTerminal(), Duration.ofSeconds(5))) {
        // Documents in Ditto against documents in MongoDB: the sync's applied count is change
        // records (a document copied, then updated, counts twice), not documents.
        DocumentCounts inDitto = new DocumentCounts(verifier::dittoCount, Duration.ofSeconds(1));
        Runnable show =
            () -> {
              for (CollectionConfig e : synced) {
                progress.update(
                    e.name(),
                    inDitto.get(e.mapping().dittoCollection()),
                    mongoCounts.get(e.name()));
              }
            };
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        if (streamLoad) {
          // The copy of the (still empty) collections is instant and takes the stream position
          // first, so every insert of the load arrives through the change streams.
          awaitCopied(forward, synced, deadline);
          java.util.concurrent.atomic.AtomicReference<RuntimeException> loadFailure =
              new java.util.concurrent.atomic.AtomicReference<>();
          Thread loader =
              new Thread(
                  () -> {
                    try {
                      // Keep the sync's backlog well inside the local MongoDB's change history.
                      ZavaRetailSeeder.seed(
                          db,
                          new ZavaRetailGenerator(dataset, 1000),
                          false,
                          null,
                          inserted -> {
                            while (inserted - applied(forward, synced) > DEMO_HISTORY / 4
                                && forward.isRunning()) {
                              try {
                                Thread.sleep(50);
                              } catch (InterruptedException ie) {
                                Thread.currentThread().interrupt();
                                return;
                              }
                            }
                          });
                    } catch (RuntimeException e) {
                      loadFailure.set(e);
                    }
                  },
                  "demo-load");
          loader.start();
          while (loader.isAlive()) {
            show.run();
            loader.join(200);
          }
          if (loadFailure.get() != null) {
            throw loadFailure.get();
          }
        } else {
          // Live changes once half is copied: they meet the copy and the stream hand-over.
          while (applied(forward, synced) < toCopy / 2
              && forward.isRunning()
              && System.nanoTime() < deadline) {
            show.run();
            Thread.sleep(200);
          }
        }
        burst = applyLiveChanges(db, dataset, liveChanges, seed);
        awaitConverged(verifier, synced, forward, deadline, show);
        for (CollectionConfig e : synced) {
          progress.finish(e.name(), verifier.dittoCount(e.mapping().dittoCollection()));
        }
      }
      out.printf(
          Locale.ROOT,
          "Applied %,d live changes (updates with $unset, replaces, inserts, deletes) while syncing.%n",
          burst);
      out.flush();

      // Ditto -> MongoDB from here on: Ditto already holds MongoDB's data, and its CDC feed's
      // history is the echo of the copy, so the runner restarts (resuming from its offsets file)
      // and reads the feed from its end, as an operator turning the second direction on would.
      forward.close();
      if (forwardOps != null) {
        forwardOps.close();
      }
      Settings bothWays =
          settings.with(
              Map.of(
                  CdcConsumerSettings.BOOTSTRAP_SERVERS,
                  cdcServers,
                  CdcConsumerSettings.TOPIC,
                  cdcTopic,
                  CdcConsumerSettings.CONSUMER_PREFIX + "auto.offset.reset",
                  "latest"));
      out.println();
      out.println(
          "Turning on Ditto -> MongoDB: the runner restarts from its offsets file and reads"
              + " Ditto's CDC feed from its end.");
      out.flush();
      try (EmbeddedSync sync =
              EmbeddedSync.start(
                  new EmbeddedSync.Options(
                      bothWays.asMap(),
                      work.resolve("offsets.dat"),
                      work.resolve("dead-letters.jsonl"),
                      Duration.ofSeconds(1)));
          OpsServer ops =
              forwardOps == null
                  ? null
                  : health.start(forwardOps.port(), sync, bothWays.asMap(), synced)) {
        if (!sync.awaitStarted(Duration.ofSeconds(60))) {
          throw new UserException("the sync did not start again: " + describe(sync.failure()));
        }
        long readingBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!sync.dittoToMongo().map(r -> r.isReading()).orElse(false)
            && sync.isRunning()
            && System.nanoTime() < readingBy) {
          Thread.sleep(50);
        }

        // The store devices: their writes reach Ditto's server, and through its CDC feed MongoDB.
        out.println();
        out.println(
            "Store devices write into Ditto (new orders with items, stock counts, a delete):");
        out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        DemoDevices.Played played =
            DemoDevices.play(ditto, db, DEVICE_ORDERS, nextOrderId(db), seed);
        Map<Integer, Document> arrived =
            DemoDevices.awaitInMongo(db, played, remaining(deadline, Duration.ofSeconds(120)));
        if (arrived != null) {
          arrived.forEach(
              (orderId, doc) ->
                  out.printf(
                      Locale.ROOT,
                      "  order %d (%d item(s)) from a device -> in MongoDB as _id %s%n",
                      orderId,
                      doc.getInteger("item_count", 0),
                      doc.get("_id")));
          out.printf(
              Locale.ROOT,
              "  %d stock counts changed on devices -> in MongoDB; order item %s deleted on a"
                  + " device -> gone from MongoDB%n",
              played.stockLevels().size(),
              played.deletedItemId());
        } else {
          out.println("  the devices' writes did not all reach MongoDB in time");
        }
        DemoConflict.Outcome conflict =
            DemoConflict.play(db, ditto, remaining(deadline, Duration.ofSeconds(60)));
        out.println("Conflict: " + conflict.describe() + ".");
        awaitConverged(verifier, synced, sync, deadline, () -> {});

        long lagMillis = measureLag(db, ditto);
        long reverseLagMillis = DemoDevices.measureLag(ditto, db);
        DemoQuiet.Result quiet = DemoQuiet.watch(db, sync, QUIET_PERIOD);

        List<SyncVerifier.Result> results = new ArrayList<>();
        for (CollectionConfig e : synced) {
          results.add(verifier.verify(e, sample));
        }
        out.println();
        out.println("MongoDB vs Ditto:");
        ResultTable.print(out, results);
        for (String name : ZavaRetailSpec.COLLECTIONS) {
          if (synced.stream().noneMatch(e -> e.name().equals(name))) {
            out.printf(
                Locale.ROOT,
                "%-20s %,12d %12s  not synced (disabled in the config)%n",
                name,
                db.getCollection(name).countDocuments(),
                "-");
          }
        }
        out.println();
        out.println("Ditto -> MongoDB (the devices' writes):");
        List<DemoDevices.Row> deviceRows = DemoDevices.verify(db, played);
        out.printf(
            Locale.ROOT, "%-20s %-16s %8s %12s%n", "collection", "on devices", "", "in MongoDB");
        for (DemoDevices.Row row : deviceRows) {
          out.printf(
              Locale.ROOT,
              "%-20s %-16s %8d %12d  %s%n",
              row.collection(),
              row.what(),
              row.expected(),
              row.found(),
              row.ok() ? "OK" : "MISMATCH");
        }
        out.println();
        out.printf(
            Locale.ROOT,
            "Sync lag: a MongoDB write was readable in Ditto %d ms later.%n",
            lagMillis);
        out.printf(
            Locale.ROOT,
            "Sync lag: a Ditto write was readable in MongoDB %d ms later.%n",
            reverseLagMillis);
        out.println("Status: " + StatusLine.of(sync));
        out.println(quiet.describe() + ".");
        if (sync.deadLetters() > 0) {
          out.printf("Dead letters: %d (%s)%n", sync.deadLetters(), sync.deadLetterFile());
        }
        out.printf(Locale.ROOT, "Done in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        out.flush();
        boolean ok =
            results.stream().allMatch(SyncVerifier.Result::matches)
                && arrived != null
                && deviceRows.stream().allMatch(DemoDevices.Row::ok)
                && conflict.settled()
                && quiet.quiet()
                && sync.failure() == null
                && sync.dittoToMongo().map(r -> r.isRunning()).orElse(false)
                && lagMillis >= 0
                && reverseLagMillis >= 0;
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }
  }

  /** The first order number no order uses yet (the devices' new orders follow it). */
  private static int nextOrderId(MongoDatabase db) {
    Document last =
        db.getCollection(ZavaRetailSpec.ORDERS)
            .find()
            .sort(new Document("order_id", -1))
            .limit(1)
            .first();
    return last == null ? 1 : last.getInteger("order_id") + 1;
  }

  /** What is left until {@code deadline}, at most {@code cap}. */
  private static Duration remaining(long deadline, Duration cap) {
    long left = Math.max(0, deadline - System.nanoTime());
    return Duration.ofNanos(Math.min(left, cap.toNanos()));
  }

  /** Waits until the initial copy of the empty collections is over (a short idle pause). */
  private static void awaitCopied(EmbeddedSync sync, List<CollectionConfig> synced, long deadline)
      throws InterruptedException {
    // Empty collections produce no records: the copy is over once the source task ran a moment.
    Thread.sleep(2000);
    if (!sync.isRunning() || System.nanoTime() > deadline) {
      throw new UserException("the sync stopped: " + describe(sync.failure()));
    }
  }

  private static long applied(EmbeddedSync sync, List<CollectionConfig> synced) {
    long n = 0;
    for (CollectionConfig e : synced) {
      n += sync.stats().applied(e.mapping().dittoCollection());
    }
    return n;
  }

  /** A burst of live changes of every kind while the sync streams. */
  static int applyLiveChanges(MongoDatabase db, ZavaRetailSpec dataset, int count, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5eed);
    List<Object> itemIds =
        db.getCollection(ZavaRetailSpec.ORDER_ITEMS)
            .find()
            .limit(Math.max(1, count))
            .map(d -> d.get("_id"))
            .into(new ArrayList<>());
    List<Object> inventoryIds =
        db.getCollection(ZavaRetailSpec.INVENTORY)
            .find()
            .limit(Math.max(1, count))
            .map(d -> d.get("_id"))
            .into(new ArrayList<>());
    int nextCustomer = dataset.customers() + 1;
    for (int i = 0; i < count; i++) {
      int kind = rnd.nextInt(100);
      if (kind < 35) {
        db.getCollection(ZavaRetailSpec.CUSTOMERS)
            .updateOne(
                Filters.eq("customer_id", rnd.nextInt(dataset.customers()) + 1),
                Updates.combine(
                    Updates.set("loyalty.points", rnd.nextInt(50_000)),
                    Updates.set("loyalty.tier", "gold"),
                    Updates.unset("phone")));
      } else if (kind < 55 && !inventoryIds.isEmpty()) {
        db.getCollection(ZavaRetailSpec.INVENTORY)
            .updateOne(
                Filters.eq("_id", inventoryIds.get(rnd.nextInt(inventoryIds.size()))),
                Updates.inc("stock_level", -1));
      } else if (kind < 70) {
        db.getCollection(ZavaRetailSpec.ORDERS)
            .updateOne(
                Filters.eq("order_id", rnd.nextInt(dataset.orders()) + 1),
                Updates.combine(
                    Updates.set("status", "returned"), Updates.unset("payment.card_last4")));
      } else if (kind < 80 && !itemIds.isEmpty()) {
        db.getCollection(ZavaRetailSpec.ORDER_ITEMS)
            .deleteOne(Filters.eq("_id", itemIds.remove(rnd.nextInt(itemIds.size()))));
      } else if (kind < 92) {
        int id = nextCustomer++;
        db.getCollection(ZavaRetailSpec.CUSTOMERS)
            .insertOne(
                new Document("customer_id", id)
                    .append("first_name", "Live")
                    .append("last_name", "Customer " + id)
                    .append("address", new Document("city", "Seattle").append("state", "WA"))
                    .append("tags", List.of("demo"))
                    .append("active", true)
                    .append("deleted", false));
      } else {
        int storeId = rnd.nextInt(dataset.stores()) + 1;
        Document store =
            db.getCollection(ZavaRetailSpec.STORES).find(Filters.eq("store_id", storeId)).first();
        if (store != null) {
          store.remove("tags"); // a replace that drops a field: Ditto must drop it too
          store.put("renovated", true);
          db.getCollection(ZavaRetailSpec.STORES)
              .replaceOne(Filters.eq("_id", store.get("_id")), store);
        }
      }
    }
    return count;
  }

  private static void awaitConverged(
      SyncVerifier verifier,
      List<CollectionConfig> synced,
      EmbeddedSync sync,
      long deadline,
      Runnable show)
      throws InterruptedException {
    while (true) {
      show.run();
      if (!sync.isRunning()) {
        throw new UserException("the sync stopped: " + describe(sync.failure()));
      }
      boolean equal = sync.stats().idleMillis() > 500;
      for (CollectionConfig e : synced) {
        if (!equal) {
          break;
        }
        equal = verifier.mongoCount(e.name()) == verifier.dittoCount(e.mapping().dittoCollection());
      }
      if (equal || System.nanoTime() > deadline) {
        return;
      }
      Thread.sleep(250);
    }
  }

  /** Writes one change and polls Ditto until it is visible: the end-to-end lag right now. */
  private static long measureLag(MongoDatabase db, DittoHttpClient ditto)
      throws InterruptedException {
    String marker = Long.toString(System.nanoTime());
    long t0 = System.nanoTime();
    db.getCollection(ZavaRetailSpec.STORES)
        .updateOne(Filters.eq("store_id", 1), Updates.set("last_synced_marker", marker));
    long deadline = t0 + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var r = ditto.execute("SELECT * FROM stores WHERE _id = :id", Map.of("id", 1));
      if (!r.items().isEmpty() && marker.equals(r.items().get(0).get("last_synced_marker"))) {
        return (System.nanoTime() - t0) / 1_000_000;
      }
      Thread.sleep(5);
    }
    return -1;
  }

  private static String describe(Throwable t) {
    return t == null ? "no error reported" : t.getMessage();
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir: best effort
    }
  }
}
