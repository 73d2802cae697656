package io.mongoditto.sink;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    if (id instanceof Number n) {
      return normalizeNumber(n);
    }
    if (id instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), normalize(v)));
      return sorted;
    }
    if (id instanceof List<?> list) {
      return list.stream().map(DocumentId::normalize).toList();
    }
    return id;
  }

  private static Object normalizeNumber(Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      return n.longValue();
    }
    if (n instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
    double d = n.doubleValue();
    if (!Double.isInfinite(d) && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
      return (long) d;
    }
    if (n instanceof BigDecimal bd) {
      return bd.doubleValue();
    }
    return d;
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
