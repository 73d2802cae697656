package io.mongoditto.cli.embedded;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;

/**
 * Kafka's {@link FileOffsetBackingStore}, written crash-safely. The original truncates the offsets
 * file and rewrites it in place, and on load treats a short file as "no offsets yet": a process
 * killed during a write (kill -9, power loss) restarts from nothing, which copies everything again
 * and, worse, starts the change streams at "now", so deletes made while it was down never reach
 * Ditto. Here each write goes to a temporary file that is forced to disk and then atomically
 * renamed over the old one, so the file always holds a complete set of offsets. Same file format (a
 * serialized map of key and value bytes), so existing offsets files keep working.
 */
public final class AtomicFileOffsetBackingStore extends FileOffsetBackingStore {

  private Path file;

  /**
   * Debezium creates offset stores through a no-argument constructor; the key converter is
   * Debezium's own choice.
   */
  public AtomicFileOffsetBackingStore() {
    super(keyConverter());
  }

  private static JsonConverter keyConverter() {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "false"), true);
    return converter;
  }

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    file =
        Path.of(config.getString(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG))
            .toAbsolutePath();
  }

  @Override
  protected void save() {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Map<byte[], byte[]> raw = new HashMap<>();
      for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
        raw.put(
            e.getKey() == null ? null : e.getKey().array(),
            e.getValue() == null ? null : e.getValue().array());
      }
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
