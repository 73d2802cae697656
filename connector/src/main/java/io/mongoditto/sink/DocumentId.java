package io.mongoditto.sink;

import io.mongoditto.change.CanonicalIds;
import java.util.Map;

/**
 * A Ditto {@code _id} normalized for equality: 7, 7L and 7.0 are one id, and composite ids are
 * compared key by key regardless of key order (as Ditto does).
 */
final class DocumentId {

  /** Ditto matches {@code _id IN :ids} only among ids of one kind: statements are split by it. */
  enum Kind {
    STRING,
    NUMBER,
    OBJECT,
    OTHER
  }

  private DocumentId() {}

  /** The id value to send to Ditto (numbers made integral where exact) and to compare. */
  static Object normalize(Object id) {
    return CanonicalIds.normalize(id);
  }

  static Kind kind(Object normalizedId) {
    if (normalizedId instanceof String) {
      return Kind.STRING;
    }
    if (normalizedId instanceof Number) {
      return Kind.NUMBER;
    }
    if (normalizedId instanceof Map<?, ?>) {
      return Kind.OBJECT;
    }
    return Kind.OTHER;
  }
}
