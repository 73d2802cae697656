package io.mongoditto.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * MongoDB's own source connector (mongo-kafka-connect 2.0.1, its {@code all} jar, which bundles
 * driver 4.7.x) as a Connect plugin in its own {@code plugin.path} directory, so its driver stays
 * in its isolated class loader and never meets ours. The jar has no ServiceLoader manifest, which
 * {@code plugin.discovery=service_load} needs: a one-file jar beside it names the connector.
 */
final class MongoKafkaPlugin {

  static final String CONNECTOR_CLASS = "com.mongodb.kafka.connect.MongoSourceConnector";
  static final String DIR = "mongo-kafka-connect";

  private MongoKafkaPlugin() {}

  /**
   * Checks {@code pluginPath/mongo-kafka-connect} holds the connector jar (copied there by the
   * build) and adds the manifest jar; returns the plugin.path to give the worker.
   */
  static Path prepare(Path pluginPath) {
    Path dir = pluginPath.resolve(DIR);
    try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
      boolean present =
          files.anyMatch(f -> f.getFileName().toString().startsWith("mongo-kafka-connect-"));
      if (!present) {
        throw new IllegalStateException(
            "no mongo-kafka-connect jar in "
                + dir
                + ": build the bench module first (mvn -pl bench -am package -DskipTests)");
      }
      Path manifest = dir.resolve("service-manifest.jar");
      if (!Files.exists(manifest)) {
        try (OutputStream out = Files.newOutputStream(manifest);
            JarOutputStream jar = new JarOutputStream(out)) {
          jar.putNextEntry(
              new JarEntry("META-INF/services/org.apache.kafka.connect.source.SourceConnector"));
          jar.write((CONNECTOR_CLASS + "\n").getBytes(StandardCharsets.UTF_8));
          jar.closeEntry();
        }
      }
      return pluginPath.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
