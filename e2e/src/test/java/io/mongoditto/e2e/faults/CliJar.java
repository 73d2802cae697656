package io.mongoditto.e2e.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * The CLI jar the embedded runner runs from. The e2e module depends on cli, so the reactor builds
 * it before the fault suite; a missing jar, or one older than the sources it is built from (an
 * e2e-only build after an edit would test yesterday's runner), fails instead of skipping.
 */
final class CliJar {

  private CliJar() {}

  static Path fresh() {
    Path root = KafkaProcesses.projectRoot();
    String configured = System.getProperty("cli.jar");
    Path jar =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : root.resolve("cli/target/mongo-ditto-cli.jar");
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("no CLI jar at " + jar + " (mvn -pl e2e -am verify builds it)");
    }
    // the runner's class path: the cli jar and, in lib/ beside it, the connector it runs
    String version = System.getProperty("project.version", "0.1.0-SNAPSHOT");
    Path connector = jar.resolveSibling("lib").resolve("connector-" + version + ".jar");
    requireNewer(jar, root.resolve("cli/src/main"));
    requireNewer(connector, root.resolve("connector/src/main"));
    return jar;
  }

  private static void requireNewer(Path built, Path sources) {
    if (!Files.isRegularFile(built)) {
      throw new AssertionError("no " + built + " (mvn -pl e2e -am verify builds it)");
    }
    Path newer = newestFile(sources);
    if (newer != null && modified(newer).compareTo(modified(built)) > 0) {
      throw new AssertionError(
          "stale "
              + built
              + ": "
              + newer
              + " changed after it was built (mvn -pl e2e -am verify rebuilds it)");
    }
  }

  private static Path newestFile(Path dir) {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .max((a, b) -> modified(a).compareTo(modified(b)))
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
