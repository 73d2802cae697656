package io.mongoditto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * scripts/quickstart.sh itself, in its --kafka-only form (broker and worker; the pipeline through
 * them is QuickstartPipelineIT's): it starts both as separate processes on the ports it is given,
 * the worker loads both connectors from the unpacked zip, and `stop` ends exactly what it started.
 */
class QuickstartScriptIT {

  @Test
  void startsABrokerAndAWorkerThatLoadsThePluginAndStopsThem() throws Exception {
    Path script = ProjectFiles.root().resolve("scripts/quickstart.sh");
    Path work =
        Path.of("target", "e2e", "quickstart-script-" + System.currentTimeMillis())
            .toAbsolutePath();
    int connectPort = FreePorts.next();
    Map<String, String> env =
        Map.of(
            "QUICKSTART_DIR", work.toString(),
            "KAFKA_PORT", Integer.toString(FreePorts.next()),
            "CONTROLLER_PORT", Integer.toString(FreePorts.next()),
            "CONNECT_PORT", Integer.toString(connectPort));
    try {
      Result start = run(env, script.toString(), "start", "--no-build", "--kafka-only");
      assertEquals(0, start.exitCode(), start.output());
      assertTrue(start.output().contains("/connectors/zava-retail-mongo/config"), start.output());

      JsonNode plugins =
          new ConnectRest("http://127.0.0.1:" + connectPort)
              .get("connector-plugins")
              .requireStatus(200)
              .body();
      assertTrue(plugins.toString().contains(ConnectorConfigs.SOURCE_CLASS), plugins.toString());
      assertTrue(plugins.toString().contains(ConnectorConfigs.SINK_CLASS), plugins.toString());

      Result status = run(env, script.toString(), "status");
      assertTrue(status.output().contains("kafka: running"), status.output());
      assertTrue(status.output().contains("connect: running"), status.output());
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

  private record Result(int exitCode, String output) {}

  private static Result run(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
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
