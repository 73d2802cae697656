package io.mongoditto.localmongo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $in} queries answer as on a real server, whether the local MongoDB matches them by hashing
 * (strings, ObjectIds, UUIDs at a top-level field) or with mongo-java-server's matcher (numbers
 * across types, arrays, nested paths).
 */
class InQueriesIT {

  private static final ObjectId OID = new ObjectId();
  private static final UUID ID = UUID.randomUUID();
  private static final UUID LEGACY = UUID.randomUUID();

  private static LocalMongo mongo;
  private static MongoClient client;
  private static MongoCollection<BsonDocument> coll;

  @BeforeAll
  static void start() {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
    coll = client.getDatabase("in").getCollection("c", BsonDocument.class);
    coll.createIndex(Indexes.ascending("k"), new IndexOptions().unique(true).sparse(true));
    coll.insertMany(
        List.of(
            doc(1, new BsonString("a")),
            doc(2, new BsonString("b")),
            doc(3, new BsonObjectId(OID)),
            doc(4, new BsonBinary(ID, UuidRepresentation.STANDARD)),
            doc(5, new BsonInt64(7)),
            doc(6, new BsonArray(List.of(new BsonString("c"), new BsonString("d")))),
            doc(8, new BsonBinary(LEGACY, UuidRepresentation.PYTHON_LEGACY)),
            new BsonDocument("_id", new BsonInt32(7))
                .append("n", new BsonDocument("k", new BsonString("a")))));
  }

  @AfterAll
  static void stop() {
    client.close();
    mongo.close();
  }

  private static BsonDocument doc(int id, BsonValue k) {
    return new BsonDocument("_id", new BsonInt32(id)).append("k", k);
  }

  private static List<Integer> ids(org.bson.conversions.Bson filter) {
    List<Integer> out = new ArrayList<>();
    coll.find(filter)
        .sort(Sorts.ascending("_id"))
        .forEach(d -> out.add(d.getInt32("_id").getValue()));
    return out;
  }

  @Test
  void stringsObjectIdsAndUuidsMatchExactly() {
    assertEquals(
        List.of(1, 3, 4),
        ids(
            Filters.in(
                "k",
                List.of(
                    new BsonString("a"),
                    new BsonString("z"),
                    new BsonObjectId(OID),
                    new BsonBinary(ID, UuidRepresentation.STANDARD)))));
    assertEquals(List.of(2), ids(Filters.in("k", List.of(new BsonString("b")))));
    assertEquals(
        List.of(8),
        ids(
            Filters.in(
                "k",
                List.of(
                    new BsonBinary(LEGACY, UuidRepresentation.STANDARD),
                    new BsonBinary(LEGACY, UuidRepresentation.PYTHON_LEGACY),
                    new BsonString(LEGACY.toString())))),
        "a legacy (subtype 3) UUID: only its own representation");
    assertEquals(List.of(), ids(Filters.in("k", List.of(new BsonString("A")))));
  }

  @Test
  void numbersArraysAndNestedPathsMatchAsOnAServer() {
    assertEquals(List.of(5), ids(Filters.in("k", List.of(new BsonInt32(7)))), "7 equals 7L");
    assertEquals(List.of(6), ids(Filters.in("k", List.of(new BsonString("d")))), "an element");
    assertEquals(List.of(7), ids(Filters.in("n.k", List.of(new BsonString("a")))));
    assertEquals(List.of(1, 3), ids(Filters.in("_id", List.of(1, 3, 99))));
  }
}
