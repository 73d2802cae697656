package io.mongoditto.sink;

import static io.mongoditto.sink.Docs.norm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.MappingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fault suite bug 4 (KnownBugs): a field that was a map, became a scalar, became a map again and
 * was then dropped in MongoDB kept the scalar in Ditto. On the engine a field can hold a map and a
 * non-map (scalar, array, null) at once: whichever was written last shows, and UNSET removes only
 * the one that shows, so the other comes back. Each history here is a product's change events
 * (mapped by the real {@link ChangeEventMapper}, single_field ids, with and without pre-images)
 * applied to the real Ditto engine under every schedule Connect can produce for one document: the
 * records cut into batches every possible way (each batch collapsed by {@link BatchCollapser}), a
 * kill after any record, and a redelivery from any earlier record (the last committed offset), cut
 * into batches every possible way too. Whatever the schedule, Ditto must end with the mapped final
 * MongoDB document.
 */
class MapScalarReplayIT {

  private static final String COLLECTION = "products";
  private static final CollectionMapping MAPPING =
      CollectionMapping.singleField(COLLECTION, "product_id");

  private static LocalDitto ditto;
  private static LocalDittoClient reader;
  private static CollectionWriter writer;
  private static int histories;

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    reader = new LocalDittoClient(ditto);
    DittoHttpClient client = LocalDittoHttp.client(ditto, ApiVersion.V5, Duration.ofSeconds(30));
    writer = new CollectionWriter(client, new SinkMetrics(null), WriterSettings.defaults());
  }

  @AfterAll
  static void stop() {
    ditto.close();
  }

  /** The fault suite's run: map, scalar, a replace bringing a map back, a replace without it. */
  @Test
  void aScalarUnderAMapThatAReplaceBroughtBackDoesNotReappearWhenTheFieldIsDropped() {
    check(
        h ->
            h.set("attrs", new BsonInt32(8329))
                .replace(body(attrs("blue", 7)))
                .replace(body(null)));
  }

  @Test
  void aScalarUnderASubObjectSetOverItDoesNotReappearWhenTheFieldIsDropped() {
    check(
        h ->
            h.set("attrs", new BsonInt32(8329))
                .set("attrs", new BsonDocument("color", new BsonString("blue")))
                .replace(body(null)));
  }

  @Test
  void aScalarUnderAMapDoesNotReappearWhenTheFieldIsUnset() {
    check(
        h ->
            h.set("attrs", new BsonString("Tacoma 5"))
                .replace(body(attrs("red", 1)))
                .unset("attrs"));
  }

  @Test
  void aMapUnderAScalarDoesNotReappearWhenTheFieldIsDropped() {
    check(h -> h.set("attrs", new BsonInt32(8329)).replace(body(null)).replace(body(null)));
  }

  /**
   * A redelivered {@code $set} of a nested path over the scalar a later record wrote: without an
   * UNSET first, the scalar stays under the new map and comes back when the field is dropped.
   */
  @Test
  void aLaterScalarUnderARedeliveredNestedSetDoesNotReappearWhenTheFieldIsDropped() {
    check(
        h ->
            h.set("attrs.color", new BsonString("green"))
                .set("attrs", new BsonInt32(5))
                .replace(body(null)));
  }

  @Test
  void anArrayOrNullUnderAMapDoesNotReappearWhenTheFieldIsDropped() {
    check(
        h ->
            h.set("attrs", new BsonArray(List.of(new BsonInt32(1))))
                .replace(body(attrs("red", 2)))
                .set("attrs", BsonNull.VALUE)
                .unset("attrs"));
  }

  /**
   * A redelivered scalar over the map a later record wrote: without an UNSET first, the map stays
   * underneath, and comes back when a later batch unsets the scalar.
   */
  @Test
  void aMapUnderARedeliveredScalarDoesNotReappearWhenTheFieldIsDropped() {
    check(
        h ->
            h.set("attrs", new BsonInt32(8329))
                .set("attrs", new BsonInt32(7))
                .set("attrs", new BsonDocument("c", new BsonInt32(1)))
                .replace(body(null)));
  }

  @Test
  void aFieldReplacedFromMapToScalarAndBackAndThenDroppedEndsDropped() {
    check(
        h ->
            h.replace(body(null).append("attrs", new BsonInt32(8329)))
                .replace(body(attrs("blue", 7)))
                .replace(body(null)));
  }

  /**
   * Runs the history (after an insert of a product with {@code attrs} a map) under every schedule,
   * with pre-images (as the fault suite has them) and without, and fails with the schedules whose
   * end state in Ditto is wrong.
   */
  private static void check(UnaryOperator<History> steps) {
    int history = histories++;
    List<String> failures = new ArrayList<>();
    int schedules = 0;
    for (boolean preImages : new boolean[] {true, false}) {
      List<Schedule> all = Schedule.all(steps.apply(new History("x", preImages)).events.size());
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        String id = "h" + history + (preImages ? "-pre-" : "-nopre-") + i;
        runs.add(new Run(id, all.get(i), steps.apply(new History(id, preImages))));
      }
      applyInLockstep(runs);
      Map<Object, Map<String, Object>> stored = reader.selectById(COLLECTION);
      for (Run run : runs) {
        Object expected = norm(run.expected());
        Object actual = norm(stored.get(run.id));
        if (!expected.equals(actual)) {
          failures.add(run.schedule + " pre-images " + preImages + ": " + actual);
        }
      }
      schedules += runs.size();
    }
    assertTrue(schedules >= 200, "every schedule of a history of 4 or more records");
    assertEquals(
        List.of(),
        failures.subList(0, Math.min(5, failures.size())),
        failures.size() + " of " + schedules + " schedules left Ditto wrong (first 5 shown)");
  }

  /**
   * Applies every run's batches: round r holds the r-th batch of each run (each run has its own
   * document), so the statements mix documents as a real batch does while each document sees
   * exactly its own schedule.
   */
  private static void applyInLockstep(List<Run> runs) {
    for (int round = 0; ; round++) {
      List<DittoChange> batch = new ArrayList<>();
      for (Run run : runs) {
        if (round < run.schedule.batches.size()) {
          for (int record : run.schedule.batches.get(round)) {
            batch.addAll(run.changes.get(record));
          }
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      writer.apply(COLLECTION, BatchCollapser.collapse(batch));
    }
  }

  /** One document's history under one schedule. */
  private static final class Run {
    final String id;
    final Schedule schedule;
    final List<List<DittoChange>> changes = new ArrayList<>();
    final History history;

    Run(String id, Schedule schedule, History history) {
      this.id = id;
      this.schedule = schedule;
      this.history = history;
      ChangeEventMapper mapper = new ChangeEventMapper(MAPPING, new ConversionStats());
      for (BsonDocument event : history.events) {
        MappingResult r = mapper.map(event);
        assertTrue(!r.failed(), () -> "mapping " + event + ": " + r.error());
        changes.add(r.changes());
      }
    }

    /** What Ditto must hold: the final MongoDB document, mapped. */
    Map<String, Object> expected() {
      ChangeEventMapper mapper = new ChangeEventMapper(MAPPING, new ConversionStats());
      return mapper.mapSnapshot(history.current, 0).changes().get(0).document();
    }
  }

  /**
   * How Connect delivers a document's records 0..n-1: a first pass over records 0..killedAfter-1 in
   * the given batches, then (after a kill) a redelivery of records committed..n-1 in batches.
   */
  private record Schedule(int killedAfter, int committed, List<List<Integer>> batches) {

    static List<Schedule> all(int n) {
      List<Schedule> out = new ArrayList<>();
      for (int killedAfter = 1; killedAfter <= n; killedAfter++) {
        for (int committed = 0; committed <= killedAfter; committed++) {
          if (committed == n) {
            continue; // nothing is redelivered: the same as killedAfter == n with a full replay
          }
          for (List<List<Integer>> first : cuts(0, killedAfter)) {
            for (List<List<Integer>> replay : cuts(committed, n)) {
              List<List<Integer>> batches = new ArrayList<>(first);
              batches.addAll(replay);
              out.add(new Schedule(killedAfter, committed, batches));
            }
          }
        }
      }
      return out;
    }

    /** Every way to cut records from..to-1 into consecutive non-empty batches. */
    private static List<List<List<Integer>>> cuts(int from, int to) {
      List<List<List<Integer>>> out = new ArrayList<>();
      int gaps = Math.max(0, to - from - 1);
      for (int mask = 0; mask < (1 << gaps); mask++) {
        List<List<Integer>> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int r = from; r < to; r++) {
          current.add(r);
          if (r == to - 1 || (mask & (1 << (r - from))) != 0) {
            batches.add(current);
            current = new ArrayList<>();
          }
        }
        out.add(batches);
      }
      return out;
    }

    @Override
    public String toString() {
      return "killed after " + killedAfter + ", committed " + committed + ", batches " + batches;
    }
  }

  private static BsonDocument attrs(String color, int size) {
    return new BsonDocument("color", new BsonString(color)).append("size", new BsonInt32(size));
  }

  /** A product body as the workload writes it; {@code attrs} left out when null. */
  private static BsonDocument body(BsonDocument attrs) {
    BsonDocument d =
        new BsonDocument("name", new BsonString("products 1"))
            .append(
                "address",
                new BsonDocument("city", new BsonString("Seattle"))
                    .append("zip", new BsonString("98001")));
    if (attrs != null) {
      d.append("attrs", attrs);
    }
    return d;
  }

  /** A product's MongoDB change events, as a replica set with or without pre-images sends them. */
  private static final class History {
    final BsonString mongoId;
    final String productId;
    final boolean preImages;
    final List<BsonDocument> events = new ArrayList<>();
    BsonDocument current;

    /** Starts with the insert of a product whose {@code attrs} is a map. */
    History(String productId, boolean preImages) {
      this.mongoId = new BsonString("m-" + productId);
      this.productId = productId;
      this.preImages = preImages;
      current = withIds(body(attrs("red", 3)));
      events.add(event("insert").append("fullDocument", current.clone()));
    }

    /** A {@code $set} of a top-level field or of a dotted path into embedded documents. */
    History set(String path, BsonValue value) {
      BsonDocument pre = current.clone();
      String[] segments = path.split("\\.");
      BsonDocument node = current;
      for (int i = 0; i < segments.length - 1; i++) {
        node = node.getDocument(segments[i]);
      }
      node.put(segments[segments.length - 1], value);
      return update(pre, new BsonDocument(path, value), new BsonArray());
    }

    History unset(String field) {
      BsonDocument pre = current.clone();
      current.remove(field);
      return update(pre, new BsonDocument(), new BsonArray(List.of(new BsonString(field))));
    }

    /** A replace keeps the _id and the mapped id field, as the workload's does. */
    History replace(BsonDocument body) {
      BsonDocument pre = current.clone();
      current = withIds(body);
      BsonDocument e = event("replace").append("fullDocument", current.clone());
      if (preImages) {
        e.append("fullDocumentBeforeChange", pre);
      }
      events.add(e);
      return this;
    }

    private History update(BsonDocument pre, BsonDocument updated, BsonArray removed) {
      BsonDocument e =
          event("update")
              .append(
                  "updateDescription",
                  new BsonDocument("updatedFields", updated)
                      .append("removedFields", removed)
                      .append("truncatedArrays", new BsonArray()))
              .append("fullDocument", current.clone());
      if (preImages) {
        e.append("fullDocumentBeforeChange", pre);
      }
      events.add(e);
      return this;
    }

    private BsonDocument withIds(BsonDocument body) {
      BsonDocument d =
          new BsonDocument("_id", mongoId).append("product_id", new BsonString(productId));
      d.putAll(body.clone());
      return d;
    }

    private BsonDocument event(String operationType) {
      return new BsonDocument("operationType", new BsonString(operationType))
          .append(
              "ns",
              new BsonDocument("db", new BsonString("zava"))
                  .append("coll", new BsonString(COLLECTION)))
          .append("documentKey", new BsonDocument("_id", mongoId));
    }
  }
}
