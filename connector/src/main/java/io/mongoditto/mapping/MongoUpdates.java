package io.mongoditto.mapping;

import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The smallest MongoDB update that turns one document into another: {@code $set} of the paths whose
 * values differ (embedded documents compared field by field, arrays and other values whole) and
 * {@code $unset} of the paths that are gone, so fields nobody changed are not written and a
 * concurrent MongoDB edit of another field survives.
 */
final class MongoUpdates {

  private MongoUpdates() {}

  /**
   * Fills {@code set} (dotted path to value) and {@code unset}.
   *
   * @return false when a changed top-level field name cannot be addressed by a dotted path (it
   *     contains a dot, starts with {@code $} or is empty): the caller replaces the document
   */
  static boolean diff(
      BsonDocument from, BsonDocument to, String prefix, BsonDocument set, List<String> unset) {
    if (changesUnaddressableKey(from, to)) {
      if (prefix.isEmpty()) {
        return false;
      }
      set.put(prefix.substring(0, prefix.length() - 1), to); // the whole embedded document
      return true;
    }
    for (Map.Entry<String, BsonValue> e : to.entrySet()) {
      BsonValue now = e.getValue();
      BsonValue was = from.get(e.getKey());
      if (now.equals(was)) {
        continue;
      }
      String path = prefix + e.getKey();
      if (was != null && was.isDocument() && now.isDocument() && !now.asDocument().isEmpty()) {
        if (!diff(was.asDocument(), now.asDocument(), path + ".", set, unset)) {
          return false;
        }
      } else {
        set.put(path, now);
      }
    }
    for (String key : from.keySet()) {
      if (!to.containsKey(key)) {
        unset.add(prefix + key);
      }
    }
    return true;
  }

  private static boolean changesUnaddressableKey(BsonDocument from, BsonDocument to) {
    for (Map.Entry<String, BsonValue> e : to.entrySet()) {
      if (!addressable(e.getKey()) && !e.getValue().equals(from.get(e.getKey()))) {
        return true;
      }
    }
    for (String key : from.keySet()) {
      if (!addressable(key) && !to.containsKey(key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean addressable(String key) {
    return !key.isEmpty() && !key.contains(".") && !key.startsWith("$");
  }
}
