package io.mongoditto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * scripts/quickstart.sh for people who test faults (issue 15 items 3 and 7), in full (broker,
 * worker, local MongoDB, local Ditto): `start` says it deletes the previous run's data; the local
 * Ditto's key is on no command line; its data lives in the work dir and survives `restart
 * local-ditto`; the printed read-back command works in a shell without DITTO_API_KEY; `stop NAME`,
 * `restart NAME` and `restart-worker` act on one process; worker log lines carry Connect's
 * [connector|task-n] context.
 */
class QuickstartFaultControlsIT {

  private static final String SOURCE = ConnectorConfigs.SOURCE_NAME;

  @Test
  void oneProcessAtATimeWithDataKeptAndTheKeyOffTheCommandLine() throws Exception {
    Path script = ProjectFiles.root().resolve("scripts/quickstart.sh");
    Path work =
        Path.of("target", "e2e", "quickstart-faults-" + System.currentTimeMillis())
            .toAbsolutePath();
    int connectPort = FreePorts.next();
    int dittoPort = FreePorts.next();
    String key = "qs-key-" + System.nanoTime();
    Map<String, String> env = new HashMap<>();
    env.put("QUICKSTART_DIR", work.toString());
    env.put("KAFKA_PORT", Integer.toString(FreePorts.next()));
    env.put("CONTROLLER_PORT", Integer.toString(FreePorts.next()));
    env.put("CONNECT_PORT", Integer.toString(connectPort));
    env.put("MONGO_PORT", Integer.toString(FreePorts.next()));
    env.put("DITTO_PORT", Integer.toString(dittoPort));
    env.put("DITTO_API_KEY", key);
    // a previous run's leftovers
    Files.createDirectories(work);
    Files.writeString(work.resolve("left-over"), "x");
    try {
      Result start = run(env, script.toString(), "start", "--no-build");
      assertEquals(0, start.exitCode(), start.output());
      assertTrue(
          start.output().contains("deleting the previous run's " + work)
              && start.output().contains("broker's data"),
          start.output());
      assertFalse(Files.exists(work.resolve("left-over")), "the work dir was wiped");
      assertFalse(start.output().contains("SNAPSHOT's jars"), start.output());

      // the key: in the environment and a file only the user reads, on no command line
      for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
        String cmd = p.info().commandLine().orElse("");
        assertFalse(cmd.contains(key), () -> "the key is on the command line of " + cmd);
      }
      Path keyFile = work.resolve("ditto-api-key");
      assertEquals(key, Files.readString(keyFile));
      assertEquals(
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(keyFile));

      // the printed read-back command, run as printed in a shell that has no DITTO_API_KEY
      String readBack = readBackCommand(start.output());
      Result read = run(Map.of(), "bash", "-c", readBack);
      assertEquals(0, read.exitCode(), read.output());
      assertTrue(read.output().contains("\"items\""), () -> readBack + "\n" + read.output());

      // the local Ditto's data is in the work dir and survives a restart of that process
      String endpoint = "http://127.0.0.1:" + dittoPort;
      assertEquals(200, ditto(endpoint, key, "INSERT INTO qs_check DOCUMENTS ({'_id': 'kept'})"));
      assertTrue(Files.isDirectory(work.resolve("ditto-data")), "Ditto's data dir");
      Result stopDitto = run(env, script.toString(), "stop", "local-ditto");
      assertEquals(0, stopDitto.exitCode(), stopDitto.output());
      Result down = run(env, script.toString(), "status");
      assertTrue(down.output().contains("local-ditto: stopped"), down.output());
      assertTrue(down.output().contains("connect: running"), down.output());
      Result restartDitto = run(env, script.toString(), "restart", "local-ditto");
      assertEquals(0, restartDitto.exitCode(), restartDitto.output());
      assertTrue(
          dittoBody(endpoint, key, "SELECT * FROM qs_check").contains("\"kept\""),
          "Ditto's document survived its restart");

      // the worker: its log lines carry the connector context; restart-worker brings it back
      ConnectRest rest = new ConnectRest("http://127.0.0.1:" + connectPort);
      rest.putConnectorConfig(SOURCE, ConnectorConfigs.source()).requireStatus(200, 201);
      Path connectLog = work.resolve("logs/connect.log");
      FreePorts.await(
          "a worker log line with [" + SOURCE + "|task-0]",
          Duration.ofSeconds(60),
          () -> read(connectLog).contains("[" + SOURCE + "|task-0] "),
          () -> {});
      long before = pid(work, "connect");
      Result restartWorker = run(env, script.toString(), "restart-worker");
      assertEquals(0, restartWorker.exitCode(), restartWorker.output());
      long after = pid(work, "connect");
      assertNotEquals(before, after, "a new worker process");
      assertFalse(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false));
      FreePorts.await(
          "the source running again after restart-worker",
          Duration.ofSeconds(90),
          () -> rest.allIn(SOURCE, "RUNNING"),
          () -> {});
    } finally {
      List<Long> pids = pids(work.resolve("pids"));
      Result stop = run(env, script.toString(), "stop");
      assertEquals(0, stop.exitCode(), stop.output());
      for (long pid : pids) {
        assertFalse(
            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
            "pid " + pid + " still alive");
      }
    }
  }

  /** The printed `curl ... store/execute` command: the line with the key and its continuation. */
  static String readBackCommand(String output) {
    Matcher m =
        Pattern.compile("(?m)^ *(curl -sS -H \"Authorization: Bearer .*\\\\\\n.*store/execute) *$")
            .matcher(output);
    assertTrue(m.find(), () -> "no read-back command in:\n" + output);
    return m.group(1);
  }

  private static int ditto(String endpoint, String key, String statement) throws Exception {
    return send(endpoint, key, statement).statusCode();
  }

  private static String dittoBody(String endpoint, String key, String statement) throws Exception {
    return send(endpoint, key, statement).body();
  }

  private static HttpResponse<String> send(String endpoint, String key, String statement)
      throws Exception {
    String body = "{\"statement\": \"" + statement.replace("\"", "\\\"") + "\"}";
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(endpoint + "/api/v5/store/execute"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static long pid(Path work, String name) throws IOException {
    for (String line : Files.readAllLines(work.resolve("pids"))) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].equals(name)) {
        return Long.parseLong(parts[1]);
      }
    }
    throw new AssertionError("no pid recorded for " + name);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true);
    pb.environment().remove("DITTO_API_KEY");
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static List<Long> pids(Path file) throws IOException {
    List<Long> pids = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 2) {
          pids.add(Long.parseLong(parts[1]));
        }
      }
    }
    return pids;
  }
}
