package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged production runner (target/mongo-ditto-cli.jar with target/lib) loads no local test
 * server: its manifest's Class-Path, which decides what `java -jar` loads, names none. (target/lib
 * is not cleaned between builds, so a tree built before the split may still hold stale copies.)
 */
class PackagedRunnerClasspathIT {

  @Test
  void packagedJarsManifestNamesNoLocalServer() throws Exception {
    Path jar = Path.of("target", "mongo-ditto-cli.jar");
    assertTrue(Files.isRegularFile(jar), "run after `package`: no " + jar.toAbsolutePath());
    String classPath;
    try (JarFile j = new JarFile(jar.toFile())) {
      classPath = j.getManifest().getMainAttributes().getValue("Class-Path");
    }
    assertNotNull(classPath, "the jar's manifest has no Class-Path");
    List<String> entries = List.of(classPath.trim().split("\\s+"));
    assertTrue(entries.stream().anyMatch(e -> e.contains("connector")), classPath);
    for (String entry : entries) {
      assertFalse(RuntimeClasspathTest.isTestServer(entry), () -> "in the manifest: " + entry);
    }
  }
}
