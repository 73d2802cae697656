package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CollectionMappingTest {

  private static String problem(IdMode mode, List<String> fields) {
    return new CollectionMapping("c", "c", mode, fields, false).problem();
  }

  @Test
  void validMappingsHaveNoProblem() {
    assertNull(CollectionMapping.matchIds("c").problem());
    assertNull(CollectionMapping.singleField("c", "k").problem());
    assertNull(CollectionMapping.multipleFields("c", List.of("a", "b")).problem());
  }

  @Test
  void invalidMappingsSayWhy() {
    assertTrue(problem(IdMode.SINGLE_FIELD, List.of()).contains("exactly one"));
    assertTrue(problem(IdMode.SINGLE_FIELD, List.of("a", "b")).contains("exactly one"));
    assertTrue(problem(IdMode.SINGLE_FIELD, List.of("_id")).contains("match_ids"));
    assertTrue(problem(IdMode.MULTIPLE_FIELDS, List.of()).contains("at least one"));
    assertTrue(problem(IdMode.MULTIPLE_FIELDS, List.of("a", "a")).contains("twice"));
    assertTrue(problem(IdMode.MULTIPLE_FIELDS, List.of("a", "b.c")).contains("top-level"));
    assertTrue(problem(IdMode.MULTIPLE_FIELDS, List.of("a", " ")).contains("blank"));
  }

  @Test
  void mapperRefusesAnInvalidMapping() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ChangeEventMapper(
                    new CollectionMapping(
                        "orders", "orders", IdMode.SINGLE_FIELD, List.of(), false),
                    new ConversionStats()));
    assertTrue(e.getMessage().startsWith("collection 'orders': single_field"), e.getMessage());
  }
}
