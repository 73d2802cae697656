package io.mongoditto.localmongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.LegacyUUID;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InQueriesTest {

  private final InQueries in = new InQueries();

  private static Document in(String field, List<?> values) {
    return new Document(field, new Document("$in", values));
  }

  @Test
  void plainValuesAtATopLevelFieldAreMatchedByHashing() {
    UUID id = UUID.randomUUID();
    Document query = in("k", List.of("a", id, new LegacyUUID(id)));
    assertEquals(Boolean.TRUE, in.matches(new Document("k", "a"), query));
    assertEquals(Boolean.TRUE, in.matches(new Document("k", id), query));
    assertEquals(Boolean.TRUE, in.matches(new Document("k", new LegacyUUID(id)), query));
    assertEquals(Boolean.FALSE, in.matches(new Document("k", "b"), query));
    assertEquals(
        Boolean.FALSE,
        in.matches(new Document("k", new LegacyUUID(UUID.randomUUID())), query),
        "another legacy UUID");
  }

  @Test
  void everythingElseIsLeftToTheServersMatcher() {
    assertNull(in.matches(new Document("k", 7L), in("k", List.of(7))), "numbers");
    assertNull(in.matches(new Document("k", List.of("a")), in("k", List.of("a"))), "arrays");
    assertNull(in.matches(new Document(), in("k", List.of("a"))), "a missing field");
    assertNull(in.matches(new Document("k", "a"), in("n.k", List.of("a"))), "nested paths");
    assertNull(
        in.matches(new Document("k", "a"), new Document("k", "a").append("j", 1)), "two fields");
  }
}
