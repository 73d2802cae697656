package io.mongoditto.cli.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Where the embedded runner puts what Kafka Connect would send to a dead-letter topic: records the
 * sink could not write (Ditto said 400) and the source's error records (documents that cannot be
 * mapped). One JSON object per line, appended and flushed before the record counts as done.
 */
final class DeadLetterFile implements ErrantRecordReporter, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final AtomicLong count = new AtomicLong();
  private Writer writer;

  DeadLetterFile(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  long count() {
    return count.get();
  }

  @Override
  public Future<Void> report(SinkRecord record, Throwable error) {
    write(record, "sink", error.getMessage());
    return CompletableFuture.completedFuture(null);
  }

  /** A source error record (already describes its problem in its value and headers). */
  void reportSourceError(ConnectRecord<?> record) {
    write(record, "source", null);
  }

  private synchronized void write(ConnectRecord<?> record, String stage, String error) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.now().toString());
    line.put("stage", stage);
    line.put("topic", record.topic());
    line.put("key", record.key());
    line.put("value", record.value());
    if (error != null) {
      line.put("error", error);
    }
    Map<String, Object> headers = new LinkedHashMap<>();
    record.headers().forEach(h -> headers.put(h.key(), String.valueOf(h.value())));
    if (!headers.isEmpty()) {
      line.put("headers", headers);
    }
    try {
      if (writer == null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        writer =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      writer.write(JSON.writeValueAsString(line));
      writer.write('\n');
      writer.flush();
      count.incrementAndGet();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dead-letter file " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException ignored) {
        // closing after a flushed write: nothing is lost
      }
      writer = null;
    }
  }
}
