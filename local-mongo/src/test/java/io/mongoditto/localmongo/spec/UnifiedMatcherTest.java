package io.mongoditto.localmongo.spec;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** The spec runner's matching rules accept what the format allows and reject the rest. */
class UnifiedMatcherTest {

  private final UnifiedMatcher matcher = new UnifiedMatcher(Map.of());

  private void matches(String expected, String actual) {
    matcher.assertMatches(BsonDocument.parse(expected), BsonDocument.parse(actual), true, "$");
  }

  private void mismatch(String expected, String actual) {
    assertThrows(AssertionError.class, () -> matches(expected, actual));
  }

  @Test
  void extraFieldsOnlyAtTheRoot() {
    matches("{a: 1}", "{a: 1, b: 2}");
    mismatch("{ns: {db: 'd'}}", "{ns: {db: 'd', coll: 'c'}}");
    mismatch("{a: 1}", "{b: 1}");
  }

  @Test
  void numbersByValueButOtherwiseExact() {
    matches("{a: 1}", "{a: {$numberLong: '1'}}");
    matches("{a: 1}", "{a: 1.0}");
    mismatch("{a: 1}", "{a: 2}");
    mismatch("{a: 1}", "{a: '1'}");
    mismatch("{a: [1, 2]}", "{a: [1, 2, 3]}");
    mismatch("{a: null}", "{a: {}}");
  }

  @Test
  void specialOperators() {
    matches("{a: {$$exists: true}}", "{a: 0}");
    mismatch("{a: {$$exists: true}}", "{}");
    matches("{a: {$$exists: false}}", "{}");
    mismatch("{a: {$$exists: false}}", "{a: null}");
    matches("{a: {$$unsetOrMatches: 1}}", "{}");
    matches("{a: {$$unsetOrMatches: 1}}", "{a: 1}");
    mismatch("{a: {$$unsetOrMatches: 1}}", "{a: 2}");
    matches("{a: {$$type: ['int', 'long']}}", "{a: {$numberLong: '5'}}");
    mismatch("{a: {$$type: 'object'}}", "{a: []}");
    matches("{u: {x: {$$unsetOrMatches: {$$exists: true}}}}", "{u: {}}");
  }
}
