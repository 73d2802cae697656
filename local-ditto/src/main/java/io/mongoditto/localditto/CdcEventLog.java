package io.mongoditto.localditto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the event log the local Ditto's server writes ({@code <dataDir>/cdc/events-<n>.jsonl}, see
 * cdc-log.js): complete lines only, from a position that is saved in the same directory. The server
 * appends to its newest segment only, so a segment older than the newest is final.
 */
final class CdcEventLog {

  private static final Pattern SEGMENT = Pattern.compile("events-(\\d+)\\.jsonl");
  private static final String POSITION_FILE = "bridge.position";

  /** A place in the log: the byte offset of the next line in a segment. */
  record Position(long segment, long offset) {}

  /** Events read (each one line, without its newline) and the position after the last one. */
  record Batch(List<String> events, Position end) {}

  private final Path dir;

  CdcEventLog(Path dir) {
    this.dir = dir;
  }

  /** Segment numbers, oldest first. */
  List<Long> segments() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> SEGMENT.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .map(m -> Long.parseLong(m.group(1)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path segmentPath(long segment) {
    return dir.resolve("events-" + segment + ".jsonl");
  }

  /** The saved position, else the start of the oldest segment. */
  Position loadPosition() {
    Path file = dir.resolve(POSITION_FILE);
    try {
      String[] parts = Files.readString(file).trim().split(" ");
      return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    } catch (NoSuchFileException e) {
      List<Long> segments = segments();
      return new Position(segments.isEmpty() ? 1 : segments.get(0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Saves the position (atomically: a crash leaves the old one or the new one). */
  void savePosition(Position position) {
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(POSITION_FILE + ".tmp");
      Files.writeString(tmp, position.segment() + " " + position.offset() + "\n");
      Files.move(
          tmp,
          dir.resolve(POSITION_FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the segments before {@code segment}: their events are all produced. */
  void deleteBefore(long segment) {
    for (long s : segments()) {
      if (s >= segment) {
        break;
      }
      try {
        Files.deleteIfExists(segmentPath(s));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Up to about {@code maxBytes} of complete lines from {@code from} (at least one line when there
   * is one, however long); moves on to the next segment once this one is read to its end and the
   * next one exists (the server numbers them one by one).
   */
  Batch read(Position from, int maxBytes) {
    Position at = from;
    while (true) {
      if (!Files.exists(segmentPath(at.segment()))) {
        // not created yet (nothing written) or deleted (produced): the next existing one
        long current = at.segment();
        long next = segments().stream().filter(s -> s > current).findFirst().orElse(-1L);
        if (next < 0) {
          return new Batch(List.of(), at);
        }
        at = new Position(next, 0);
      }
      // Looked at before reading: once the next segment exists, this one gets no more lines.
      boolean nextExists = Files.exists(segmentPath(at.segment() + 1));
      Batch batch = readLines(at, maxBytes);
      if (!batch.events().isEmpty() || !nextExists) {
        return batch;
      }
      at = new Position(at.segment() + 1, 0);
    }
  }

  private Batch readLines(Position at, int maxBytes) {
    try (FileChannel channel =
        FileChannel.open(segmentPath(at.segment()), StandardOpenOption.READ)) {
      long size = channel.size();
      int want = (int) Math.min(size - at.offset(), maxBytes);
      List<String> events = new ArrayList<>();
      long offset = at.offset();
      while (want > 0) {
        ByteBuffer buffer = ByteBuffer.allocate(want);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
          // read until full (or the file ends)
        }
        byte[] bytes = buffer.array();
        int length = buffer.position();
        int start = 0;
        for (int i = 0; i < length; i++) {
          if (bytes[i] == '\n') {
            events.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
            start = i + 1;
          }
        }
        offset += start;
        if (!events.isEmpty() || length < want || offset + length >= size) {
          break;
        }
        // one line longer than maxBytes: read it whole
        want = (int) Math.min(size - offset, (long) want * 2);
      }
      return new Batch(events, new Position(at.segment(), offset));
    } catch (NoSuchFileException e) {
      return new Batch(List.of(), at);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
