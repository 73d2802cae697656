package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The production runner keeps the local test servers off its runtime class path (issue 14: product
 * apart from tools), directly or through any dependency. The build writes the resolved runtime
 * class path to target/runtime-classpath.txt (maven-dependency-plugin, before the tests).
 */
class RuntimeClasspathTest {

  static final List<String> TEST_SERVERS = List.of("local-mongo", "local-ditto", "tools");

  @Test
  void runtimeClasspathHasNoLocalServerOrTool() throws Exception {
    Path file = Path.of("target", "runtime-classpath.txt");
    assertTrue(
        Files.isRegularFile(file),
        "no " + file.toAbsolutePath() + ": run through Maven (it is written before the tests)");
    List<String> entries =
        Arrays.stream(Files.readString(file).trim().split(File.pathSeparator))
            .filter(e -> !e.isBlank())
            .toList();
    assertTrue(
        entries.stream().anyMatch(e -> e.contains("connector")),
        () -> "the class path file does not look like this module's: " + entries);
    for (String entry : entries) {
      assertFalse(isTestServer(entry), () -> "on cli's runtime class path: " + entry);
    }
  }

  /** A module's classes dir (inside the reactor) or its jar (from a repository). */
  static boolean isTestServer(String entry) {
    Path p = Path.of(entry);
    for (String module : TEST_SERVERS) {
      String name = p.getFileName().toString();
      if (name.startsWith(module + "-")
          || name.equals(module + ".jar")
          || p.endsWith(Path.of(module, "target", "classes"))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void recognisesTheServersInEveryForm() {
    assertTrue(isTestServer("/r/local-mongo/target/classes"));
    assertTrue(
        isTestServer(
            "/m2/io/mongoditto/local-ditto/0.1.0-SNAPSHOT/local-ditto-0.1.0-SNAPSHOT.jar"));
    assertTrue(isTestServer("lib/local-mongo-0.1.0-SNAPSHOT.jar"));
    assertFalse(isTestServer("/r/connector/target/classes"));
    assertFalse(isTestServer("lib/mongodb-driver-sync-5.14.0.jar"));
  }
}
