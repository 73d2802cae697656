package io.mongoditto.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.WriteModel;
import io.mongoditto.cli.embedded.EmbeddedSinkContext;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.mongosink.MongoSinkTask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import org.bson.BsonDocument;

/**
 * Ditto -> MongoDB applied events/s: the sink task applying CDC upserts (batches of {@value
 * #PUT_BATCH}, as a Connect worker's consumer delivers them) against a raw driver bulk write of the
 * same MongoDB documents (insertOne for a new document, replaceOne by {@code _id} for an update),
 * each into a database holding the same documents beforehand, fresh databases each round. The two
 * alternate batch by batch, each batch's time counted for its own side, so a shift of the machine's
 * load weighs on both alike (timed half a round against the other half, a single round's ratio
 * ranged from 0.50 to 0.96 on a loaded machine). A first round warms both up (JIT); then {@value
 * #MEASURED_ROUNDS} measured rounds, and the figure is the round with the median ratio.
 */
final class ReverseApplyBench {

  static final int PUT_BATCH = 500;

  static final int MEASURED_ROUNDS = 5;

  /**
   * The figures of the measured round with the median ratio.
   *
   * @param events CDC events applied
   * @param inserts of which new documents
   * @param oursPerSecond events/s through the sink task
   * @param rawPerSecond documents/s of the raw bulk write
   * @param warmUpRatio the warm-up round's ratio
   * @param lowestRatio the lowest ratio of the measured rounds
   * @param highestRatio the highest ratio of the measured rounds
   * @param written documents the sink task wrote
   * @param normalizations values the task wrote back to Ditto
   * @param problem what was wrong, null when every event was applied
   */
  record Outcome(
      int events,
      int inserts,
      double oursPerSecond,
      double rawPerSecond,
      double warmUpRatio,
      double lowestRatio,
      double highestRatio,
      long written,
      long normalizations,
      String problem) {}

