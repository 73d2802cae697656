package io.mongoditto.source;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
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
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.sink.DittoSinkConfig;
import io.mongoditto.sink.DittoSinkTask;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A filtered, transformed collection end to end, through the real source task, the real sink task,
 * the local MongoDB and the local Ditto engine: after the snapshot and after a mix of inserts,
 * updates that flip the filter both ways, replaces and deletes, Ditto holds exactly the MongoDB
 * documents that pass the filter, transformed. The expected state is computed here by hand (an
 * oracle independent of the mapper). Two collections: one with pre-images (exact transitions), one
 * without (harmless deletes, whole upserts).
 */
class SelectiveSyncIT {

  private static final String FILTER = "{\"deleted\": false, \"active\": true}";
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FINGERPRINT =
      io.mongoditto.mapping.SyncRules.parse(
              FILTER,
              "internal_notes,audit.by",
              "email:contact_email",
              "created:toISOString,total:toString,qty:toNumber")
          .fingerprint();

  private static LocalMongo mongo;
  private static LocalDitto ditto;
  private static MongoClient client;

  private MongoSourceTask source;
  private DittoSinkTask sink;
  private long sinkOffset;

  /** The offsets "committed" so far, by source partition, handed to a restarted source task. */
  private final Map<Map<String, ?>, Map<String, ?>> committed = new HashMap<>();

  private String expectedFingerprint;

  @BeforeAll
  static void startServers() {
    mongo = LocalMongo.start();
    ditto = LocalDitto.start();
    client = MongoClients.create(mongo.connectionString());
  }

  @AfterAll
  static void stopServers() {
    client.close();
    ditto.close();
    mongo.close();
  }

  @AfterEach
  void stopTasks() {
    if (source != null) {
      source.stop();
    }
    if (sink != null) {
      sink.stop();
    }
  }

  @Test
  void dittoHoldsTheFilteredTransformedStateAfterSnapshotAndStreaming() throws Exception {
    MongoDatabase db = client.getDatabase("selective");
    db.createCollection(
        "customers",
        new CreateCollectionOptions()
            .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    db.createCollection("members"); // no pre-images: match_ids
    MongoCollection<Document> customers = db.getCollection("customers");
    MongoCollection<Document> members = db.getCollection("members");
    List<ObjectId> memberIds = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // active/deleted mixed: 0,3,6,9 match; others fail on active or deleted
      customers.insertOne(customer("C" + i, i % 3 == 0, i % 4 == 2));
      ObjectId id = new ObjectId();
      memberIds.add(id);
      members.insertOne(customer("M" + i, i % 3 == 0, i % 4 == 2).append("_id", id));
    }

    startTasks();
    awaitDittoEqualsMongo(customers, members);

    // Streaming: every kind of change, matching and not.
    customers.insertOne(customer("C100", true, false)); // insert, matches
    customers.insertOne(customer("C101", false, false)); // insert, does not
    customers.updateOne(eq("customer_id", "C0"), set("active", false)); // stops matching
    customers.updateOne(
        eq("customer_id", "C1"),
        combine(set("name", "renamed while hidden"), unset("email"))); // changed while not matching
    customers.updateOne(eq("customer_id", "C1"), set("active", true)); // starts matching: whole
    customers.updateOne(
        eq("customer_id", "C3"),
        combine(
            set("qty", "42"),
            unset("audit.at"),
            set("internal_notes", "still secret"))); // matches before and after
    customers.replaceOne(
        eq("customer_id", "C6"), customer("C6", false, false)); // replace: stops matching
    customers.replaceOne(
        eq("customer_id", "C4"),
        customer("C4", true, false).append("extra", List.of(1, 2))); // replace: starts matching
    customers.updateOne(eq("customer_id", "C9"), set("deleted", true)); // stops matching (deleted)
    customers.updateOne(eq("customer_id", "C9"), set("deleted", false)); // and back
    customers.deleteOne(eq("customer_id", "C3")); // delete of a matching doc
    customers.deleteOne(eq("customer_id", "C5")); // delete of a never-matching doc
    customers.updateOne(
        eq("customer_id", "C7"), set("name", "never shown")); // not matching, stays so

    members.insertOne(customer("M100", true, false));
    members.updateOne(eq("_id", memberIds.get(0)), set("active", false));
    members.updateOne(eq("_id", memberIds.get(1)), set("name", "renamed while hidden"));
    members.updateOne(eq("_id", memberIds.get(1)), set("active", true));
    members.updateOne(eq("_id", memberIds.get(3)), combine(set("total", 99.5), unset("audit")));
    members.replaceOne(
        eq("_id", memberIds.get(6)), customer("M6", true, true).append("_id", memberIds.get(6)));
    members.replaceOne(
        eq("_id", memberIds.get(4)), customer("M4", true, false).append("_id", memberIds.get(4)));
    members.deleteOne(eq("_id", memberIds.get(9)));
    members.deleteOne(eq("_id", memberIds.get(5)));

    awaitDittoEqualsMongo(customers, members);
  }

