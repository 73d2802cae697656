package io.mongoditto.localmongo.spec;

import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The unified test format's matching rules: extra fields are allowed only in root-level documents,
 * numbers compare by value across int32/int64/double, arrays match element by element, and the
 * special operators {@code $$exists}, {@code $$type}, {@code $$unsetOrMatches}, {@code $$lte} and
 * {@code $$matchesEntity} apply.
 */
final class UnifiedMatcher {

  private final Map<String, Object> entities;

  UnifiedMatcher(Map<String, Object> entities) {
    this.entities = entities;
  }

  void assertMatches(BsonValue expected, BsonValue actual, boolean root, String path) {
    if (expected.isDocument() && isOperator(expected.asDocument())) {
      matchOperator(expected.asDocument(), actual, path);
      return;
    }
    if (expected.isDocument()) {
      if (actual == null || !actual.isDocument()) {
        fail(path, "expected a document " + expected + " but got " + actual);
      }
      BsonDocument e = expected.asDocument();
      BsonDocument a = actual.asDocument();
      for (Map.Entry<String, BsonValue> entry : e.entrySet()) {
        String key = entry.getKey();
        BsonValue value = entry.getValue();
        String at = path + "." + key;
        if (value.isDocument() && value.asDocument().size() == 1) {
          BsonDocument op = value.asDocument();
          if (op.containsKey("$$exists")) {
            boolean want = op.getBoolean("$$exists").getValue();
            if (a.containsKey(key) != want) {
              fail(
                  at,
                  want ? "expected the field to exist" : "expected no field, got " + a.get(key));
            }
            continue;
          }
          if (op.containsKey("$$unsetOrMatches")) {
            if (a.containsKey(key)) {
              assertMatches(op.get("$$unsetOrMatches"), a.get(key), false, at);
            }
            continue;
          }
        }
        if (!a.containsKey(key)) {
          fail(at, "missing field, expected " + value + " in " + a.toJson());
        }
        assertMatches(value, a.get(key), false, at);
      }
      if (!root) {
        for (String key : a.keySet()) {
          if (!e.containsKey(key)) {
            fail(path + "." + key, "unexpected field in a nested document: " + a.toJson());
          }
        }
      }
      return;
    }
    if (expected.isArray()) {
      if (actual == null || !actual.isArray()) {
        fail(path, "expected an array " + expected + " but got " + actual);
      }
      List<BsonValue> e = expected.asArray().getValues();
      List<BsonValue> a = actual.asArray().getValues();
      if (e.size() != a.size()) {
        fail(path, "expected " + e.size() + " elements " + expected + " but got " + actual);
      }
      for (int i = 0; i < e.size(); i++) {
        assertMatches(e.get(i), a.get(i), false, path + "[" + i + "]");
      }
      return;
    }
    if (expected.isNumber()) {
      if (actual == null
          || !actual.isNumber()
          || expected.asNumber().doubleValue() != actual.asNumber().doubleValue()) {
        fail(path, "expected number " + expected + " but got " + actual);
      }
      return;
    }
    if (!expected.equals(actual)) {
      fail(path, "expected " + expected + " but got " + actual);
    }
  }

  private static boolean isOperator(BsonDocument d) {
    return d.size() == 1 && d.getFirstKey().startsWith("$$");
  }

  private void matchOperator(BsonDocument op, BsonValue actual, String path) {
    String name = op.getFirstKey();
    BsonValue arg = op.get(name);
    switch (name) {
      case "$$exists" -> {
        if ((actual != null) != arg.asBoolean().getValue()) {
          fail(path, "$$exists " + arg + " but value is " + actual);
        }
      }
      case "$$unsetOrMatches" -> {
        if (actual != null) {
          assertMatches(arg, actual, false, path);
        }
      }
      case "$$type" -> {
        List<BsonValue> names = arg.isArray() ? arg.asArray().getValues() : List.of(arg);
        boolean ok =
            actual != null
                && names.stream().anyMatch(n -> hasType(actual, n.asString().getValue()));
        if (!ok) {
          fail(path, "expected $$type " + arg + " but got " + actual);
        }
      }
      case "$$lte" -> {
        if (actual == null
            || !actual.isNumber()
            || actual.asNumber().doubleValue() > arg.asNumber().doubleValue()) {
          fail(path, "expected a number <= " + arg + " but got " + actual);
        }
      }
      case "$$matchesEntity" -> {
        Object entity = entities.get(arg.asString().getValue());
        if (!(entity instanceof BsonValue value) || !value.equals(actual)) {
          fail(path, "expected entity " + arg + " (" + entity + ") but got " + actual);
        }
      }
      default -> throw new UnsupportedOperationException("matching operator " + name);
    }
  }

  static boolean hasType(BsonValue v, String type) {
    return switch (type) {
      case "double" -> v.isDouble();
      case "string" -> v.isString();
      case "object" -> v.isDocument();
      case "array" -> v.isArray();
      case "binData" -> v.isBinary();
      case "objectId" -> v.isObjectId();
      case "bool" -> v.isBoolean();
      case "date" -> v.isDateTime();
      case "null" -> v.isNull();
      case "regex" -> v.isRegularExpression();
      case "int" -> v.isInt32();
      case "long" -> v.isInt64();
      case "timestamp" -> v.isTimestamp();
      case "decimal" -> v.isDecimal128();
      case "number" -> v.isNumber() || v.isDecimal128();
      case "javascript" -> v.isJavaScript();
      case "minKey" -> v.getBsonType() == org.bson.BsonType.MIN_KEY;
      case "maxKey" -> v.getBsonType() == org.bson.BsonType.MAX_KEY;
      default -> throw new UnsupportedOperationException("$$type " + type);
    };
  }

  private static void fail(String path, String message) {
    throw new AssertionError(path + ": " + message);
  }
}
