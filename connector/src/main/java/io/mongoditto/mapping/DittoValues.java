package io.mongoditto.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Equality of Ditto values as Ditto means it: numbers by value (7, 7L and 7.0 are one number, as in
 * Ditto's JSON), maps by their keys regardless of order, lists element by element. Both directions
 * and the verifiers compare with it, so "nothing changed" means the same everywhere.
 */
public final class DittoValues {

  private DittoValues() {}

  /** What {@link #at} returns where a document has no value at the path (a null is a value). */
  public static final Object ABSENT = new Object();

  /** The value at {@code path} of a Ditto document, or {@link #ABSENT}. */
  public static Object at(Map<String, ?> doc, List<String> path) {
    Object node = doc;
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
        return ABSENT;
      }
      node = map.get(key);
    }
    return node;
  }

  public static boolean same(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return compareNumbers(x, y) == 0;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !same(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static final BigDecimal TWO_53 = BigDecimal.valueOf(1L << 53);

  private static int compareNumbers(Number x, Number y) {
    if (isIntegral(x)
        && isIntegral(y)
        && exactAsDouble(x.longValue())
        && exactAsDouble(y.longValue())) {
      return Long.compare(x.longValue(), y.longValue());
    }
    if (!Double.isFinite(x.doubleValue()) || !Double.isFinite(y.doubleValue())) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    BigDecimal a = decimal(x);
    BigDecimal b = decimal(y);
    if (a.abs().compareTo(TWO_53) > 0 || b.abs().compareTo(TWO_53) > 0) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    return a.compareTo(b);
  }

  private static boolean exactAsDouble(long v) {
    return v >= -(1L << 53) && v <= (1L << 53);
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (isIntegral(n)) {
      return BigDecimal.valueOf(n.longValue());
    }
    return new BigDecimal(n.doubleValue());
  }
}
