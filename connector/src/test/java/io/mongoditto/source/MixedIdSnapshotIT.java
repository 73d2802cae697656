package io.mongoditto.source;

import static io.mongoditto.source.SourceTaskDriver.pollAll;
import static io.mongoditto.source.SourceTaskDriver.start;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The snapshot copies collections whose {@code _id}s mix BSON types completely: MongoDB's (and the
 * local MongoDB's) {@code $gt}/{@code $lt} only match values of the same type, so the range
 * conditions must follow the server's order across types (IdOrder).
 */
class MixedIdSnapshotIT {

  private static final int PER_TYPE = 12;
  @RegisterExtension static final LocalMongoExtension MONGO = new LocalMongoExtension();

  /** PER_TYPE each of int, string, embedded-document and ObjectId {@code _id}s, in sort order. */
  private static List<BsonValue> seed(String db) {
    List<BsonValue> ids = new ArrayList<>();
    for (int i = 0; i < PER_TYPE; i++) {
      ids.add(new BsonInt32(i));
    }
    for (int i = 0; i < PER_TYPE; i++) {
      ids.add(new BsonString(String.format("s%02d", i)));
    }
    for (int i = 0; i < PER_TYPE; i++) {
      ids.add(new BsonDocument("k", new BsonInt32(i)));
    }
    for (int i = 0; i < PER_TYPE; i++) {
      ids.add(new BsonObjectId(new ObjectId(String.format("%024x", i + 1))));
    }
    MongoCollection<BsonDocument> coll =
        MONGO.client().getDatabase(db).getCollection("categories", BsonDocument.class);
    // Inserted shuffled so nothing depends on insertion order.
    List<BsonValue> shuffled = new ArrayList<>(ids);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    for (BsonValue id : shuffled) {
      coll.insertOne(new BsonDocument("_id", id).append("name", new BsonString("n")));
    }
    return ids;
  }

  private static Map<String, String> props(String db) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "mixed-id-test");
    p.put("mongodb.uri", MONGO.connectionString());
    p.put("mongodb.database", db);
    p.put("collections", "categories");
    p.put("startup.mode", "snapshot_only");
    p.put("snapshot.chunk.size", "5");
    p.put("change.stream.max.await.time.ms", "200");
    // Nothing stores offsets here: do not wait for the start position to be stored.
    p.put(MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START, "false");
    // Embedded-document _ids are not valid Ditto ids: they go to the errors topic, which shows
    // they were read.
    p.put("errors.topic", "errors");
    return p;
  }

  /** The Ditto ids copied, and the source _ids of the documents sent to the errors topic. */
  private static Set<String> copied(List<SourceRecord> records) {
    return records.stream()
        .filter(r -> !r.topic().endsWith("heartbeat"))
        .map(r -> String.valueOf(r.key()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> keysOf(List<BsonValue> ids) {
    return ids.stream().map(MixedIdSnapshotIT::key).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The Ditto _id the default mapping gives a source _id. */
  private static String key(BsonValue id) {
    if (id.isString()) {
      return id.asString().getValue();
    }
    if (id.isObjectId()) {
      return id.asObjectId().getValue().toHexString();
    }
    if (id.isInt32()) {
      return String.valueOf(id.asInt32().getValue());
    }
    return id.asDocument()
        .toJson(
            org.bson.json.JsonWriterSettings.builder()
                .outputMode(org.bson.json.JsonMode.RELAXED)
                .build());
  }

  @Test
  void copiesEveryTypeInOneRange() throws Exception {
    List<BsonValue> ids = seed("mixed_one");
    MongoSourceTask task = start(props("mixed_one"), Map.of());
    try {
      List<SourceRecord> records = pollAll(task, ids.size(), 20_000);
      assertEquals(ids.size(), records.size(), "every document once");
      assertEquals(keysOf(ids), copied(records));
    } finally {
      task.stop();
    }
  }

  @Test
  void copiesEveryTypeInParallelRanges() throws Exception {
    List<BsonValue> ids = seed("mixed_par");
    Map<String, String> p = props("mixed_par");
    p.put("snapshot.parallelism", "4");
    MongoSourceTask task = start(p, Map.of());
    try {
      List<SourceRecord> records = pollAll(task, ids.size(), 20_000);
      assertEquals(ids.size(), records.size());
      assertEquals(keysOf(ids), copied(records));
      BsonArray ranges =
          SourceOffsets.snapshotRanges(records.get(records.size() - 1).sourceOffset());
      assertEquals(4, ranges.size(), "split into 4 ranges: " + ranges);
    } finally {
      task.stop();
    }
  }

  @Test
  void continuesFromAnOffsetInTheMiddleOfEachType() throws Exception {
    List<BsonValue> ids = seed("mixed_resume");
    BsonDocument token = new BsonDocument("_data", new BsonString("00"));
    for (int type = 0; type < 4; type++) {
      int at = type * PER_TYPE + PER_TYPE / 2;
      Map<String, Object> offset = SourceOffsets.snapshotOffset(token, ids.get(at));
      MongoSourceTask task = start(props("mixed_resume"), offset);
      try {
        List<SourceRecord> records = pollAll(task, ids.size() - at - 1, 20_000);
        List<BsonValue> rest = ids.subList(at + 1, ids.size());
        assertEquals(rest.size(), records.size(), "after " + ids.get(at));
        assertEquals(keysOf(rest), copied(records), "after " + ids.get(at));
      } finally {
        task.stop();
      }
    }
  }

  @Test
  void continuesEachParallelRangeAcrossTypes() throws Exception {
    List<BsonValue> ids = seed("mixed_parresume");
    BsonDocument token = new BsonDocument("_data", new BsonString("00"));
    // Ranges [.., s00) with int 3 copied, [s00, {k: 6}) with s05 copied, [{k: 6}, ..) with an
    // ObjectId copied.
    BsonValue s00 = ids.get(PER_TYPE);
    BsonValue k6 = ids.get(2 * PER_TYPE + 6);
    BsonArray ranges =
        new BsonArray(
            List.of(
                new BsonDocument("hi", s00).append("last", ids.get(3)),
                new BsonDocument("lo", s00).append("hi", k6).append("last", ids.get(PER_TYPE + 5)),
                new BsonDocument("lo", k6).append("last", ids.get(3 * PER_TYPE + 2))));
    Map<String, Object> offset = SourceOffsets.snapshotRangesOffset(token, ranges);
    List<BsonValue> expected = new ArrayList<>();
    expected.addAll(ids.subList(4, PER_TYPE));
    expected.addAll(ids.subList(PER_TYPE + 6, 2 * PER_TYPE + 6));
    expected.addAll(ids.subList(3 * PER_TYPE + 3, ids.size()));
    MongoSourceTask task = start(props("mixed_parresume"), offset);
    try {
      List<SourceRecord> records = pollAll(task, expected.size(), 20_000);
      assertEquals(expected.size(), records.size());
      assertEquals(keysOf(expected), copied(records));
    } finally {
      task.stop();
    }
  }
}
