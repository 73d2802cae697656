package io.mongoditto.cli.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-safe offsets store writes Kafka's file format (Kafka's own store reads it back), and
 * never rewrites the offsets file in place: a half-written temporary file left by a killed process
 * does not hide the last complete offsets.
 */
class AtomicFileOffsetBackingStoreTest {

  @TempDir Path dir;

  private StandaloneConfig config(Path file) {
    return new StandaloneConfig(
        Map.of(
            "key.converter", JsonConverter.class.getName(),
            "value.converter", JsonConverter.class.getName(),
            "offset.storage.file.filename", file.toString(),
            "bootstrap.servers", "localhost:9"));
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writesKafkasFormatAndReplacesTheFileAtomically() throws Exception {
    Path file = dir.resolve("offsets.dat");
    AtomicFileOffsetBackingStore store = new AtomicFileOffsetBackingStore();
    store.configure(config(file));
    store.start();
    store
        .set(Map.of(bytes("[\"sync\",{\"ns\":\"db.a\"}]"), bytes("{\"token\":1}")), null)
        .get(10, TimeUnit.SECONDS);
    store
        .set(Map.of(bytes("[\"sync\",{\"ns\":\"db.a\"}]"), bytes("{\"token\":2}")), null)
        .get(10, TimeUnit.SECONDS);
    store.stop();
    assertFalse(Files.exists(dir.resolve("offsets.dat.tmp")), "the temporary file was renamed");

    // A process killed while writing leaves a partial temporary file; the offsets file is intact.
    Files.write(dir.resolve("offsets.dat.tmp"), new byte[] {(byte) 0xac, (byte) 0xed, 0});

    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "false"), true);
    FileOffsetBackingStore kafkas = new FileOffsetBackingStore(converter);
    kafkas.configure(config(file));
    kafkas.start();
    Map<ByteBuffer, ByteBuffer> read =
        kafkas.get(List.of(bytes("[\"sync\",{\"ns\":\"db.a\"}]"))).get(10, TimeUnit.SECONDS);
    kafkas.stop();
    assertEquals(
        "{\"token\":2}",
        StandardCharsets.UTF_8.decode(read.get(bytes("[\"sync\",{\"ns\":\"db.a\"}]"))).toString());
  }
}
