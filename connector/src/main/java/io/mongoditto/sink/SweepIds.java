package io.mongoditto.sink;

import io.mongoditto.change.CanonicalIds;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a sweep compares the ids its records touched with the ids it reads back from Ditto. An
 * integer {@code _id} beyond 2^53 may come back as the nearest double (a JSON layer that parses
 * numbers as doubles, as the local Ditto's does: 9007199254740993 is stored and answered as
 * 9007199254740992), so such integers are compared by that double on both sides: a touched id then
 * always matches what Ditto holds for it. Two ids that only differ beyond a double's precision are
 * one document to such a Ditto anyway.
 */
final class SweepIds {

  /** 2^53: integers from here on may not survive a double. */
  private static final double EXACT_LIMIT = 9.007199254740992E15;

  private SweepIds() {}

  /** The comparison key of an id, from a record or read back from Ditto. */
  static String key(Object id) {
    return CanonicalIds.text(rounded(CanonicalIds.normalize(id)));
  }

  /**
   * Whether the id read back is surely the id the source sent: false when it holds an integer of
   * 2^53 or more, which may be a rounded one (so its partition cannot be told).
   */
  static boolean exact(Object id) {
    Object n = CanonicalIds.normalize(id);
    if (n instanceof Map<?, ?> map) {
      return map.values().stream().allMatch(SweepIds::exact);
    }
    if (n instanceof List<?> list) {
      return list.stream().allMatch(SweepIds::exact);
    }
    return !isLargeIntegral(n);
  }

  private static boolean isLargeIntegral(Object n) {
    if (n instanceof Long l) {
      return Math.abs((double) l) >= EXACT_LIMIT;
    }
    if (n instanceof BigInteger) {
      return true;
    }
    return n instanceof Double d
        && !d.isInfinite()
        && d == Math.rint(d)
        && Math.abs(d) >= EXACT_LIMIT;
  }

  private static Object rounded(Object n) {
    if (n instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), rounded(v)));
      return out;
    }
    if (n instanceof List<?> list) {
      return list.stream().map(SweepIds::rounded).toList();
    }
    if (!isLargeIntegral(n)) {
      return n;
    }
    double d = ((Number) n).doubleValue();
    BigInteger whole = new BigDecimal(d).toBigInteger();
    return whole.bitLength() < 64 ? (Object) whole.longValue() : whole;
  }
}
