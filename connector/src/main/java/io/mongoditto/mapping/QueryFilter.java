package io.mongoditto.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.json.JsonParseException;

/**
 * A per-collection filter written in MongoDB query language, e.g. {@code {"deleted": false,
 * "active": true}}. It is used three ways:
 *
 * <ul>
 *   <li>the snapshot sends {@link #query()} to the server as the {@code find} filter;
 *   <li>the change stream gets {@link #changeStreamMatchStage()}, which lets the server drop events
 *       of documents that neither match now nor matched before (needs no client evaluation);
 *   <li>each remaining event is evaluated on its post-image and pre-image by a {@link QueryMatcher}
 *       (an implementation of MongoDB's query semantics; {@link #documentFilter()} uses
 *       mongo-java-server's) to decide upsert, delete or nothing.
 * </ul>
 *
 * Only operators in {@link #SUPPORTED_OPERATORS} are accepted, so that the server, the matcher and
 * the documentation agree; anything else fails validation with the operator's name.
 */
public final class QueryFilter {

  /** Evaluates a MongoDB query against a document with MongoDB's semantics. */
  @FunctionalInterface
  public interface QueryMatcher {
    boolean matches(BsonDocument document, BsonDocument query);
  }

  /** The query operators accepted in filters. */
  public static final Set<String> SUPPORTED_OPERATORS =
      Set.of(
          "$and",
          "$or",
          "$nor",
          "$not",
          "$eq",
          "$ne",
          "$gt",
          "$gte",
          "$lt",
          "$lte",
          "$in",
          "$nin",
          "$exists",
          "$type",
          "$regex",
          "$options",
          "$mod",
          "$all",
          "$elemMatch",
          "$size");

  private static final Set<String> LOGICAL = Set.of("$and", "$or", "$nor");

  private final BsonDocument query;

  private QueryFilter(BsonDocument query) {
    this.query = query;
  }

