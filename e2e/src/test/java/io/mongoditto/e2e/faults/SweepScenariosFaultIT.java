package io.mongoditto.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.source.SourceOffsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The sweep scenarios of issue 13 on real separate broker and worker processes, each fault's effect
 * confirmed ({@link FaultEffects}), then the invariant ({@link InvariantCheck}: 0 lost, 0 stale, 0
 * extra) with the documents that are not the main source's checked on their own:
 *
 * <ol>
 *   <li>a second source ({@code zava-east}, its own database) writes into the same Ditto collection
 *       ({@code stores}) as the main source, both with {@code snapshot.sweep=always}: neither's
 *       sweeps may delete the other's documents;
 *   <li>app-written documents (no {@code _mongoditto} field) sit in Ditto's {@code orders} and
 *       {@code inventory} from the start, through every sweep;
 *   <li>the main source's first copy (which sweeps) is slowed down through {@link MongoTcpProxy};
 *       inside it, documents it already copied (and that reached Ditto) are deleted or re-keyed in
 *       MongoDB and only the source task is restarted: the restarted copy starts over under a new
 *       epoch and its sweep deletes them;
 *   <li>three collections start without pre/post images; with the source stopped, documents are
 *       updated (and one of them deleted), images are turned on ({@code collMod}), more are
 *       updated, the source resumed: the updates stored without their post-image reach Ditto;
 *   <li>a re-sync: both sources stopped while more changes than MongoDB keeps are written (and
 *       documents deleted), resumed: error 286, {@code history.lost.policy=resnapshot}, copies that
 *       sweep, with the other source's and the app's documents present.
 * </ol>
 *
 * Seeded ({@code -Dfaults.seed=N}); it waits on conditions only. See docs/reliability.md.
 */
class SweepScenariosFaultIT {

  private static final String MAIN = "zava-main";
  private static final String EAST = "zava-east";
  private static final String SINK = "ditto-sink";
  private static final String EAST_DB = "zava_east";
  private static final String EAST_PREFIX = "east-";
  private static final String APP_PREFIX = "app-";
  private static final List<String> APP_COLLECTIONS = List.of("orders", "inventory");
  private static final List<String> WITHOUT_IMAGES = List.of("categories", "inventory");
  private static final int HISTORY = 3000;
  private static final int SEED_DOCS = 1600;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long seed = Long.getLong("faults.seed", 20261203L);
  private final Random random = new Random(seed);
  private final FaultEffects effects = new FaultEffects();
  private final List<String> figures = new ArrayList<>();
  private KafkaProcesses kafka;
  private ConnectClient rest;
  private Path progress;

  @Test
  void sweepsDeleteExactlyWhatTheirOwnSourceNoLongerHolds() throws Exception {
    Path workDir =
        Files.createDirectories(
            Path.of("target", "faults", "sweeps-" + System.currentTimeMillis()).toAbsolutePath());
    progress = workDir.resolve("progress.log");
    log("seed " + seed + ", work dir " + workDir);
    try (LocalMongo mongo = LocalMongo.builder().historySize(HISTORY).start();
        MongoTcpProxy mongoProxy = new MongoTcpProxy(mongo.port());
        LocalDitto ditto =
            LocalDitto.start(LocalDitto.Options.defaults().withDataDir(workDir.resolve("ditto")));
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      String mongoUri =
          "mongodb://127.0.0.1:"
              + mongoProxy.port()
              + "/?directConnection=true&serverSelectionTimeoutMS=10000&connectTimeoutMS=5000";
      kafka =
          KafkaProcesses.startBroker(
              workDir,
              Map.of(
                  "MONGODB_CONNECTION_STRING",
                  mongoUri,
                  "DITTO_CLOUD_ENDPOINT",
                  ditto.endpoint(),
                  "DITTO_API_KEY",
                  ditto.apiKey()));
      try {
        rest = new ConnectClient(kafka.startWorker().restUrl());
        run(
            client.getDatabase("zava"),
            client.getDatabase(EAST_DB),
            new LocalDittoClient(ditto),
            mongoProxy);
      } finally {
        kafka.close();
      }
    }
  }

