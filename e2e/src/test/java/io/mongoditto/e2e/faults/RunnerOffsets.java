package io.mongoditto.e2e.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded runner's offsets file as the tests read it: Kafka's {@code FileOffsetBackingStore}
 * format (a serialized map of key and value bytes, JSON text each), written whole and renamed over
 * the old file by the runner, so it can be read while the runner runs. Read here, not through the
 * cli module's classes, so the test sees the file as it lies on disk.
 */
final class RunnerOffsets {

  private RunnerOffsets() {}

  /** Key -> value, both as text; empty while the file does not exist yet. */
  static Map<String, String> read(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file);
        ObjectInputStream is = new ObjectInputStream(in)) {
      Object raw = is.readObject();
      if (raw instanceof Map<?, ?> map) {
        map.forEach((k, v) -> out.put(text(k), text(v)));
      }
      return out;
    } catch (NoSuchFileException | java.io.EOFException none) {
      return out;
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read the offsets file " + file, e);
    }
  }

  /**
   * How many MongoDB namespaces have a streaming position (a resume token, no copy in progress):
   * the source's copy of those collections is through.
   */
  static long streamingNamespaces(Path file) {
    return read(file).entrySet().stream()
        .filter(e -> e.getKey().contains("\"ns\""))
        .filter(e -> e.getValue().contains("\"resume_token\""))
        .filter(e -> !e.getValue().contains("\"snapshot_start_token\""))
        .count();
  }

  private static String text(Object bytes) {
    return bytes instanceof byte[] b
        ? new String(b, StandardCharsets.UTF_8)
        : String.valueOf(bytes);
  }
}