  /**
   * Parses and validates a filter.
   *
   * @throws IllegalArgumentException naming what is wrong (not JSON, an unsupported operator, a
   *     malformed {@code $and}/{@code $or}/{@code $nor})
   */
  public static QueryFilter parse(String json) {
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException(
          "the filter is empty; leave the key unset to sync every document");
    }
    BsonDocument query;
    try {
      query = BsonDocument.parse(json);
    } catch (JsonParseException | org.bson.BsonInvalidOperationException e) {
      throw new IllegalArgumentException("the filter is not a JSON object: " + e.getMessage());
    }
    validateQuery(query, "");
    return new QueryFilter(query);
  }

  /** The filter as a query document, for the snapshot's {@code find}. */
  public BsonDocument query() {
    return query.clone();
  }

  /**
   * A filter that evaluates this query with MongoDB's semantics ({@link MongoJavaServerMatcher}).
   */
  public DocumentFilter documentFilter() {
    return MongoJavaServerMatcher.filter(query.clone(), topLevelFields(query));
  }

  /**
   * The top-level document fields a query looks at: the first segment of every field path, in
   * logical operators too ({@code $elemMatch} and {@code $not} stay on their field's path).
   */
  static Set<String> topLevelFields(BsonDocument query) {
    Set<String> fields = new java.util.LinkedHashSet<>();
    for (Map.Entry<String, BsonValue> e : query.entrySet()) {
      String key = e.getKey();
      if (LOGICAL.contains(key)) {
        for (BsonValue part : e.getValue().asArray()) {
          fields.addAll(topLevelFields(part.asDocument()));
        }
      } else {
        int dot = key.indexOf('.');
        fields.add(dot < 0 ? key : key.substring(0, dot));
      }
    }
    return fields;
  }

  /** A filter that evaluates this query with {@code matcher}. */
  public DocumentFilter withMatcher(QueryMatcher matcher) {
    BsonDocument q = query.clone();
    return doc -> matcher.matches(doc, q);
  }

  /**
   * A change stream stage that keeps the events that may change Ditto: the new document matches; or
   * the old state is unknown (no pre-image, and not an insert), so a delete may be due; or the
   * pre-image matches; or it was written in a transaction: the Ditto -> MongoDB direction writes in
   * transactions, and a document it created from Ditto that does not match must still reach the
   * source, which deletes it from Ditto (its {@code mapEcho}). Uses {@code {field: null}}, which
   * matches a missing or null pre-image.
   */
  public BsonDocument changeStreamMatchStage() {
    BsonArray or =
        new BsonArray(
            List.of(
                prefixed(query, "fullDocument"),
                new BsonDocument("operationType", new BsonDocument("$ne", new BsonString("insert")))
                    .append("fullDocumentBeforeChange", org.bson.BsonNull.VALUE),
                prefixed(query, "fullDocumentBeforeChange"),
                new BsonDocument(
                    "txnNumber", new BsonDocument("$exists", org.bson.BsonBoolean.TRUE))));
    return new BsonDocument("$match", new BsonDocument("$or", or));
  }

  /** The query with every field path moved under {@code root} (logical operators recurse). */
  static BsonDocument prefixed(BsonDocument query, String root) {
    BsonDocument out = new BsonDocument();
    for (Map.Entry<String, BsonValue> e : query.entrySet()) {
      String key = e.getKey();
      if (LOGICAL.contains(key)) {
        List<BsonValue> parts = new ArrayList<>();
        for (BsonValue part : e.getValue().asArray()) {
          parts.add(prefixed(part.asDocument(), root));
        }
        out.put(key, new BsonArray(parts));
      } else {
        out.put(root + "." + key, e.getValue());
      }
    }
    return out;
  }

  private static void validateQuery(BsonDocument query, String at) {
    for (Map.Entry<String, BsonValue> e : query.entrySet()) {
      String key = e.getKey();
      String where = at.isEmpty() ? key : at + " > " + key;
      if (key.startsWith("$")) {
        if (!LOGICAL.contains(key)) {
          throw new IllegalArgumentException(
              unsupported(key, where, "at the top level of a query"));
        }
        BsonValue v = e.getValue();
        if (!v.isArray() || v.asArray().isEmpty()) {
          throw new IllegalArgumentException(
              key + " needs a non-empty array of queries (at " + where + ")");
        }
        for (BsonValue part : v.asArray()) {
          if (!part.isDocument()) {
            throw new IllegalArgumentException(
                key + " elements must be query objects (at " + where + ")");
          }
          validateQuery(part.asDocument(), where);
        }
      } else {
        validateCondition(e.getValue(), where);
      }
    }
  }

  /** A field's condition: a plain value (equality) or an object of operators. */
  private static void validateCondition(BsonValue condition, String where) {
    if (!condition.isDocument()) {
      return;
    }
    BsonDocument d = condition.asDocument();
    if (d.isEmpty() || !d.getFirstKey().startsWith("$")) {
      return; // equality with an embedded document
    }
    for (Map.Entry<String, BsonValue> op : d.entrySet()) {
      String name = op.getKey();
      if (!name.startsWith("$")) {
        throw new IllegalArgumentException(
            "'"
                + name
                + "' mixed with operators (at "
                + where
                + "): an object is either all operators or a value");
      }
      if (!SUPPORTED_OPERATORS.contains(name) || LOGICAL.contains(name)) {
        throw new IllegalArgumentException(unsupported(name, where + " > " + name, "on a field"));
      }
      BsonValue arg = op.getValue();
      switch (name) {
        case "$not" -> {
          if (!arg.isDocument() && !arg.isRegularExpression()) {
            throw new IllegalArgumentException(
                "$not needs an operator object or a regex (at " + where + ")");
          }
          if (arg.isDocument()) {
            validateCondition(arg, where + " > $not");
          }
        }
        case "$elemMatch" -> {
          if (!arg.isDocument()) {
            throw new IllegalArgumentException("$elemMatch needs an object (at " + where + ")");
          }
          BsonDocument inner = arg.asDocument();
          if (!inner.isEmpty()
              && inner.getFirstKey().startsWith("$")
              && !LOGICAL.contains(inner.getFirstKey())) {
            validateCondition(inner, where + " > $elemMatch");
          } else {
            validateQuery(inner, where + " > $elemMatch");
          }
        }
        case "$in", "$nin", "$all" -> {
          if (!arg.isArray()) {
            throw new IllegalArgumentException(name + " needs an array (at " + where + ")");
          }
        }
        default -> {}
      }
    }
  }

  private static String unsupported(String operator, String where, String context) {
    return "operator "
        + operator
        + " is not supported "
        + context
        + " (at "
        + where
        + "); supported: "
        + String.join(", ", new java.util.TreeSet<>(SUPPORTED_OPERATORS));
  }

  @Override
  public String toString() {
    return query.toJson();
  }
}