  private void run(
      MongoDatabase db, MongoDatabase east, LocalDittoClient ditto, MongoTcpProxy mongoProxy)
      throws Exception {
    long started = System.nanoTime();
    for (ZavaWorkload.Coll c : ZavaWorkload.COLLECTIONS) {
      CreateCollectionOptions options = new CreateCollectionOptions();
      if (!WITHOUT_IMAGES.contains(c.name())) {
        options.changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true));
      }
      db.createCollection(c.name(), options);
    }
    east.createCollection(
        "stores",
        new CreateCollectionOptions()
            .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    ZavaWorkload workload = new ZavaWorkload(db, seed);
    workload.seed(SEED_DOCS);
    MongoCollection<Document> eastStores = east.getCollection("stores");
    for (int i = 0; i < 40; i++) {
      eastStores.insertOne(
          new Document("store_id", EAST_PREFIX + i)
              .append("name", "east store " + i)
              .append("count", random.nextInt(1000)));
    }
    Map<String, Map<String, Object>> appDocs = writeAppDocuments(ditto);

    Map<String, String> main = ConnectFaultSuiteIT.configFile("zava-retail-source.json");
    main.put("tasks.max", "1");
    main.put("source.id", MAIN);
    main.put("snapshot.sweep", "always");
    main.put("history.lost.policy", "resnapshot");
    main.put("snapshot.chunk.size", "10");
    main.put("snapshot.parallelism", "1");
    main.put("heartbeat.interval.ms", "5000");
    Map<String, String> eastSource = eastSourceConfig(main);
    Map<String, String> sink = ConnectFaultSuiteIT.configFile("ditto-sink.json");
    sink.put("tasks.max", "1");
    sink.put("topics", sink.get("topics") + ",east.stores");
    sink.put("sweep.grace.ms", "2000");
    InvariantCheck invariant =
        new InvariantCheck(
            db,
            ditto,
            main,
            (collection, id) -> id.startsWith(EAST_PREFIX) || id.startsWith(APP_PREFIX));

    // 1. the second source's documents in Ditto's stores before the main source's first sweep
    configure(SINK, sink);
    configure(EAST, eastSource);
    await("the second source's stores in Ditto", 120, () -> eastProblems(east, ditto).isEmpty());

    // 2. the main source's sweeping copy, slowed; copied documents deleted; the task restarted
    mongoProxy.delayReplies(300);
    configure(MAIN, main);
    restartInsideTheCopy(db, ditto, mongoProxy);
    awaitClean("after the restarted copy", invariant, east, ditto, appDocs);
    long mainStores = countBySource(ditto, "stores", MAIN);
    long eastStoresInDitto = countBySource(ditto, "stores", EAST);
    fault(
        "second source in the same Ditto collection",
        "Ditto's stores holds "
            + mainStores
            + " documents of "
            + MAIN
            + " and "
            + eastStoresInDitto
            + " of "
            + EAST
            + " after "
            + MAIN
            + "'s sweeping copies",
        mainStores > 0 && eastStoresInDitto == eastStores.countDocuments());

    // 3. pre/post images turned on between updates, the source stopped meanwhile
    imagesTurnedOnMidway(db);
    awaitClean("after images were turned on", invariant, east, ditto, appDocs);
    for (int i = 0; i < 150; i++) {
      workload.step();
    }
    updateEast(eastStores, 5);
    awaitClean("after the workload", invariant, east, ditto, appDocs);

    // 4. a re-sync of both sources with the app's documents present
    resync(db, ditto, workload, eastStores, appDocs);
    InvariantCheck.Result result = awaitClean("after the re-sync", invariant, east, ditto, appDocs);

    List<String> sweepLines = logLines("not touched since the start marker deleted");
    StringBuilder report = new StringBuilder("\n=== sweep scenarios (seed " + seed + ") ===\n");
    effects.appendTo(report);
    figures.forEach(f -> report.append(f).append('\n'));
    report
        .append("changes made by the workload: ")
        .append(workload.changes())
        .append(' ')
        .append(workload.changesByKind())
        .append('\n');
    report.append("sweeps run: ").append(sweepLines.size()).append('\n');
    sweepLines.forEach(l -> report.append("  ").append(l).append('\n'));
    report.append("documents checked: ").append(result.checked()).append('\n');
    report.append("lost: ").append(result.lost().size()).append('\n');
    report.append("stale: ").append(result.stale().size()).append('\n');
    report.append("extra: ").append(result.extra().size()).append('\n');
    report
        .append("second source's documents: ")
        .append(eastStores.countDocuments())
        .append(", problems ")
        .append(eastProblems(east, ditto))
        .append('\n');
    report
        .append("app-written documents: ")
        .append(appDocs.size())
        .append(", problems ")
        .append(appProblems(ditto, appDocs))
        .append('\n');
    report
        .append("run time: ")
        .append(Duration.ofNanos(System.nanoTime() - started).toSeconds())
        .append(" s\n");
    log(report.toString());
    Files.writeString(kafka.workDir().resolve("report.txt"), report, StandardCharsets.UTF_8);

    assertEquals(List.of(), effects.unconfirmed(), "scenarios without their effect" + report);
    assertTrue(result.clean(), "invariant broken: " + result.summary() + report);
    assertEquals(List.of(), eastProblems(east, ditto), "second source's documents" + report);
    assertEquals(List.of(), appProblems(ditto, appDocs), "app-written documents" + report);
  }

  // --- the scenarios

  /** Documents an app wrote into Ditto itself: no {@code _mongoditto} field, ids no source uses. */
  private Map<String, Map<String, Object>> writeAppDocuments(LocalDittoClient ditto) {
    Map<String, Map<String, Object>> written = new TreeMap<>();
    for (String c : APP_COLLECTIONS) {
      for (int i = 0; i < 10; i++) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("_id", APP_PREFIX + c + "-" + i);
        doc.put("note", "written by an app");
        doc.put("n", random.nextInt(1000));
        ditto.execute("INSERT INTO " + c + " DOCUMENTS (:doc)", Map.of("doc", doc));
        written.put(c + "/" + doc.get("_id"), doc);
      }
    }
    return written;
  }

  private static Map<String, String> eastSourceConfig(Map<String, String> main) {
    Map<String, String> c = new LinkedHashMap<>();
    for (String k :
        List.of(
            "connector.class",
            "mongodb.uri",
            "key.converter",
            "key.converter.schemas.enable",
            "value.converter",
            "value.converter.schemas.enable")) {
      c.put(k, main.get(k));
    }
    c.put("tasks.max", "1");
    c.put("mongodb.database", EAST_DB);
    c.put("collections", "stores");
    c.put("collection.stores.id.mode", "single_field");
    c.put("collection.stores.id.fields", "store_id");
    c.put("topic.prefix", "east");
    c.put("errors.topic", "east.errors");
    c.put("source.id", EAST);
    c.put("snapshot.sweep", "always");
    c.put("history.lost.policy", "resnapshot");
    c.put("heartbeat.interval.ms", "5000");
    return c;
  }

  /**
   * Waits until the main source's committed offset shows a sweeping copy in progress with most of
   * its collection still to copy, slows the copy to a crawl, deletes (and re-keys) documents it
   * copied once they are in Ditto, and restarts the source task alone. Its effect: the restarted
   * task logs that it starts that copy over under a new epoch (it does so only for a stored offset
   * inside a sweeping copy).
   */
  private void restartInsideTheCopy(MongoDatabase db, LocalDittoClient ditto, MongoTcpProxy proxy) {
    Map<String, ReferenceMapping> mappings = ZavaReference.collections(false);
    String[] caught = new String[1];
    BsonValue[] lastId = new BsonValue[1];
    await(
        "a sweeping copy in progress in the committed offsets",
        120,
        () -> {
          for (Map.Entry<String, JsonNode> e : committedOffsets(MAIN).entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> offset = JSON.convertValue(e.getValue(), Map.class);
            BsonValue last = SourceOffsets.snapshotLastId(offset);
            String c = e.getKey().substring(e.getKey().indexOf('.') + 1);
            if (SourceOffsets.snapshotSweep(offset) != null
                && last != null
                && mappings.containsKey(c)
                // the commit lags the reader by up to a flush interval: keep enough still to copy
                && db.getCollection(c).countDocuments(Filters.gt("_id", last)) >= 120) {
              caught[0] = c;
              lastId[0] = last;
              return true;
            }
          }
          return false;
        });
    proxy.delayReplies(2500);
    String c = caught[0];
    ReferenceMapping mapping = mappings.get(c);
    MongoCollection<BsonDocument> coll = db.getCollection(c, BsonDocument.class);
    List<BsonDocument> copied =
        coll.find(Filters.lte("_id", lastId[0]))
            .sort(Sorts.ascending("_id"))
            .limit(4)
            .into(new ArrayList<>());
    List<String> dittoIds = copied.stream().map(d -> mapping.map(d).dittoId()).toList();
    await(
        "the copied documents in Ditto",
        60,
        () ->
            ditto.selectById(c).keySet().stream()
                .map(String::valueOf)
                .toList()
                .containsAll(dittoIds));
    long inCopy = coll.countDocuments(Filters.gt("_id", lastId[0]));
    for (BsonDocument d : copied.subList(0, 3)) {
      coll.deleteOne(Filters.eq("_id", d.get("_id")));
    }
    BsonDocument fourth = copied.get(3);
    String rekeyed;
    if (mapping.idField() != null) {
      coll.updateOne(
          Filters.eq("_id", fourth.get("_id")), Updates.set(mapping.idField(), c + "-rekeyed"));
      rekeyed = "1 re-keyed (" + mapping.idField() + ")";
    } else {
      coll.deleteOne(Filters.eq("_id", fourth.get("_id")));
      rekeyed = "1 more deleted";
    }
    String needle = "Snapshot of zava." + c + " deletes the Ditto documents it does not copy";
    long before = SecretScan.count(kafka.logs(), needle);
    ConnectClient.Response restarted = rest.post("connectors/" + MAIN + "/tasks/0/restart");
    assertTrue(restarted.status() / 100 == 2, "task restart: " + restarted.text());
    await(
        "the restarted task starting the copy of " + c + " over",
        120,
        () -> SecretScan.count(kafka.logs(), needle) > before);
    proxy.delayReplies(0);
    awaitRunning(MAIN);
    fault(
        "source-only restart inside a sweeping copy",
        "copy of "
            + c
            + " committed up to _id "
            + lastId[0]
            + " with "
            + inCopy
            + " documents still to copy; 3 copied documents (in Ditto) deleted and "
            + rekeyed
            + "; task 0 restarted; the new task logged: "
            + needle
            + " (starting it over as a new copy)",
        SecretScan.count(kafka.logs(), needle) > before);
  }

  /**
   * With the source stopped: updates of documents in collections without pre/post images (one of
   * them deleted afterwards), collMod turning images on, more updates, then the source resumed. Its
   * effect: the images were off for the first updates and on for the later ones.
   */
  private void imagesTurnedOnMidway(MongoDatabase db) {
    rest.put("connectors/" + MAIN + "/stop", null);
    awaitStopped(MAIN);
    boolean offBefore = true;
    boolean onAfter = true;
    long updatesBefore = 0;
    long updatesAfter = 0;
    for (String c : WITHOUT_IMAGES) {
      MongoCollection<Document> coll = db.getCollection(c);
      offBefore &= !imagesOn(db, c);
      List<Object> ids =
          coll.find()
              .sort(Sorts.descending("_id"))
              .limit(14)
              .map(d -> d.get("_id"))
              .into(new ArrayList<>());
      for (Object id : ids.subList(0, 10)) {
        updatesBefore +=
            coll.updateOne(Filters.eq("_id", id), Updates.set("count", random.nextInt(100_000)))
                .getModifiedCount();
      }
      // updated without a post-image, then deleted: the delete must still apply
      coll.deleteOne(Filters.eq("_id", ids.get(0)));
      db.runCommand(
          new Document("collMod", c)
              .append("changeStreamPreAndPostImages", new Document("enabled", true)));
      onAfter &= imagesOn(db, c);
      for (Object id : ids.subList(10, 14)) {
        updatesAfter +=
            coll.updateOne(Filters.eq("_id", id), Updates.set("count", random.nextInt(100_000)))
                .getModifiedCount();
      }
    }
    rest.put("connectors/" + MAIN + "/resume", null);
    awaitRunning(MAIN);
    fault(
        "pre/post images turned on between updates",
        "source stopped; on "
            + WITHOUT_IMAGES
            + ": "
            + updatesBefore
            + " updates with images "
            + (offBefore ? "off" : "ON")
            + ", 1 of those documents deleted per collection, collMod, "
            + updatesAfter
            + " updates with images "
            + (onAfter ? "on" : "OFF")
            + "; source resumed",
        offBefore && onAfter && updatesBefore > 0 && updatesAfter > 0);
  }

  /**
   * Both sources stopped while more changes than MongoDB keeps are written and documents are
   * deleted (in both databases), then resumed: each resume point is lost (error 286), both copy
   * again and sweep, with the app's documents and the other source's in the same collections. Its
   * effects: the app's documents were in Ditto before; error 286 was logged for both sources and
   * sweeps ran afterwards.
   */
  private void resync(
      MongoDatabase db,
      LocalDittoClient ditto,
      ZavaWorkload workload,
      MongoCollection<Document> eastStores,
      Map<String, Map<String, Object>> appDocs) {
    List<String> appBefore = appProblems(ditto, appDocs);
    fault(
        "app-written documents present during a re-sync",
        appDocs.size()
            + " app documents in Ditto's "
            + APP_COLLECTIONS
            + " before the re-sync, problems: "
            + appBefore,
        appBefore.isEmpty());
    long lostBefore = SecretScan.count(kafka.logs(), "no longer in MongoDB's oplog (error 286)");
    long eastLostBefore = SecretScan.count(kafka.logs(), "The resume position of " + EAST_DB);
    long mainSweepsBefore = sweepLines(MAIN);
    long eastSweepsBefore = sweepLines(EAST);
    for (String c : List.of(MAIN, EAST)) {
      rest.put("connectors/" + c + "/stop", null);
    }
    awaitStopped(MAIN);
    awaitStopped(EAST);
    long written = workload.bulkUpdates(HISTORY + 500L);
    int deleted = workload.deleteSome(10);
    for (int i = 0; i < 20; i++) {
      workload.step();
    }
    Object eastGone = eastStores.find().first().get("_id");
    eastStores.deleteOne(Filters.eq("_id", eastGone));
    for (String c : List.of(MAIN, EAST)) {
      rest.put("connectors/" + c + "/resume", null);
    }
    awaitRunning(MAIN);
    awaitRunning(EAST);
    // every collection of both sources copies again and sweeps
    await(
        "sweeps of both sources after the re-sync",
        120,
        () -> sweepLines(MAIN) >= mainSweepsBefore + 7 && sweepLines(EAST) >= eastSweepsBefore + 1);
    long lost =
        SecretScan.count(kafka.logs(), "no longer in MongoDB's oplog (error 286)") - lostBefore;
    long eastLost =
        SecretScan.count(kafka.logs(), "The resume position of " + EAST_DB) - eastLostBefore;
    fault(
        "re-sync after lost history",
        "both sources stopped, "
            + written
            + " changes written (MongoDB keeps "
            + HISTORY
            + "), "
            + deleted
            + " documents deleted in zava and 1 in "
            + EAST_DB
            + "; resumed: error 286 for "
            + lost
            + " collection streams ("
            + eastLost
            + " of "
            + EAST
            + ")",
        lost > 1 && eastLost > 0);
  }

  private void updateEast(MongoCollection<Document> eastStores, int n) {
    List<Object> ids = eastStores.find().limit(n).map(d -> d.get("_id")).into(new ArrayList<>());
    for (Object id : ids) {
      eastStores.updateOne(Filters.eq("_id", id), Updates.set("count", random.nextInt(1000)));
    }
  }

  // --- checks

  /** The second source's documents in Ditto equal its MongoDB collection, mapped, and name it. */
  private static List<String> eastProblems(MongoDatabase east, LocalDittoClient ditto) {
    ReferenceMapping mapping = ReferenceMapping.singleField("store_id");
    Map<String, JsonNode> expected = new TreeMap<>();
    for (BsonDocument d : east.getCollection("stores", BsonDocument.class).find()) {
      ReferenceMapping.Expected e = mapping.map(d);
      expected.put(e.dittoId(), e.document());
    }
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, Object>> actual = new TreeMap<>();
    ditto
        .selectById("stores")
        .forEach(
            (id, d) -> {
              if (String.valueOf(id).startsWith(EAST_PREFIX)) {
                actual.put(String.valueOf(id), d);
              }
            });
    expected.forEach(
        (id, doc) -> {
          Map<String, Object> got = actual.get(id);
          if (got == null) {
            problems.add("lost stores/" + id);
          } else if (!InvariantCheck.sameJson(doc, JSON.valueToTree(DittoMetadata.without(got)))) {
            problems.add("stale stores/" + id);
          } else if (!EAST.equals(DittoMetadata.sourceOf(got))) {
            problems.add("stores/" + id + " names source " + DittoMetadata.sourceOf(got));
          }
        });
    actual.keySet().stream()
        .filter(id -> !expected.containsKey(id))
        .forEach(id -> problems.add("extra stores/" + id));
    return problems;
  }

  /** The app's documents are in Ditto exactly as the app wrote them. */
  private static List<String> appProblems(
      LocalDittoClient ditto, Map<String, Map<String, Object>> appDocs) {
    List<String> problems = new ArrayList<>();
    for (String c : APP_COLLECTIONS) {
      Map<Object, Map<String, Object>> inDitto = ditto.selectById(c);
      appDocs.forEach(
          (key, doc) -> {
            if (key.startsWith(c + "/")) {
              Map<String, Object> got = inDitto.get(doc.get("_id"));
              if (got == null) {
                problems.add("deleted " + key);
              } else if (!InvariantCheck.sameJson(JSON.valueToTree(doc), JSON.valueToTree(got))) {
                problems.add("changed " + key + ": " + got);
              }
            }
          });
    }
    return problems;
  }

  private static long countBySource(LocalDittoClient ditto, String collection, String source) {
    return ditto.select(collection).stream()
        .filter(d -> source.equals(DittoMetadata.sourceOf(d)))
        .count();
  }

  /** Whether listCollections shows the collection with pre/post images on (names matched here). */
  private static boolean imagesOn(MongoDatabase db, String collection) {
    for (Document info : db.listCollections()) {
      if (collection.equals(info.getString("name"))) {
        Object images = info.get("options", new Document()).get("changeStreamPreAndPostImages");
        return images instanceof Document d && Boolean.TRUE.equals(d.get("enabled"));
      }
    }
    throw new AssertionError("no collection " + collection + " in listCollections");
  }

  // --- waiting and plumbing

  private InvariantCheck.Result awaitClean(
      String when,
      InvariantCheck invariant,
      MongoDatabase east,
      LocalDittoClient ditto,
      Map<String, Map<String, Object>> appDocs) {
    long start = System.nanoTime();
    InvariantCheck.Result[] last = new InvariantCheck.Result[1];
    List<String> others = new ArrayList<>();
    int[] cleanInARow = {0};
    try {
      await(
          "convergence " + when,
          150,
          () -> {
            requireNotFailed();
            last[0] = invariant.check();
            others.clear();
            others.addAll(eastProblems(east, ditto));
            others.addAll(appProblems(ditto, appDocs));
            cleanInARow[0] = last[0].clean() && others.isEmpty() ? cleanInARow[0] + 1 : 0;
            return cleanInARow[0] >= 2;
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + "; last check: "
              + (last[0] == null ? "none" : last[0].summary())
              + ", others: "
              + others,
          e);
    }
    figures.add(
        "converged "
            + when
            + " in "
            + Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0
            + " s: "
            + last[0].summary());
    log(figures.get(figures.size() - 1));
    return last[0];
  }

  private void configure(String name, Map<String, String> config) {
    ConnectClient.Response r = rest.put("connectors/" + name + "/config", config);
    assertTrue(r.status() == 201 || r.status() == 200, name + ": " + r.text());
    awaitRunning(name);
  }

  private void awaitRunning(String name) {
    await(
        name + " RUNNING",
        120,
        () -> {
          requireNotFailed();
          return rest.running(name);
        });
  }

  private void requireNotFailed() {
    for (String c : List.of(MAIN, EAST, SINK)) {
      ConnectClient.Response r = rest.get("connectors/" + c + "/status");
      if (r.status() == 200 && r.text().contains("\"FAILED\"")) {
        throw new AssertionError(c + " failed: " + r.text() + "\nwork dir " + kafka.workDir());
      }
    }
  }

  private void await(String what, int seconds, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Pause.millis(250);
    }
    throw new AssertionError(
        what + " not reached in " + seconds + " s; work dir " + kafka.workDir());
  }

  /** Sweeps of {@code source}'s copies run so far (the sink's log line once one has deleted). */
  private long sweepLines(String source) {
    return logLines("not touched since the start marker deleted").stream()
        .filter(l -> l.contains("source " + source + ","))
        .count();
  }

  /**
   * Until the connector is STOPPED and none of its tasks still runs: the state turns STOPPED before
   * the tasks have stopped, and a task still running commits newer offsets (a heartbeat's position)
   * while the test writes what it must not see.
   */
  private void awaitStopped(String connector) {
    await(
        connector + " STOPPED with no task running",
        60,
        () -> {
          String states = rest.states(connector);
          return states.startsWith("STOPPED/") && !states.contains("RUNNING");
        });
  }

  private Map<String, JsonNode> committedOffsets(String connector) {
    ConnectClient.Response r = rest.get("connectors/" + connector + "/offsets");
    Map<String, JsonNode> offsets = new TreeMap<>();
    if (r.status() == 200 && r.body() != null) {
      r.body()
          .path("offsets")
          .forEach(o -> offsets.put(o.path("partition").path("ns").asText(), o.path("offset")));
    }
    return offsets;
  }

  /** Log lines of every broker and worker process holding {@code text}. */
  private List<String> logLines(String text) {
    List<String> lines = new ArrayList<>();
    for (Path log : kafka.logs()) {
      try (var stream = Files.lines(log, StandardCharsets.ISO_8859_1)) {
        stream.filter(l -> l.contains(text)).forEach(lines::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return lines;
  }

  private void fault(String fault, String observed, boolean confirmed) {
    log("scenario: " + fault + ", " + effects.record(fault, observed, confirmed));
  }

  private void log(String line) {
    System.out.println("[sweep-scenarios] " + line);
    try {
      Files.writeString(
          progress,
          java.time.Instant.now() + " " + line + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
