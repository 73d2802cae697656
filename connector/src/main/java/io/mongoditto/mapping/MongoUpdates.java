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
public final class MongoUpdates {

  private MongoUpdates() {}

  /**
   * Fills {@code set} (dotted path to value) and {@code unset}.
   *
   * @return false when a changed top-level field name cannot be addressed by a dotted path (it
   *     contains a dot, starts with {@code $} or is empty): the caller replaces the document
   */
  public static boolean diff(
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

  /**
   * {@code doc} with an update applied as MongoDB would apply it ({@code $set} creates missing
   * embedded documents): so several changes of one document in a batch fold into one write.
   */
  public static BsonDocument apply(BsonDocument doc, BsonDocument set, List<String> unset) {
    BsonDocument out = doc.clone();
    for (String path : unset) {
      String[] parts = path.split("\\.");
      BsonDocument parent = parent(out, parts, false);
      if (parent != null) {
        parent.remove(parts[parts.length - 1]);
      }
    }
    for (Map.Entry<String, BsonValue> e : set.entrySet()) {
      String[] parts = e.getKey().split("\\.");
      parent(out, parts, true).put(parts[parts.length - 1], e.getValue());
    }
    return out;
  }

  private static BsonDocument parent(BsonDocument doc, String[] parts, boolean create) {
    BsonDocument node = doc;
    for (int i = 0; i < parts.length - 1; i++) {
      BsonValue child = node.get(parts[i]);
      if (child instanceof BsonDocument d) {
        node = d;
      } else if (create) {
        BsonDocument made = new BsonDocument();
        node.put(parts[i], made);
        node = made;
      } else {
        return null;
      }
    }
    return node;
  }
}
