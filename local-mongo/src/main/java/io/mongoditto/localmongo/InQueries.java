package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.LegacyUUID;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Matches a query of the form {@code {field: {$in: [...]}}} by hashing, where that gives exactly
 * MongoDB's answer: a top-level field, and values (in the query and in the document) of types whose
 * equality is plain equality (strings without collation, ObjectIds, UUIDs). mongo-java-server finds
 * such a query's documents through an index but then matches each one against every value of the
 * list, so a batch's read of 500 ids compared 250,000 pairs; a real server does not. Anything else
 * (numbers, arrays, nested paths, other operators) is left to its matcher.
 */
final class InQueries {

  /** One query's values, by the query's identity (a query is matched against many documents). */
  private record Prepared(Document query, String field, Set<Object> values) {}

  private volatile Prepared last;

  /**
   * @return whether the document matches, or null when this query is not one matched here
   */
  Boolean matches(Document document, Document query) {
    Prepared p = last;
    if (p == null || p.query() != query) {
      p = prepare(query);
      last = p;
    }
    if (p.values() == null) {
      return null;
    }
    Object value = document.get(p.field());
    return plain(value) ? p.values().contains(value) : null;
  }

  private static Prepared prepare(Document query) {
    if (query.size() != 1) {
      return new Prepared(query, null, null);
    }
    String field = query.keySet().iterator().next();
    if (field.startsWith("$")
        || field.contains(".")
        || !(query.get(field) instanceof Document condition)
        || condition.size() != 1
        || !(condition.get("$in") instanceof Collection<?> list)) {
      return new Prepared(query, null, null);
    }
    Set<Object> values = new HashSet<>();
    for (Object v : list) {
      if (!plain(v)) {
        return new Prepared(query, null, null);
      }
      values.add(v);
    }
    return new Prepared(query, field, values);
  }

  private static boolean plain(Object value) {
    return value instanceof String
        || value instanceof ObjectId
        || value instanceof UUID
        || value instanceof LegacyUUID;
  }
}
