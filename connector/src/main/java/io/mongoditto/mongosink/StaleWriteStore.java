package io.mongoditto.mongosink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Where {@link StaleSinkWrites} keeps what it knows, in the collection {@value #COLLECTION} of the
 * synced database, written in the transaction of the batch that learnt it: a restarted or
 * rebalanced task still knows that a value Ditto holds is the Ditto sink's stale write, so a
 * device's edit or delete made on it is applied (in memory only, that knowledge was lost with the
 * task, and the device's change was kept out as a conflict MongoDB wins). One document per Ditto
 * document with such paths, removed when none is left; each value is Ditto's JSON text.
 */
final class StaleWriteStore {

  static final String COLLECTION = "mongoditto_stale_writes";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MongoCollection<BsonDocument> collection;

  StaleWriteStore(MongoDatabase database) {
    this.collection = database.getCollection(COLLECTION, BsonDocument.class);
  }

  /** Whether no document has stale paths recorded. */
  boolean isEmpty() {
    return collection.find().limit(1).first() == null;
  }

  /** The stale paths recorded for {@code keys} (documents with none are left out). */
  Map<String, Map<List<String>, Object>> load(Collection<String> keys) {
    Map<String, Map<List<String>, Object>> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    List<String> ids = keys.stream().map(StaleWriteStore::idOf).toList();
    Map<String, String> keyOf = new HashMap<>();
    keys.forEach(k -> keyOf.put(idOf(k), k));
    for (BsonDocument doc : collection.find(Filters.in("_id", ids))) {
      String key = keyOf.get(doc.getString("_id").getValue());
      if (key != null) {
        out.put(key, pathsOf(doc));
      }
    }
    return out;
  }

  /** Records {@code changed} (an empty map removes the document's record) in {@code session}. */
  void save(ClientSession session, Map<String, Map<List<String>, Object>> changed) {
    if (changed.isEmpty()) {
      return;
    }
    List<WriteModel<BsonDocument>> ops = new ArrayList<>();
    changed.forEach(
        (key, paths) -> {
          BsonDocument id = new BsonDocument("_id", new BsonString(idOf(key)));
          if (paths.isEmpty()) {
            ops.add(new DeleteOneModel<>(id));
          } else {
            ops.add(
                new ReplaceOneModel<>(
                    id, record(idOf(key), paths), new ReplaceOptions().upsert(true)));
          }
        });
    collection.bulkWrite(session, ops, new BulkWriteOptions().ordered(true));
  }

  /** A document's key, which holds a NUL between collection and id, as a plain string. */
  private static String idOf(String key) {
    return key.replace('\u0000', '/');
  }

  private static BsonDocument record(String id, Map<List<String>, Object> paths) {
    BsonArray entries = new BsonArray();
    paths.forEach(
        (path, value) -> {
          BsonArray p = new BsonArray();
          path.forEach(k -> p.add(new BsonString(k)));
          entries.add(new BsonDocument("path", p).append("value", new BsonString(json(value))));
        });
    return new BsonDocument("_id", new BsonString(id)).append("paths", entries);
  }

  private static Map<List<String>, Object> pathsOf(BsonDocument doc) {
    Map<List<String>, Object> out = new HashMap<>();
    for (BsonValue entry : doc.getArray("paths", new BsonArray())) {
      BsonDocument e = entry.asDocument();
      List<String> path = new ArrayList<>();
      e.getArray("path").forEach(k -> path.add(k.asString().getValue()));
      try {
        out.put(List.copyOf(path), JSON.readValue(e.getString("value").getValue(), Object.class));
      } catch (JsonProcessingException bad) {
        throw new IllegalStateException(
            COLLECTION + " " + doc.get("_id") + ": a value is not JSON: " + bad.getMessage(), bad);
      }
    }
    return out;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException bad) {
      throw new IllegalArgumentException("a Ditto value cannot be written as JSON", bad);
    }
  }
}
