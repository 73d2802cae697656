package io.mongoditto.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** One benchmark run: starts the local MongoDB and Ditto, seeds, measures, returns the table. */
final class Bench {

  static final String ZAVA_DB = "zava";
  static final String STREAM_DB = "benchstream";

  private final BenchOptions options;
  private final PrintStream progress;

  Bench(BenchOptions options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  ResultTable run() throws Exception {
    ResultTable table = new ResultTable();
    // History large enough that no stream started in this run loses its position.
    int history = Math.max(200_000, options.streamEvents() * 4 + 100_000);
    try (LocalMongo mongo = LocalMongo.builder().historySize(history).start();
        LocalDitto ditto = LocalDitto.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      LocalDittoClient dittoClient = new LocalDittoClient(ditto);
      MongoDatabase zava = client.getDatabase(ZAVA_DB);
      MongoDatabase stream = client.getDatabase(STREAM_DB);
      step("seeding Zava Retail at scale %s", options.scale());
      Map<String, Long> counts = ZavaData.seed(zava, options.scale());
      long documents = ZavaData.total(counts);
      step("seeded %,d documents %s", documents, counts);
      table.add(
          new Row(
              "Data: Zava Retail documents (7 synced collections)",
              documents,
              String.format(Locale.ROOT, "%,d", documents),
              "",
              "",
              "",
              "",
              "scale "
                  + options.scale()
                  + "; product_embeddings left out, as the guide's mapping does"));

      step("limit: driver find() scan (after one warm-up pass)");
      RawLimits.scan(zava, ZavaData.collections());
      RawLimits.Rate scan = RawLimits.scan(zava, ZavaData.collections());
      table.add(
          Row.limit(
              "Limit: raw driver find() scan",
              scan.perSecond(),
              "docs/s",
              "all collections, one cursor each, Document codec; second pass"));
      step("limit: change stream, %,d inserts", options.streamEvents());
      RawLimits.Rate changeStream =
          RawLimits.changeStream(stream, "raw_stream", options.streamEvents());
      table.add(
          Row.limit(
              "Limit: raw change stream",
              changeStream.perSecond(),
              "events/s",
              String.format(
                  Locale.ROOT,
                  "%,d inserts (insertMany of 500) while one watch() cursor reads",
                  options.streamEvents())));
      step("limit: Ditto batched upserts");
      RawLimits.Rate dittoWrite =
          RawLimits.dittoWrite(zava, ZavaData.collections(), dittoClient, "raw_");
      table.add(
          Row.limit(
              "Limit: raw Ditto batched write",
              dittoWrite.perSecond(),
              "docs/s",
              "pre-mapped documents, INSERT ... DOCUMENTS (:docs) ON ID CONFLICT DO UPDATE, 500 per request, one at a time"));

      if (options.runs("sync")) {
        try {
          new SyncFigures(options, progress)
              .add(table, mongo, ditto, dittoClient, counts, scan, dittoWrite);
        } catch (RuntimeException | java.io.IOException e) {
          table.add(Row.failed("Initial sync, embedded, MongoDB -> Ditto", e.toString()));
        }
      }
      if (options.runs("kafka")) {
        step("Kafka: in-JVM Connect cluster");
        try (KafkaSourceBench kafka =
            new KafkaSourceBench(
                options.pluginPath(), mongo.connectionString(), options.sourceSettings())) {
          addKafka(table, kafka, stream, documents, scan, changeStream);
        } catch (RuntimeException e) {
          table.add(Row.failed("Kafka source figures", e.toString()));
        }
      }
      if (options.runs("lag")) {
        step(
            "lag: %d changes/s for %d s through the embedded runner",
            options.lagRate(), options.lagDuration().toSeconds());
        try {
          LagBench.Result lag =
              LagBench.run(
                  stream,
                  mongo.connectionString(),
                  dittoClient,
                  ditto.endpoint(),
                  ditto.apiKey(),
                  "lag",
                  options.lagRate(),
                  options.lagDuration(),
                  options.sourceSettings());
          table.add(lagRow(lag));
        } catch (RuntimeException | java.io.IOException e) {
          table.add(Row.failed("End-to-end lag", e.toString()));
        }
      }
      if (options.runs("reverse")) {
        new ReverseFigures(options, progress)
            .add(table, client, mongo.connectionString(), zava, ditto);
      }
    }
    return table;
  }

  private void addKafka(
      ResultTable table,
      KafkaSourceBench kafka,
      MongoDatabase stream,
      long documents,
      RawLimits.Rate scan,
      RawLimits.Rate changeStream)
      throws InterruptedException {
    int n = options.streamEvents();
    step("Kafka: ours streaming");
    KafkaSourceBench.Outcome oursLatest = kafka.oursStreaming(stream, "kstream_ours", n);
    step("Kafka: mongo-kafka streaming");
    KafkaSourceBench.Outcome theirsLatest = kafka.theirsStreaming(stream, "kstream_theirs", n);
    step("Kafka: ours copying");
    KafkaSourceBench.Outcome oursCopy = kafka.oursCopy(ZAVA_DB, documents);
    step("Kafka: mongo-kafka copy_existing");
    KafkaSourceBench.Outcome theirsCopy = kafka.theirsCopy(ZAVA_DB, documents);

    String streamNote =
        String.format(
            Locale.ROOT,
            "startup.mode=latest, %,d inserts, first insert to last record in Kafka",
            n);
    table.add(
        oursLatest.ok()
            ? Row.atLeast(
                "Source streaming into Kafka",
                oursLatest.perSecond(),
                "events/s",
                "raw change stream",
                changeStream.perSecond(),
                0.8,
                ">= 0.8",
                streamNote)
            : Row.failed("Source streaming into Kafka", oursLatest.problem()));
    table.add(
        oursLatest.ok() && theirsLatest.ok()
            ? Row.atLeast(
                "Source streaming vs mongo-kafka 2.0.1 (latest)",
                oursLatest.perSecond(),
                "events/s",
                "mongo-kafka",
                theirsLatest.perSecond(),
                1.0,
                "> 1 (aim 1.5)",
                String.format(
                    Locale.ROOT,
                    "same cluster, same inserts; theirs with its defaults; CPU of the benchmark JVM per event (writer,"
                        + " MongoDB, broker and worker included): ours %.0f us, theirs %.0f us",
                    oursLatest.cpuMicrosPerRecord(),
                    theirsLatest.cpuMicrosPerRecord()))
            : Row.failed(
                "Source streaming vs mongo-kafka 2.0.1 (latest)",
                oursLatest.ok() ? theirsLatest.problem() : oursLatest.problem()));
    String copyNote = "first to last document in Kafka, connector start-up left out";
    String startNote =
        oursCopy.ok() && theirsCopy.ok()
            ? String.format(
                java.util.Locale.ROOT,
                "; first document %.1f s (ours) / %.1f s (theirs) after the connector"
                    + " was created (ours first waits until its stream position is stored: an offset flush, every 5 s here)",
                oursCopy.firstRecordSeconds(),
                theirsCopy.firstRecordSeconds())
            : "";
    table.add(
        oursCopy.ok()
            ? Row.atLeast(
                "Source copying into Kafka (initial)",
                oursCopy.perSecond(),
                "docs/s",
                "raw scan",
                scan.perSecond(),
                0.8,
                ">= 0.8",
                copyNote)
            : Row.failed("Source copying into Kafka (initial)", oursCopy.problem()));
    table.add(
        oursCopy.ok() && theirsCopy.ok()
            ? Row.atLeast(
                "Source copying vs mongo-kafka 2.0.1 (copy_existing)",
                oursCopy.perSecond(),
                "docs/s",
                "mongo-kafka",
                theirsCopy.perSecond(),
                1.0,
                "> 1 (aim 1.5)",
                "same cluster, same database; " + copyNote + startNote)
            : Row.failed(
                "Source copying vs mongo-kafka 2.0.1 (copy_existing)",
                oursCopy.ok() ? theirsCopy.problem() : oursCopy.problem()));
  }

  private Row lagRow(LagBench.Result lag) {
    String figure =
        String.format(
            Locale.ROOT,
            "End-to-end lag p50 / p99 at %,d changes/s for %d s",
            options.lagRate(),
            options.lagDuration().toSeconds());
    if (lag.lagsMillis().length == 0) {
      return Row.failed(figure, lag.problem());
    }
    double p99 = lag.percentile(99);
    String note =
        String.format(
            Locale.ROOT,
            "embedded runner; inserts (10 per insertMany every 10 ms) from sent to counted in Ditto (poll every %.0f ms); writer achieved %,.0f/s%s",
            lag.pollMillis(),
            lag.achievedRate(),
            lag.problem() == null ? "" : "; " + lag.problem());
    return new Row(
        figure,
        p99,
        String.format(Locale.ROOT, "%.0f ms / %.0f ms", lag.percentile(50), p99),
        "",
        "",
        "p99 < 1 s (guide: 10 s)",
        p99 < 1000 && lag.problem() == null ? "pass" : "MISSED",
        note);
  }

  private void step(String format, Object... args) {
    progress.printf("[bench] " + format + "%n", args);
    progress.flush();
  }
}
