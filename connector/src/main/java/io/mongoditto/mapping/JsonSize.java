package io.mongoditto.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The UTF-8 JSON size of a mapped document, as Ditto would receive it (counted, not buffered). */
final class JsonSize {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonSize() {}

  /**
   * Whether the document's JSON is over {@code limit} bytes. A cheap upper bound settles almost
   * every document without serializing it; only a document near the limit is measured exactly.
   */
  static boolean exceeds(Map<String, Object> document, long limit) {
    return upperBound(document) > limit && of(document) > limit;
  }

  /**
   * An upper bound of the UTF-8 JSON size: each char of a string or key counted as 6 bytes (the
   * longest escape, {@code \u0000}; a UTF-16 char is at most 3 bytes of UTF-8), each number as 32
   * bytes, each literal as 5, plus quotes, colons, commas and brackets.
   */
  static long upperBound(Object value) {
    if (value instanceof String s) {
      return 6L * s.length() + 2;
    }
    if (value instanceof Map<?, ?> map) {
      long n = 2;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        n += upperBound(String.valueOf(e.getKey())) + 2 + upperBound(e.getValue());
      }
      return n;
    }
    if (value instanceof Iterable<?> list) {
      long n = 2;
      for (Object element : list) {
        n += upperBound(element) + 1;
      }
      return n;
    }
    if (value instanceof java.math.BigInteger || value instanceof java.math.BigDecimal) {
      return value.toString().length() + 2L;
    }
    if (value instanceof Number) {
      return 32; // a long has at most 20 chars, a double at most 24
    }
    return 5; // true, false, null
  }

  static long of(Map<String, Object> document) {
    CountingStream counter = new CountingStream();
    try {
      MAPPER.writeValue(counter, document);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a counting stream does not fail
    }
    return counter.count;
  }

  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
