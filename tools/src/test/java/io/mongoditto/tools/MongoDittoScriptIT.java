package io.mongoditto.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root `mongo-ditto` script runs the tools jar (every command: the runner's and the tools'),
 * and rebuilds it with `mvn -pl tools -am package` when a main source of tools/ is newer than the
 * jar (a fake `mvn` on the PATH records the call).
 */
class MongoDittoScriptIT {

  @TempDir Path dir;

  private static final Path ROOT =
      Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
  private static final Path JAR = ROOT.resolve("tools/target/mongo-ditto-tools.jar");

  @Test
  void theScriptRunsEveryCommand() throws Exception {
    Result r = run(Map.of("MONGO_DITTO_SKIP_BUILD", "1"), "--help");
    assertEquals(0, r.exitCode(), r.output());
    for (String command : List.of("run", "verify", "check", "demo", "seed", "local-ditto")) {
      assertTrue(r.output().contains("  " + command + " "), () -> command + ":\n" + r.output());
    }
    Result help = run(Map.of("MONGO_DITTO_SKIP_BUILD", "1"), "seed", "--help");
    assertEquals(0, help.exitCode(), help.output());
  }

  @Test
  void aNewerSourceUnderToolsRebuildsTheToolsModule() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "run after `package`: no " + JAR);
    Path toolsSource = ROOT.resolve("tools/src/main/java/io/mongoditto/tools/MongoDittoTools.java");
    FileTime jarTime = Files.getLastModifiedTime(JAR);
    FileTime sourceTime = Files.getLastModifiedTime(toolsSource);
    // The jar newer than every watched file outside tools/, the one tools/ source newer still.
    long newestElsewhere = 0;
    for (String module : List.of("local-mongo", "local-ditto", "connector", "cli")) {
      newestElsewhere = Math.max(newestElsewhere, newest(ROOT.resolve(module)));
    }
    newestElsewhere = Math.max(newestElsewhere, newest(ROOT.resolve("pom.xml")));
    Path calls = dir.resolve("mvn-calls");
    Path fakeMvn = dir.resolve("bin/mvn");
    Files.createDirectories(fakeMvn.getParent());
    Files.writeString(fakeMvn, "#!/bin/sh\necho \"$@\" >> '" + calls + "'\n");
    assertTrue(fakeMvn.toFile().setExecutable(true));
    try {
      Files.setLastModifiedTime(JAR, FileTime.fromMillis(newestElsewhere + 2_000));
      Files.setLastModifiedTime(toolsSource, FileTime.fromMillis(newestElsewhere + 4_000));
      Result r =
          run(Map.of("PATH", fakeMvn.getParent() + ":" + System.getenv("PATH")), "--version");
      assertEquals(0, r.exitCode(), r.output());
      assertTrue(Files.exists(calls), () -> "no build:\n" + r.output());
      String call = Files.readString(calls);
      assertTrue(call.contains("-pl tools -am") && call.contains("package"), call);
    } finally {
      Files.setLastModifiedTime(toolsSource, sourceTime);
      Files.setLastModifiedTime(JAR, jarTime);
    }
  }

  /** Newest modification time of a pom or main source below {@code path} (or of the file). */
  private static long newest(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return Files.getLastModifiedTime(path).toMillis();
    }
    long newest = 0;
    for (Path watched : List.of(path.resolve("pom.xml"), path.resolve("src/main"))) {
      if (!Files.exists(watched)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(watched)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
        }
      }
    }
    return newest;
  }

  private record Result(int exitCode, String output) {}

  private static Result run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("mongo-ditto").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("JAVA_OPTS", "-Xmx256m");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
