package io.mongoditto.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Apache Kafka's jars as Maven resolved them into e2e/target/kafka-lib (kafka_2.13,
 * connect-runtime, kafka-tools and their runtime dependencies): the class path of every broker and
 * worker process, the same one scripts/quickstart.sh uses.
 */
final class KafkaDistribution {

  // WARN by default (the broker's per-partition INFO lines drown everything); INFO where an
  // operator looks: worker lifecycle and this project's connectors.
  private static final String LOG_CONFIG =
      String.join(
          "\n",
          "status = warn",
          "appender.out.type = Console",
          "appender.out.name = out",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = [%d] %p %m (%c)%n",
          "rootLogger.level = WARN",
          "rootLogger.appenderRef.out.ref = out",
          "logger.worker.name = org.apache.kafka.connect.runtime.Worker",
          "logger.worker.level = INFO",
          "logger.ours.name = io.mongoditto",
          "logger.ours.level = INFO",
          "");

  private final Path libDir;

  private KafkaDistribution(Path libDir) {
    this.libDir = libDir;
  }

  /** The lib dir named by the {@code kafka.lib.dir} system property (set by the e2e pom). */
  static KafkaDistribution fromBuild() {
    String dir = System.getProperty("kafka.lib.dir", "target/kafka-lib");
    Path lib = Path.of(dir).toAbsolutePath();
    try (var jars = Files.list(lib)) {
      if (jars.noneMatch(p -> p.getFileName().toString().startsWith("connect-runtime-"))) {
        throw new IllegalStateException("no connect-runtime jar in " + lib);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no Kafka jars at " + lib + " (run mvn -pl e2e -am verify)", e);
    }
    return new KafkaDistribution(lib);
  }

  /** {@code java -Xmx<heap> ... -cp lib/*}: the launcher expands the wildcard itself. */
  List<String> javaCommand(String heap, Path workDir) {
    Path logConfig = workDir.resolve("log4j2.properties");
    try {
      if (!Files.exists(logConfig)) {
        Files.writeString(logConfig, LOG_CONFIG, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return List.of(
        java.toString(),
        "-Xmx" + heap,
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Dlog4j2.configurationFile=" + logConfig,
        "-cp",
        libDir + "/*");
  }
}
