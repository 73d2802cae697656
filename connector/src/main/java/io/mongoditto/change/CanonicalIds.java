package io.mongoditto.change;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Utils;

/**
 * One form of a Ditto {@code _id} that the source and the sink agree on: 7, 7L and 7.0 are one id,
 * and composite ids compare key by key regardless of key order (as Ditto does). The source puts
 * every record of a document on partition {@link #partition} of its topic, so the sink can tell,
 * for an id it reads back from Ditto, which partition's records decide that document.
 */
public final class CanonicalIds {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CanonicalIds() {}

  /** The id as Ditto compares it: integral numbers as Long, maps sorted by key, recursively. */
  public static Object normalize(Object id) {
    if (id instanceof Number n) {
      return normalizeNumber(n);
    }
    if (id instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), normalize(v)));
      return sorted;
    }
    if (id instanceof List<?> list) {
      return list.stream().map(CanonicalIds::normalize).toList();
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

  /** The normalized id as compact JSON: equal for ids Ditto treats as one. */
  public static String text(Object id) {
    Object normalized = normalize(id);
    // The common ids (a hex ObjectId, a plain string, an integer) without Jackson: the source
    // computes this for every record's partition. The same text Jackson writes.
    if (normalized instanceof Long n) {
      return Long.toString(n);
    }
    if (normalized instanceof String s && plain(s)) {
      return "\"" + s + "\"";
    }
    try {
      return JSON.writeValueAsString(normalized);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a Ditto _id must be JSON: " + id, e);
    }
  }

  /** Printable ASCII without quote and backslash: Jackson writes it as is. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** The partition, of {@code partitions}, that carries every record of the document {@code id}. */
  public static int partition(Object id, int partitions) {
    if (partitions <= 1) {
      return 0;
    }
    return Utils.toPositive(Utils.murmur2(text(id).getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
