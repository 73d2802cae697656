package io.mongoditto.mapping;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** Maps and lists of Ditto values back to BSON documents and arrays, value by value. */
final class Documents {

  private Documents() {}

  /**
   * A document from a Ditto map: each value converted with the hint of the same key; the keys the
   * MongoDB document ({@code hint}) already had keep its order (BSON documents compare in order),
   * new keys follow in Ditto's order. Fields of the MongoDB document that Ditto cannot hold ({@code
   * invisible}: types the mode leaves out) stay as they are.
   */
  static BsonDocument fromDitto(
      Map<?, ?> map,
      BsonValue hint,
      String path,
      DittoToBson values,
      Predicate<BsonValue> invisible) {
    BsonDocument hints = hint != null && hint.isDocument() ? hint.asDocument() : null;
    BsonDocument out = new BsonDocument();
    if (hints != null) {
      for (Map.Entry<String, BsonValue> h : hints.entrySet()) {
        String key = h.getKey();
        if (map.containsKey(key)) {
          out.put(key, values.value(map.get(key), h.getValue(), child(path, key)));
        } else if (invisible.test(h.getValue())) {
          out.put(key, h.getValue());
        }
      }
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!out.containsKey(key)) {
        BsonValue keyHint = hints == null ? null : hints.get(key);
        out.put(key, values.value(e.getValue(), keyHint, child(path, key)));
      }
    }
    return out;
  }

  static BsonArray arrayFromDitto(List<?> list, BsonValue hint, String path, DittoToBson values) {
    List<BsonValue> hints = hint != null && hint.isArray() ? hint.asArray().getValues() : List.of();
    BsonArray out = new BsonArray();
    for (int i = 0; i < list.size(); i++) {
      out.add(
          values.value(list.get(i), i < hints.size() ? hints.get(i) : null, child(path, "" + i)));
    }
    return out;
  }

  static String child(String path, String key) {
    return path == null || path.isEmpty() ? key : path + "." + key;
  }
}
