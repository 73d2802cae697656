package io.mongoditto.cli.embedded;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;

/**
 * Kafka's {@link FileOffsetBackingStore}, written crash-safely and shared with the runner's other
 * direction through {@link OffsetsFile}. The original truncates the offsets file and rewrites it in
 * place, and on load treats a short file as "no offsets yet": a process killed during a write (kill
 * -9, power loss) restarts from nothing, which copies everything again and, worse, starts the
 * change streams at "now", so deletes made while it was down never reach Ditto. Same file format,
 * so existing offsets files keep working.
 */
public final class AtomicFileOffsetBackingStore extends FileOffsetBackingStore {

  private Path file;
  private OffsetsFile offsets;

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
  public synchronized void start() {
    super.start();
    offsets = OffsetsFile.open(file);
    data = offsets.entries();
  }

  @Override
  public synchronized void stop() {
    super.stop();
    if (offsets != null) {
      offsets.close();
      offsets = null;
    }
  }

  @Override
  protected void save() {
    offsets.save();
  }
}
