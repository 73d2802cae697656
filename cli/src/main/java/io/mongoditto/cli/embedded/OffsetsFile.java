package io.mongoditto.cli.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The runner's one offsets file, shared by both directions: the MongoDB -> Ditto engine's offset
 * store ({@link AtomicFileOffsetBackingStore}) and the Ditto -> MongoDB consumer's positions
 * ({@link CdcPositions}) hold the same entries and write the same file, so neither overwrites the
 * other's. The format is Kafka's {@code FileOffsetBackingStore}'s (a serialized map of key and
 * value bytes), so older offsets files keep working; each write goes to a temporary file forced to
 * disk and renamed over the old one, so a kill at any moment leaves a complete file.
 */
final class OffsetsFile {

  private static final Map<Path, OffsetsFile> OPEN = new HashMap<>();

  private final Path file;
  private final Map<ByteBuffer, ByteBuffer> entries;
  private int users;

  private OffsetsFile(Path file, Map<ByteBuffer, ByteBuffer> entries) {
    this.file = file;
    this.entries = Collections.synchronizedMap(entries);
  }

  /** The file's shared entries, read from disk by the first user. */
  static OffsetsFile open(Path path) {
    Path file = path.toAbsolutePath();
    synchronized (OPEN) {
      OffsetsFile f = OPEN.get(file);
      if (f == null) {
        f = new OffsetsFile(file, load(file));
        OPEN.put(file, f);
      }
      f.users++;
      return f;
    }
  }

  /** Lets go of the file; the last user's close forgets it (a later open reads it again). */
  void close() {
    synchronized (OPEN) {
      if (--users <= 0) {
        OPEN.remove(file);
      }
    }
  }

  /** The live entries: read and change them, then {@link #save()}. */
  Map<ByteBuffer, ByteBuffer> entries() {
    return entries;
  }

  Path file() {
    return file;
  }

  /** Writes every entry, crash-safely. */
  void save() {
    Map<byte[], byte[]> raw = new HashMap<>();
    synchronized (entries) {
      for (Map.Entry<ByteBuffer, ByteBuffer> e : entries.entrySet()) {
        raw.put(
            e.getKey() == null ? null : e.getKey().array(),
            e.getValue() == null ? null : e.getValue().array());
      }
    }
    synchronized (this) {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try {
        try (FileChannel channel =
            FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
          OutputStream out = Channels.newOutputStream(channel);
          ObjectOutputStream os = new ObjectOutputStream(out);
          os.writeObject(raw);
          os.flush();
          channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new ConnectException(
            "cannot write the offsets file " + file + ": " + e.getMessage(), e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<ByteBuffer, ByteBuffer> load(Path file) {
    Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
    try (InputStream in = Files.newInputStream(file);
        ObjectInputStream is = new ObjectInputStream(in)) {
      Map<byte[], byte[]> raw = (Map<byte[], byte[]>) is.readObject();
      raw.forEach(
          (k, v) ->
              out.put(
                  k == null ? null : ByteBuffer.wrap(k), v == null ? null : ByteBuffer.wrap(v)));
      return out;
    } catch (NoSuchFileException | java.io.EOFException none) {
      return out; // no offsets yet
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      throw new ConnectException(
          "cannot read the offsets file " + file + " (" + e + "): move it away to start over", e);
    }
  }
}
