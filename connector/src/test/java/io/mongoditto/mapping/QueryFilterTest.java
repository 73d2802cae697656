package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class QueryFilterTest {

  private static final MongoJavaServerMatcher MATCHER = new MongoJavaServerMatcher();

  private static boolean matches(String filter, String doc) {
    return QueryFilter.parse(filter).withMatcher(MATCHER).matches(BsonDocument.parse(doc));
  }

  @Test
  void zavaCustomersFilter() {
    String f = "{\"deleted\": false, \"active\": true}";
    assertTrue(matches(f, "{\"_id\": 1, \"deleted\": false, \"active\": true, \"name\": \"a\"}"));
    assertFalse(matches(f, "{\"_id\": 1, \"deleted\": false, \"active\": false}"));
    assertFalse(matches(f, "{\"_id\": 1, \"active\": true}"), "a missing field is not false");
  }

  @Test
  void theDocumentFilterSeesEveryFieldTheQueryNames() {
    String f =
        "{\"$or\": [{\"o.p\": 1}, {\"items\": {\"$elemMatch\": {\"q\": {\"$gt\": 1}}}}],"
            + " \"a\": {\"$not\": {\"$lt\": 5}}, \"$nor\": [{\"s\": {\"$exists\": true}}]}";
    assertEquals(
        java.util.Set.of("o", "items", "a", "s"),
        QueryFilter.topLevelFields(BsonDocument.parse(f)));
    DocumentFilter filter = QueryFilter.parse(f).documentFilter();
    assertTrue(filter.matches(BsonDocument.parse("{\"a\": 5, \"o\": {\"p\": 1}, \"x\": 1}")));
    assertTrue(filter.matches(BsonDocument.parse("{\"a\": 6, \"items\": [{\"q\": 2}]}")));
    assertFalse(filter.matches(BsonDocument.parse("{\"a\": 4, \"o\": {\"p\": 1}}")));
    assertFalse(filter.matches(BsonDocument.parse("{\"a\": 5, \"o\": {\"p\": 1}, \"s\": null}")));
    assertFalse(filter.matches(BsonDocument.parse("{\"a\": 5, \"o\": {\"p\": 2}}")));
  }

  @Test
  void supportedOperatorsEvaluateWithMongoSemantics() {
    assertTrue(matches("{\"tags\": \"vip\"}", "{\"tags\": [\"new\", \"vip\"]}"), "array contains");
    assertTrue(
        matches("{\"qty\": {\"$gte\": 5, \"$lt\": 10}}", "{\"qty\": {\"$numberLong\": \"7\"}}"));
    assertTrue(
        matches("{\"qty\": {\"$in\": [1, 2.0]}}", "{\"qty\": 2}"), "numbers compare across types");
    assertTrue(matches("{\"$or\": [{\"a\": 1}, {\"b\": {\"$exists\": true}}]}", "{\"b\": null}"));
    assertTrue(
        matches(
            "{\"addr.city\": {\"$regex\": \"^sea\", \"$options\": \"i\"}}",
            "{\"addr\": {\"city\": \"Seattle\"}}"));
    assertTrue(
        matches(
            "{\"items\": {\"$elemMatch\": {\"sku\": \"A\", \"n\": {\"$gt\": 1}}}}",
            "{\"items\": [{\"sku\": \"A\", \"n\": 1}, {\"sku\": \"A\", \"n\": 2}]}"));
    assertFalse(
        matches(
            "{\"status\": {\"$nin\": [\"x\"]}, \"n\": {\"$not\": {\"$gt\": 3}}}",
            "{\"status\": \"x\", \"n\": 1}"));
    assertTrue(matches("{\"n\": {\"$type\": \"string\"}}", "{\"n\": \"s\"}"));
  }

  @Test
  void unsupportedOperatorsFailValidationNamingThem() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> QueryFilter.parse("{\"$where\": \"this.a > 1\"}"));
    assertTrue(e.getMessage().contains("$where"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> QueryFilter.parse("{\"a\": {\"$expr\": 1}}"));
    assertTrue(
        e.getMessage().contains("$expr") && e.getMessage().contains("supported:"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> QueryFilter.parse("{\"$or\": [{\"loc\": {\"$near\": [1, 2]}}]}"));
    assertTrue(e.getMessage().contains("$or > loc > $near"), e.getMessage());
  }

  @Test
  void malformedFiltersFailValidation() {
    assertThrows(IllegalArgumentException.class, () -> QueryFilter.parse("not json"));
    assertThrows(IllegalArgumentException.class, () -> QueryFilter.parse(" "));
    assertThrows(IllegalArgumentException.class, () -> QueryFilter.parse("{\"$or\": []}"));
    assertThrows(IllegalArgumentException.class, () -> QueryFilter.parse("{\"$and\": [1]}"));
    assertThrows(IllegalArgumentException.class, () -> QueryFilter.parse("{\"a\": {\"$in\": 1}}"));
    assertThrows(
        IllegalArgumentException.class, () -> QueryFilter.parse("{\"a\": {\"$gt\": 1, \"b\": 2}}"));
  }

  @Test
  void snapshotQueryIsTheFilter() {
    assertEquals(
        BsonDocument.parse("{\"active\": true}"), QueryFilter.parse("{\"active\": true}").query());
  }

  @Test
  void prefixedMovesFieldPathsUnderTheRootAndRecursesIntoLogicalOperators() {
    BsonDocument q =
        BsonDocument.parse(
            "{\"a\": 1, \"$or\": [{\"b.c\": {\"$gt\": 2}}, {\"$nor\": [{\"d\": {\"$elemMatch\": {\"e\": 1}}}]}]}");
    assertEquals(
        BsonDocument.parse(
            "{\"fullDocument.a\": 1, \"$or\": [{\"fullDocument.b.c\": {\"$gt\": 2}},"
                + " {\"$nor\": [{\"fullDocument.d\": {\"$elemMatch\": {\"e\": 1}}}]}]}"),
        QueryFilter.prefixed(q, "fullDocument"));
  }

  @Test
  void changeStreamStageKeepsTheEventsThatMayChangeDitto() {
    BsonDocument stage = QueryFilter.parse("{\"active\": true}").changeStreamMatchStage();
    BsonDocument match = stage.getDocument("$match");
    // Evaluated here with the same matcher semantics the server applies to the events.
    assertTrue(MATCHER.matches(event("insert", "{\"active\": true}", null), match));
    assertFalse(
        MATCHER.matches(event("insert", "{\"active\": false}", null), match),
        "never matched: dropped");
    assertTrue(
        MATCHER.matches(event("update", "{\"active\": false}", null), match),
        "old state unknown: kept");
    assertTrue(
        MATCHER.matches(event("update", "{\"active\": false}", "{\"active\": true}"), match),
        "stops matching");
    assertFalse(
        MATCHER.matches(event("update", "{\"active\": false}", "{\"active\": false}"), match),
        "never matched");
    assertTrue(MATCHER.matches(event("delete", null, "{\"active\": true}"), match));
    assertFalse(MATCHER.matches(event("delete", null, "{\"active\": false}"), match));
    assertTrue(
        MATCHER.matches(event("delete", null, null), match), "no pre-image: a harmless delete");
    BsonDocument inTransaction = event("insert", "{\"active\": false}", null);
    inTransaction.put("txnNumber", new org.bson.BsonInt64(3));
    assertTrue(
        MATCHER.matches(inTransaction, match),
        "a transaction's write may be the Ditto -> MongoDB direction's own: the source decides");
  }

  private static BsonDocument event(String op, String post, String pre) {
    BsonDocument e =
        BsonDocument.parse("{\"operationType\": \"" + op + "\", \"documentKey\": {\"_id\": 1}}");
    if (post != null) {
      e.put("fullDocument", BsonDocument.parse(post));
    }
    if (pre != null) {
      e.put("fullDocumentBeforeChange", BsonDocument.parse(pre));
    }
    return e;
  }
}
