package io.mongoditto.localditto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the Node.js server of the local Ditto and makes sure its npm dependencies are installed.
 *
 * <p>Lookup order, so it works from any module's tests, from the CLI and from a packaged jar: the
 * system property {@value #DIR_PROPERTY} or environment variable {@value #DIR_ENV}; the source tree
 * found by walking up from {@code project.root} (set by Surefire) or the working directory; else
 * the copy packaged in this jar, extracted under {@code ~/.cache/mongo-ditto/local-ditto}.
 */
final class NodeServerFiles {

  static final String DIR_PROPERTY = "localditto.node.dir";
  static final String DIR_ENV = "LOCAL_DITTO_NODE_DIR";
  private static final String RELATIVE = "local-ditto/node";
  private static final String RESOURCE_DIR = "/io/mongoditto/localditto/node/";
  private static final List<String> FILES =
      List.of(
          "server.js",
          "dql-mutation.js",
          "change-capture.js",
          "cdc-log.js",
          "txn-counter.js",
          "package.json",
          "package-lock.json");

  private NodeServerFiles() {}

  /** The directory holding server.js with node_modules installed. */
  static Path prepare() {
    Path dir = locate();
    ensureInstalled(dir);
    return dir;
  }

  static Path locate() {
    String configured = System.getProperty(DIR_PROPERTY, System.getenv(DIR_ENV));
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath();
      if (!Files.isRegularFile(dir.resolve("server.js"))) {
        throw new IllegalStateException(
            DIR_PROPERTY + "/" + DIR_ENV + " = " + dir + " holds no server.js");
      }
      return dir;
    }
    for (String start :
        new String[] {System.getProperty("project.root"), System.getProperty("user.dir")}) {
      if (start == null) {
        continue;
      }
      for (Path p = Path.of(start).toAbsolutePath(); p != null; p = p.getParent()) {
        Path candidate = p.resolve(RELATIVE);
        if (Files.isRegularFile(candidate.resolve("server.js"))) {
          return candidate;
        }
      }
    }
    return extractPackagedCopy();
  }

  private static Path extractPackagedCopy() {
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "mongo-ditto", "local-ditto");
    try {
      Files.createDirectories(dir);
      for (String name : FILES) {
        try (InputStream in = NodeServerFiles.class.getResourceAsStream(RESOURCE_DIR + name)) {
          if (in == null) {
            if (name.equals("package-lock.json")) {
              continue;
            }
            throw new IllegalStateException(
                "local Ditto server files not found: set " + DIR_PROPERTY);
          }
          Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the local Ditto server to " + dir, e);
    }
  }

  /** Runs {@code npm install} once (under a file lock: tests of several modules may race). */
  static void ensureInstalled(Path dir) {
    Path marker = dir.resolve("node_modules/@dittolive/ditto/package.json");
    if (Files.isRegularFile(marker)) {
      return;
    }
    Path lockFile = dir.resolve(".npm-install.lock");
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      if (Files.isRegularFile(marker)) {
        return;
      }
      String npm = System.getProperty("localditto.npm", "npm");
      Path log = Files.createTempFile("local-ditto-npm-", ".log");
      Process p =
          new ProcessBuilder(npm, "install", "--no-audit", "--no-fund")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "npm install failed in " + dir + ":\n" + Files.readString(log));
      }
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run npm install in " + dir + " (is Node.js 20 installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during npm install", e);
    }
  }
}
