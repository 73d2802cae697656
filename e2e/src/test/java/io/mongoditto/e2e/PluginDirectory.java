package io.mongoditto.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** The plugin zip built by the connector module, unpacked into a fresh plugin.path directory. */
final class PluginDirectory {

  private PluginDirectory() {}

  /** The zip named by the {@code plugin.zip} system property (set by the e2e pom). */
  static Path zip() {
    Path zip =
        Path.of(
            System.getProperty(
                "plugin.zip",
                "../connector/target/mongo-ditto-connector-"
                    + System.getProperty("project.version")
                    + ".zip"));
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException(
          "no plugin zip at "
              + zip.toAbsolutePath()
              + ": build it with mvn -pl e2e -am verify (the connector module makes it on package)");
    }
    return zip;
  }

  /** Unpacks the zip into {@code pluginPath} as an operator would (unzip -d plugin.path). */
  static Path unpack(Path zip, Path pluginPath) {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      Files.createDirectories(pluginPath);
      Path root = pluginPath.toRealPath();
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root)) {
          throw new IllegalStateException("zip entry outside the plugin dir: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          copy(in, target);
        }
      }
      return pluginPath;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + zip, e);
    }
  }

  private static void copy(InputStream in, Path target) throws IOException {
    Files.write(target, in.readAllBytes());
  }
}
