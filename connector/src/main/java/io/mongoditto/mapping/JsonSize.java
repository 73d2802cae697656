package io.mongoditto.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The UTF-8 JSON size of a mapped document, as Ditto would receive it (counted, not buffered). */
final class JsonSize {

  /** Ditto's hard document size limit: larger documents are rejected. */
  static final long DITTO_HARD_LIMIT_BYTES = 5L * 1024 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonSize() {}

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