  private record Round(double ours, double raw, long written, long normalizations, String problem) {
    double ratio() {
      return raw > 0 ? ours / raw : 0;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReverseApplyBench() {}

  static Outcome run(
      MongoClient client,
      String mongoUri,
      MongoDatabase zava,
      String dittoEndpoint,
      String dittoKey,
      int maxEvents) {
    List<ReverseEvents.Event> events = ReverseEvents.from(zava, maxEvents, 1_000_000L);
    int inserts = (int) events.stream().filter(ReverseEvents.Event::isInsert).count();
    holdInDitto(new LocalDittoClient(dittoEndpoint, dittoKey), events);
    Round warm = round(client, mongoUri, dittoEndpoint, dittoKey, events, 0);
    List<Round> rounds = new ArrayList<>();
    String problem = warm.problem();
    for (int i = 1; i <= MEASURED_ROUNDS; i++) {
      Round r = round(client, mongoUri, dittoEndpoint, dittoKey, events, i);
      rounds.add(r);
      problem = problem != null ? problem : r.problem();
    }
    rounds.sort(Comparator.comparingDouble(Round::ratio));
    Round median = rounds.get(rounds.size() / 2);
    return new Outcome(
        events.size(),
        inserts,
        median.ours(),
        median.raw(),
        warm.ratio(),
        rounds.get(0).ratio(),
        rounds.get(rounds.size() - 1).ratio(),
        median.written(),
        median.normalizations(),
        problem);
  }

  /**
   * Ditto holds the documents whose changes its CDC delivers: the sink reads Ditto's current state
   * for documents it has no memory of (a restart), as it would in production.
   */
  @SuppressWarnings("unchecked")
  private static void holdInDitto(LocalDittoClient ditto, List<ReverseEvents.Event> events) {
    Map<String, List<Object>> byCollection = new LinkedHashMap<>();
    for (ReverseEvents.Event e : events) {
      try {
        Map<String, Object> message = JSON.readValue(e.json(), Map.class);
        Object after = ((Map<String, Object>) message.get("change")).get("newValue");
        if (after != null) {
          byCollection.computeIfAbsent(e.collection(), k -> new ArrayList<>()).add(after);
        }
      } catch (java.io.IOException bad) {
        throw new IllegalStateException("a benchmark event is not JSON: " + bad.getMessage(), bad);
      }
    }
    byCollection.forEach(
        (collection, docs) -> {
          for (int from = 0; from < docs.size(); from += 1000) {
            ditto.execute(
                "INSERT INTO " + collection + " DOCUMENTS (:docs) ON ID CONFLICT DO UPDATE",
                Map.of("docs", docs.subList(from, Math.min(docs.size(), from + 1000))));
          }
        });
  }

  private static Round round(
      MongoClient client,
      String mongoUri,
      String dittoEndpoint,
      String dittoKey,
      List<ReverseEvents.Event> events,
      int round) {
    MongoDatabase rawDb = client.getDatabase("reverse_raw_" + round);
    MongoDatabase oursDb = client.getDatabase("reverse_ours_" + round);
    holdBefore(rawDb, events);
    holdBefore(oursDb, events);
    Map<String, String> props = new HashMap<>(ReverseEvents.mapping());
    props.put("name", "bench-reverse");
    props.put("mongodb.uri", mongoUri);
    props.put("mongodb.database", oursDb.getName());
    props.put("ditto.endpoint", dittoEndpoint);
    props.put("ditto.api.key", dittoKey);
    List<List<SinkRecord>> batches = new ArrayList<>();
    long offset = 0;
    long now = System.currentTimeMillis();
    for (int from = 0; from < events.size(); from += PUT_BATCH) {
      List<SinkRecord> batch = new ArrayList<>(PUT_BATCH);
      for (ReverseEvents.Event e :
          events.subList(from, Math.min(events.size(), from + PUT_BATCH))) {
        batch.add(
            new SinkRecord(
                "ditto-cdc",
                0,
                null,
                null,
                null,
                e.json(),
                offset++,
                now,
                TimestampType.CREATE_TIME));
      }
      batches.add(batch);
    }
    MongoSinkTask task = new MongoSinkTask();
    task.initialize(new EmbeddedSinkContext(Map.of(), null, null));
    task.start(props);
    try {
      // Batch by batch, the two alternating (which goes first alternates too), each timed on its
      // own: a shift of the machine's load then weighs on both alike. Timed round against round
      // (all of one, then all of the other), one round's ratio ranged from 0.50 to 0.96.
      long oursNanos = 0;
      long rawNanos = 0;
      for (int b = 0; b < batches.size(); b++) {
        List<ReverseEvents.Event> slice =
            events.subList(b * PUT_BATCH, Math.min(events.size(), (b + 1) * PUT_BATCH));
        boolean rawFirst = (b + round) % 2 == 0;
        if (rawFirst) {
          rawNanos += raw(rawDb, slice);
        }
        long start = System.nanoTime();
        task.put(batches.get(b));
        oursNanos += System.nanoTime() - start;
        if (!rawFirst) {
          rawNanos += raw(rawDb, slice);
        }
      }
      double ours = Units.perSecond(events.size(), oursNanos);
      double raw = Units.perSecond(events.size(), rawNanos);
      long written = task.metrics().written.count();
      String problem = null;
      if (written != events.size()) {
        problem =
            String.format(
                "the sink task wrote %d documents for %d events (echoes %d, conflicts %d)",
                written,
                events.size(),
                task.metrics().echoes.count(),
                task.metrics().conflicts.count());
      } else if (!counts(oursDb).equals(counts(rawDb))) {
        problem =
            "documents per collection differ: ours " + counts(oursDb) + ", raw " + counts(rawDb);
      }
      return new Round(ours, raw, written, task.metrics().normalizations.count(), problem);
    } finally {
      task.stop();
      rawDb.drop();
      oursDb.drop();
    }
  }

  /** Loads the documents the updates change, untimed. */
  private static void holdBefore(MongoDatabase db, List<ReverseEvents.Event> events) {
    db.drop();
    Map<String, List<BsonDocument>> byCollection = new LinkedHashMap<>();
    for (String c : ReverseEvents.COLLECTIONS) {
      db.createCollection(c);
      byCollection.put(c, new ArrayList<>());
    }
    for (ReverseEvents.Event e : events) {
      if (!e.isInsert()) {
        byCollection.get(e.collection()).add(e.before());
      }
    }
    // The id field of a single_field mapping identifies the document: indexed (unique), as a
    // deployment has it, in both databases so both pay for it on inserts.
    for (String c : ReverseEvents.COLLECTIONS) {
      String idField = ZavaData.idField(c);
      if (idField != null) {
        db.getCollection(c)
            .createIndex(Indexes.ascending(idField), new IndexOptions().unique(true));
      }
    }
    InsertManyOptions unordered = new InsertManyOptions().ordered(false);
    byCollection.forEach(
        (c, docs) -> {
          for (int from = 0; from < docs.size(); from += 1000) {
            db.getCollection(c, BsonDocument.class)
                .insertMany(docs.subList(from, Math.min(docs.size(), from + 1000)), unordered);
          }
        });
  }

  /**
   * One batch's documents with the driver's bulkWrite, one request per collection; returns the
   * nanoseconds it took.
   */
  private static long raw(MongoDatabase db, List<ReverseEvents.Event> batch) {
    long start = System.nanoTime();
    BulkWriteOptions ordered = new BulkWriteOptions().ordered(true);
    Map<String, List<WriteModel<BsonDocument>>> ops = new LinkedHashMap<>();
    for (ReverseEvents.Event e : batch) {
      ops.computeIfAbsent(e.collection(), k -> new ArrayList<>())
          .add(
              e.isInsert()
                  ? new InsertOneModel<>(e.after())
                  : new ReplaceOneModel<>(Filters.eq("_id", e.before().get("_id")), e.after()));
    }
    ops.forEach((c, models) -> db.getCollection(c, BsonDocument.class).bulkWrite(models, ordered));
    return System.nanoTime() - start;
  }

  private static Map<String, Long> counts(MongoDatabase db) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String c : ReverseEvents.COLLECTIONS) {
      out.put(c, db.getCollection(c).countDocuments());
    }
    return out;
  }
}
