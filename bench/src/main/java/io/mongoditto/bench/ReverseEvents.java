package io.mongoditto.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.MappingResult;
import io.mongoditto.tools.seed.ZavaRetailSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * The Ditto -> MongoDB load: Ditto CDC upsert events of Zava orders and order_items, half of them
 * new documents (oldValue null), half updates of documents MongoDB already holds (an order's
 * status, an item's quantity), in a shuffled order as a feed would interleave them, their {@code
 * txnId}s increasing along it as Ditto's do (numbered before the shuffle, most events of a batch
 * looked older than the ones before them and were checked against Ditto as possible old events
 * delivered again, which no live feed shows). Each event carries the documents as the forward
 * mapping puts them into Ditto, so the sink maps them back as it would for a device's write; each
 * event also keeps the MongoDB document it stands for, for the raw bulk write of the same
 * documents.
 */
final class ReverseEvents {

  static final List<String> COLLECTIONS =
      List.of(ZavaRetailSpec.ORDERS, ZavaRetailSpec.ORDER_ITEMS);

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One change.
   *
   * @param collection the collection (Ditto's and MongoDB's name)
   * @param json the CDC message
   * @param before the MongoDB document before the change, null for a new document
   * @param after the MongoDB document after it
   */
  record Event(String collection, String json, BsonDocument before, BsonDocument after) {
    boolean isInsert() {
      return before == null;
    }
  }

  private ReverseEvents() {}

  /** The sink's collection settings for {@link #COLLECTIONS}, the guide's mapping. */
  static Map<String, String> mapping() {
    Map<String, String> m = new HashMap<>();
    m.put("collections", String.join(",", COLLECTIONS));
    ZavaData.mapping()
        .forEach(
            (k, v) -> {
              for (String c : COLLECTIONS) {
                if (k.startsWith("collection." + c + ".")) {
                  m.put(k, v);
                }
              }
            });
    return m;
  }

  /**
   * Up to {@code max} events from the seeded orders and order_items, at most half from each: every
   * other document of each collection is an update, the rest inserts.
   */
  static List<Event> from(MongoDatabase zava, int max, long firstTxnId) {
    List<Event> events = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    long txn = firstTxnId;
    int perCollection = Math.max(1, max / COLLECTIONS.size());
    for (String c : COLLECTIONS) {
      int limit = changes.size() + perCollection;
      String idField = ZavaData.idField(c);
      ChangeEventMapper mapper =
          new ChangeEventMapper(
              idField == null
                  ? CollectionMapping.matchIds(c)
                  : CollectionMapping.singleField(c, idField),
              new ConversionStats());
      int i = 0;
      for (BsonDocument doc : zava.getCollection(c, BsonDocument.class).find()) {
        if (changes.size() >= limit) {
          break;
        }
        boolean update = i++ % 2 == 0;
        BsonDocument after = update ? edited(c, doc) : doc;
        Object oldValue = update ? dittoDocument(mapper, doc) : null;
        changes.add(
            new Change(c, oldValue, dittoDocument(mapper, after), update ? doc : null, after));
      }
    }
    Collections.shuffle(changes, new Random(ZavaData.SEED));
    // numbered in feed order: Ditto's txnId increases along the feed
    for (Change ch : changes) {
      events.add(
          new Event(
              ch.collection(),
              cdcMessage(txn++, ch.collection(), ch.oldValue(), ch.newValue()),
              ch.before(),
              ch.after()));
    }
    return events;
  }

  private record Change(
      String collection,
      Object oldValue,
      Object newValue,
      BsonDocument before,
      BsonDocument after) {}

  /** What a device changes: an order's status, an item's quantity. */
  private static BsonDocument edited(String collection, BsonDocument doc) {
    BsonDocument out = doc.clone();
    if (collection.equals(ZavaRetailSpec.ORDERS)) {
      String status = doc.getString("status", new BsonString("")).getValue();
      out.put("status", new BsonString(status.equals("delivered") ? "returned" : "delivered"));
    } else {
      out.put("quantity", new BsonInt32(doc.getInt32("quantity", new BsonInt32(0)).getValue() + 1));
    }
    return out;
  }

  private static Map<String, Object> dittoDocument(ChangeEventMapper mapper, BsonDocument doc) {
    MappingResult r = mapper.mapSnapshot(doc, 0);
    if (r.failed() || r.changes().isEmpty()) {
      throw new IllegalStateException("a Zava document does not map to Ditto: " + r.error());
    }
    return r.changes().get(0).document();
  }

  /** Ditto's CDC message for an upsert. */
  static String cdcMessage(long txnId, String collection, Object oldValue, Object newValue) {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("method", "upsert");
    change.put("oldValue", oldValue);
    change.put("newValue", newValue);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("txnId", txnId);
    event.put("type", "documentChanged");
    event.put("collection", collection);
    event.put("change", change);
    try {
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a CDC message", e);
    }
  }
}
