package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.localditto.LocalDittoClient;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import org.bson.BsonDocument;

/**
 * The invariant of DESIGN.md, checked document by document and field by field: for every enabled
 * collection, the Ditto documents equal the MongoDB documents mapped by the suite's own {@link
 * ReferenceMapping} (written from docs/mapping.md, not the connector's mapper; in ejson mode
 * MongoDB's own canonical Extended JSON), with JSON types compared exactly; a disabled collection
 * is absent from Ditto. Documents the reference refuses are expected absent and listed, so the
 * suite can check they are exactly the poison.
 */
final class InvariantCheck {

  /**
   * The outcome of one comparison; {@code refused} maps each refused document (its poison tag, or
   * collection/_id) to why; {@code examples} shows a few differences for the failure message.
   */
  record Result(
      long checked,
      List<String> lost,
      List<String> stale,
      List<String> extra,
      Map<String, String> refused,
      List<String> examples) {
    boolean clean() {
      return lost.isEmpty() && stale.isEmpty() && extra.isEmpty();
    }

    String summary() {
      return "documents checked "
          + checked
          + ", lost "
          + lost.size()
          + ", stale "
          + stale.size()
          + ", extra "
          + extra.size()
          + ", refused "
          + refused.size()
          + (examples.isEmpty() ? "" : "; e.g. " + examples);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MongoDatabase db;
  private final LocalDittoClient ditto;
  private final Map<String, ReferenceMapping> enabled;
  private final BiPredicate<String, String> othersDocument;

  InvariantCheck(MongoDatabase db, LocalDittoClient ditto, Map<String, String> sourceConfig) {
    this(db, ditto, sourceConfig, (collection, id) -> false);
  }

  /**
   * With {@code othersDocument} (Ditto collection, Ditto {@code _id}) naming the Ditto documents
   * that are not this source's to hold (another source's, an app's): they are neither expected nor
   * extra here, and the caller checks them on their own.
   */
  InvariantCheck(
      MongoDatabase db,
      LocalDittoClient ditto,
      Map<String, String> sourceConfig,
      BiPredicate<String, String> othersDocument) {
    this.db = db;
    this.ditto = ditto;
    this.othersDocument = othersDocument;
    boolean filtered = sourceConfig.containsKey("collection.customers.filter");
    Set<String> ejson = ZavaReference.ejsonCollections(sourceConfig);
    List<String> disagreements = ZavaReference.disagreements(sourceConfig, filtered, ejson);
    if (!disagreements.isEmpty()) {
      throw new IllegalStateException(
          "the source config maps the Zava collections differently from the suite's reference"
              + " mapping (ZavaReference): "
              + disagreements);
    }
    this.enabled = ZavaReference.collections(filtered, ejson);
  }

  Result check() {
    long checked = 0;
    List<String> lost = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    Map<String, String> refused = new TreeMap<>();
    List<String> examples = new ArrayList<>();
    for (Map.Entry<String, ReferenceMapping> c : enabled.entrySet()) {
      String collection = c.getKey();
      Map<String, JsonNode> expected = new TreeMap<>();
      for (BsonDocument doc : db.getCollection(collection, BsonDocument.class).find()) {
        ReferenceMapping.Expected e = c.getValue().map(doc);
        if (e.refusal() != null) {
          refused.put(tagOrId(collection, doc), e.refusal());
        } else if (!e.filteredOut()) {
          expected.put(e.dittoId(), e.document());
        }
      }
      Map<String, JsonNode> actual = new TreeMap<>();
      ditto
          .selectById(collection)
          .forEach(
              (id, d) -> {
                // an ejson id is an object ({"$oid": ...}): matched by its sorted JSON
                String key = ReferenceMapping.idKey(JSON.valueToTree(id));
                if (!othersDocument.test(collection, key)) {
                  actual.put(key, JSON.valueToTree(DittoMetadata.without(d)));
                }
              });
      for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
        checked++;
        JsonNode got = actual.get(e.getKey());
        String where = collection + "/" + e.getKey();
        if (got == null) {
          lost.add(where);
        } else if (!sameJson(e.getValue(), got)) {
          stale.add(where);
          if (examples.size() < 3) {
            // the first differing path first: an Extended JSON document is long, and its
            // difference would be cut off
            examples.add(
                where
                    + " at "
                    + firstDifference(e.getValue(), got, "")
                    + "; expected "
                    + abbreviate(e.getValue())
                    + " got "
                    + abbreviate(got));
          }
        }
      }
      for (String id : actual.keySet()) {
        if (!expected.containsKey(id)) {
          extra.add(collection + "/" + id);
        }
      }
    }
    for (String c : ZavaReference.disabled()) {
      ditto
          .selectById(c)
          .keySet()
          .forEach(id -> extra.add(c + "/" + id + " (disabled collection)"));
    }
    if (examples.size() < 3 && !lost.isEmpty()) {
      examples.add("lost " + lost.subList(0, Math.min(3, lost.size())));
    }
    if (examples.size() < 4 && !extra.isEmpty()) {
      examples.add("extra " + extra.subList(0, Math.min(3, extra.size())));
    }
    return new Result(checked, lost, stale, extra, refused, examples);
  }

  /**
   * JSON equality with exact types: a string is not a number, an integer is not a float, objects
   * compare key by key and arrays element by element. One allowance, the local Ditto's: it answers
   * in JavaScript's JSON, which has one number type, so a float with an integral value (12.0) reads
   * back as the integer 12. A non-integral float, or an integer read back as a float, still
   * differs.
   */
  static boolean sameJson(JsonNode expected, JsonNode actual) {
    if (expected.isNumber() && actual.isNumber()) {
      if (expected.isIntegralNumber()) {
        return actual.isIntegralNumber()
            && expected.bigIntegerValue().equals(actual.bigIntegerValue());
      }
      double want = expected.doubleValue();
      if (actual.isIntegralNumber()) {
        return want == Math.rint(want)
            && actual.decimalValue().compareTo(expected.decimalValue()) == 0;
      }
      return Double.compare(want, actual.doubleValue()) == 0;
    }
    if (expected.isObject() && actual.isObject()) {
      if (expected.size() != actual.size()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode other = actual.get(e.getKey());
        if (other == null || !sameJson(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (expected.isArray() && actual.isArray()) {
      if (expected.size() != actual.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!sameJson(expected.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    return expected.getNodeType() == actual.getNodeType() && expected.equals(actual);
  }

  /**
   * Where {@code expected} and {@code actual} first differ (by {@link #sameJson}) and how, e.g.
   * {@code amount: expected "0.1", got {"$numberDecimal":"0.1"}}; null when they do not differ.
   */
  static String firstDifference(JsonNode expected, JsonNode actual, String path) {
    if (sameJson(expected, actual)) {
      return null;
    }
    String here = path.isEmpty() ? "(document)" : path;
    if (expected.isObject() && actual.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        JsonNode other = actual.get(e.getKey());
        if (other == null) {
          return at + ": expected " + abbreviate(e.getValue()) + ", missing";
        }
        String inner = firstDifference(e.getValue(), other, at);
        if (inner != null) {
          return inner;
        }
      }
      for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!expected.has(name)) {
          String at = path.isEmpty() ? name : path + "." + name;
          return at + ": not expected, got " + abbreviate(actual.get(name));
        }
      }
    }
    if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
      for (int i = 0; i < expected.size(); i++) {
        String inner = firstDifference(expected.get(i), actual.get(i), path + "." + i);
        if (inner != null) {
          return inner;
        }
      }
    }
    return here + ": expected " + abbreviate(expected) + ", got " + abbreviate(actual);
  }

  private static String tagOrId(String collection, BsonDocument doc) {
    return doc.containsKey(PoisonDocuments.TAG_FIELD)
        ? doc.getString(PoisonDocuments.TAG_FIELD).getValue()
        : collection + "/" + doc.get("_id");
  }

  private static String abbreviate(JsonNode node) {
    String s = node.toString();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