  /**
   * A PUT of new rules restarts the tasks with the stored offsets: the new rules apply to new
   * changes, existing Ditto documents keep their old shape (the task warns), and the documented
   * re-sync (offsets reset, copy again) brings every document to the new shape.
   */
  @Test
  void changedRulesApplyToNewChangesAndAReSyncReshapesTheRest() throws Exception {
    MongoDatabase db = client.getDatabase("rules_change");
    db.createCollection(
        "people",
        new CreateCollectionOptions()
            .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    MongoCollection<Document> people = db.getCollection("people");
    people.insertOne(
        new Document("_id", "p1").append("active", true).append("internal_notes", "n1"));
    people.insertOne(
        new Document("_id", "p2").append("active", true).append("internal_notes", "n2"));
    people.insertOne(
        new Document("_id", "p3").append("active", false).append("internal_notes", "n3"));

    Map<String, String> props = new HashMap<>();
    props.put("name", "rules-change");
    props.put("mongodb.uri", mongo.connectionString());
    props.put("mongodb.database", "rules_change");
    props.put("collections", "people");
    props.put("collection.people.filter", "{\"active\": true}");
    props.put("change.stream.max.await.time.ms", "200");
    props.put(
        MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START,
        "false"); // no runtime stores offsets here
    props.put("poll.await.time.ms", "100");
    MongoSourceConfig before = MongoSourceConfig.of(props);
    expectedFingerprint = before.collections().get(0).rules().fingerprint();
    startSource(props);
    startSink();
    awaitDitto(
        "people",
        Map.of(
            "p1",
            "{\"_id\": \"p1\", \"active\": true, \"internal_notes\": \"n1\"}",
            "p2",
            "{\"_id\": \"p2\", \"active\": true, \"internal_notes\": \"n2\"}"));

    // PUT new rules: Connect stops the task and starts one with the new config and the stored
    // offsets
    source.stop();
    props.put("collection.people.fields.exclude", "internal_notes");
    CollectionConfig after = MongoSourceConfig.of(props).collections().get(0);
    Map<String, ?> stored = committed.get(SourceOffsets.partition("rules_change", "people"));
    String warning = SyncRulesChange.message("rules-change", "rules_change", after, stored);
    assertTrue(
        warning != null && warning.contains("PATCH /connectors/rules-change/offsets"),
        String.valueOf(warning));
    expectedFingerprint = after.rules().fingerprint();
    startSource(props);
    people.insertOne(
        new Document("_id", "p4").append("active", true).append("internal_notes", "n4"));
    people.updateOne(eq("_id", "p3"), set("active", true));
    awaitDitto(
        "people",
        Map.of(
            "p1",
                "{\"_id\": \"p1\", \"active\": true, \"internal_notes\": \"n1\"}", // old shape kept
            "p2", "{\"_id\": \"p2\", \"active\": true, \"internal_notes\": \"n2\"}",
            "p3", "{\"_id\": \"p3\", \"active\": true}", // new rules
            "p4", "{\"_id\": \"p4\", \"active\": true}"));

    // the re-sync: offsets reset (PATCH ... "offset": null), the copy upserts every document whole
    source.stop();
    committed.clear();
    startSource(props);
    awaitDitto(
        "people",
        Map.of(
            "p1",
            "{\"_id\": \"p1\", \"active\": true}",
            "p2",
            "{\"_id\": \"p2\", \"active\": true}",
            "p3",
            "{\"_id\": \"p3\", \"active\": true}",
            "p4",
            "{\"_id\": \"p4\", \"active\": true}"));
  }

  private void awaitDitto(String collection, Map<String, String> expectedJson) {
    Map<String, JsonNode> expected = new java.util.TreeMap<>();
    expectedJson.forEach(
        (id, json) -> {
          try {
            expected.put(id, JSON.readTree(json));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ZERO)
        .untilAsserted(
            () -> {
              pump();
              assertEquals(expected, actual(collection), collection);
            });
  }

  private static Document customer(String id, boolean active, boolean deleted) {
    return new Document("customer_id", id)
        .append("name", "Customer " + id)
        .append("email", id.toLowerCase() + "@example.com")
        .append("active", active)
        .append("deleted", deleted)
        .append("internal_notes", "do not sync " + id)
        .append("audit", new Document("by", "admin").append("at", "2024-05-01"))
        .append("created", Date.from(Instant.parse("2024-01-02T03:04:05.678Z")))
        .append("total", 12.5)
        .append("qty", "7");
  }

  private void startTasks() {
    Map<String, String> props = new HashMap<>();
    props.put("name", "selective-sync");
    props.put("mongodb.uri", mongo.connectionString());
    props.put("mongodb.database", "selective");
    props.put("collections", "customers,members");
    props.put("collection.customers.id.mode", "single_field");
    props.put("collection.customers.id.fields", "customer_id");
    for (String c : List.of("customers", "members")) {
      props.put("collection." + c + ".filter", FILTER);
      props.put("collection." + c + ".fields.exclude", "internal_notes,audit.by");
      props.put("collection." + c + ".fields.rename", "email:contact_email");
      props.put(
          "collection." + c + ".fields.convert", "created:toISOString,total:toString,qty:toNumber");
    }
    props.put("startup.mode", "initial");
    props.put("snapshot.chunk.size", "3");
    props.put("snapshot.parallelism", "2");
    props.put("change.stream.max.await.time.ms", "200");
    props.put(
        MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START,
        "false"); // no runtime stores offsets here
    props.put("poll.await.time.ms", "100");
    expectedFingerprint = FINGERPRINT;
    startSource(props);
    startSink();
  }

  private void startSource(Map<String, String> props) {
    source = SourceTaskDriver.start(props, committedOffsets(committed));
  }

  private void startSink() {
    sink = new DittoSinkTask();
    sink.initialize(sinkContext());
    Map<String, String> sinkProps = new HashMap<>();
    sinkProps.put(DittoSinkConfig.ENDPOINT, ditto.endpoint());
    sinkProps.put(DittoSinkConfig.API_KEY, ditto.apiKey());
    sink.start(sinkProps);
  }

  /** Moves whatever the source has to the sink, as the worker would (one partition per topic). */
  private void pump() throws InterruptedException {
    List<SourceRecord> records = source.poll();
    if (records == null || records.isEmpty()) {
      return;
    }
    List<SinkRecord> out = new ArrayList<>();
    for (SourceRecord r : records) {
      // every offset names the rules it was written with, so a later change of them is noticed
      assertEquals(
          expectedFingerprint,
          r.sourceOffset().get(SyncRulesChange.OFFSET_KEY),
          r.sourceOffset().toString());
      committed.put(r.sourcePartition(), r.sourceOffset());
      out.add(new SinkRecord(r.topic(), 0, null, r.key(), null, r.value(), sinkOffset++));
    }
    sink.put(out);
  }

  private void awaitDittoEqualsMongo(
      MongoCollection<Document> customers, MongoCollection<Document> members) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ZERO)
        .untilAsserted(
            () -> {
              pump();
              assertEquals(expected(customers, "customer_id"), actual("customers"), "customers");
              assertEquals(expected(members, null), actual("members"), "members");
            });
  }

  /** The oracle: the MongoDB documents that pass the filter, transformed by hand, by Ditto _id. */
  private static Map<String, JsonNode> expected(
      MongoCollection<Document> collection, String idField) {
    Map<String, JsonNode> out = new java.util.TreeMap<>();
    for (Document d : collection.find()) {
      if (!Boolean.FALSE.equals(d.get("deleted")) || !Boolean.TRUE.equals(d.get("active"))) {
        continue;
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      Object id = idField == null ? d.getObjectId("_id").toHexString() : d.get(idField);
      doc.put("_id", id);
      for (Map.Entry<String, Object> e : d.entrySet()) {
        String key = e.getKey();
        Object v = e.getValue();
        switch (key) {
          case "_id", "internal_notes" -> {}
          case "email" -> doc.put("contact_email", v);
          case "audit" -> {
            Map<String, Object> audit = new LinkedHashMap<>((Document) v);
            audit.remove("by");
            doc.put("audit", audit);
          }
          case "created" -> doc.put("created", ISO.format(((Date) v).toInstant()));
          case "total" -> doc.put("total", Double.toString(((Number) v).doubleValue()));
          case "qty" -> doc.put("qty", Long.parseLong((String) v));
          default -> doc.put(key, v);
        }
      }
      out.put(String.valueOf(id), normalized(doc));
    }
    return out;
  }

  private static Map<String, JsonNode> actual(String collection) {
    Map<String, JsonNode> out = new java.util.TreeMap<>();
    for (Map<String, Object> doc : new LocalDittoClient(ditto).select(collection)) {
      // the mapped document: the sink's metadata field is not part of it
      out.put(String.valueOf(doc.get("_id")), normalized(DittoMetadata.without(doc)));
    }
    return out;
  }

  /** Through JSON text and back, so numbers compare by value whatever Java type held them. */
  private static JsonNode normalized(Object value) {
    try {
      return JSON.readTree(JSON.writeValueAsString(value));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The offsets {@link #pump()} committed, read as the runtime reads them. */
  private static OffsetStorageReader committedOffsets(Map<Map<String, ?>, Map<String, ?>> stored) {
    return new OffsetStorageReader() {
      @Override
      public <T> Map<String, Object> offset(Map<String, T> partition) {
        return null;
      }

      @Override
      @SuppressWarnings("unchecked")
      public <T> Map<Map<String, T>, Map<String, Object>> offsets(
          Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
        for (Map<String, T> p : partitions) {
          if (stored.containsKey(p)) {
            out.put(p, (Map<String, Object>) stored.get(p));
          }
        }
        return out;
      }
    };
  }

  private static SinkTaskContext sinkContext() {
    return io.mongoditto.sink.StandInSinkContext.create(null);
  }
}
