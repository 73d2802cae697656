package io.mongoditto.localditto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A local Ditto: the real Ditto engine ({@code @dittolive/ditto}) behind Ditto's cloud HTTP API
 * ({@code POST {endpoint}/api/v5/store/execute}, and {@code /api/v4/...}), in a Node.js child
 * process. For tests, demos and laptops; production code never uses it. With {@link
 * Options#withCdc} it also feeds Ditto's Change Data Capture events to a Kafka topic.
 *
 * <pre>{@code
 * try (LocalDitto ditto = LocalDitto.start()) {
 *   String url = ditto.endpoint() + "/api/v5/store/execute"; // Bearer ditto.apiKey()
 * }
 * }</pre>
 */
public final class LocalDitto implements AutoCloseable {

  private static final String READY = "LOCAL_DITTO_READY ";
  private static final long START_TIMEOUT_SECONDS = 120;

  /**
   * How to start it.
   *
   * @param port the port to listen on, 0 for a free one
   * @param apiKey the key clients must present as {@code Authorization: Bearer}; null generates one
   * @param dataDir where the store lives (kept on close); null for a temp dir deleted on close
   * @param cdc the Change Data Capture feed to Kafka; null (the default) for none
   */
  public record Options(int port, String apiKey, Path dataDir, CdcOptions cdc) {
    public Options(int port, String apiKey, Path dataDir) {
      this(port, apiKey, dataDir, null);
    }

    public static Options defaults() {
      return new Options(0, null, null);
    }

    public Options withPort(int newPort) {
      return new Options(newPort, apiKey, dataDir, cdc);
    }

    public Options withApiKey(String newKey) {
      return new Options(port, newKey, dataDir, cdc);
    }

    public Options withDataDir(Path newDir) {
      return new Options(port, apiKey, newDir, cdc);
    }

    public Options withCdc(CdcOptions newCdc) {
      return new Options(port, apiKey, dataDir, newCdc);
    }
  }

  private final Process process;
  private final String endpoint;
  private final int port;
  private final String apiKey;
  private final Path ownedDataDir;
  private final Path logFile;
  private final CdcFeed cdc;

  private LocalDitto(
      Process process, int port, String apiKey, Path ownedDataDir, Path logFile, CdcFeed cdc) {
    this.process = process;
    this.cdc = cdc;
    this.port = port;
    this.endpoint = "http://127.0.0.1:" + port;
    this.apiKey = apiKey;
    this.ownedDataDir = ownedDataDir;
    this.logFile = logFile;
  }

  /** Starts on a free port with a generated API key and a temporary store. */
  public static LocalDitto start() {
    return start(Options.defaults());
  }

  public static LocalDitto start(Options options) {
    Path nodeDir = NodeServerFiles.prepare();
    String key = options.apiKey() != null ? options.apiKey() : generateKey();
    Path ownedDir = null;
    Process process = null;
    CdcFeed cdc = null;
    try {
      Path dataDir = options.dataDir();
      if (dataDir == null) {
        ownedDir = Files.createTempDirectory("local-ditto-");
        dataDir = ownedDir;
      }
      Files.createDirectories(dataDir);
      // The engine's native layer writes to stderr whatever the log level: keep it out of test
      // output.
      Path log = dataDir.resolve("local-ditto.log");
      List<String> command =
          new ArrayList<>(
              List.of(
                  System.getProperty("localditto.node", "node"),
                  nodeDir.resolve("server.js").toString(),
                  "--port",
                  Integer.toString(options.port()),
                  "--data-dir",
                  dataDir.toAbsolutePath().toString()));
      if (options.cdc() != null) {
        command.addAll(options.cdc().serverArguments());
        cdc = CdcFeed.start(options.cdc(), dataDir);
      }
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(nodeDir.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // The key travels in the environment, not on a command line others can read with ps.
      pb.environment().put("LOCAL_DITTO_API_KEY", key);
      pb.environment().put("LOCAL_DITTO_EXIT_ON_STDIN_EOF", "1");
      process = pb.start();
      int port = awaitReady(process, log);
      return new LocalDitto(process, port, key, ownedDir, log, cdc);
    } catch (IOException e) {
      destroy(process);
      closeCdc(cdc);
      deleteRecursively(ownedDir);
      throw new UncheckedIOException("cannot start the local Ditto (is Node.js 20 on PATH?)", e);
    } catch (RuntimeException e) {
      destroy(process);
      closeCdc(cdc);
      deleteRecursively(ownedDir);
      throw e;
    }
  }

  private static void closeCdc(CdcFeed cdc) {
    if (cdc != null) {
      cdc.close();
    }
  }

  private static int awaitReady(Process process, Path log) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.startsWith(READY)) {
                    JsonNode json = new ObjectMapper().readTree(line.substring(READY.length()));
                    ready.complete(json.get("port").asInt());
                  }
                }
                ready.completeExceptionally(new IllegalStateException("the local Ditto exited"));
              } catch (IOException | RuntimeException e) {
                ready.completeExceptionally(e);
              }
            },
            "local-ditto-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      return ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "the local Ditto did not start; its log " + log + ":\n" + tail(log), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the local Ditto", e);
    }
  }

  /** Base URL, like a portal's "Cloud URL Endpoint": append {@code /api/v5/store/execute}. */
  public String endpoint() {
    return endpoint;
  }

  public int port() {
    return port;
  }

  public String apiKey() {
    return apiKey;
  }

  /** The file the engine's stderr goes to. */
  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The Kafka the CDC feed produces to (the in-process broker's address when it started one). */
  public String cdcBootstrapServers() {
    return requireCdc().bootstrapServers();
  }

  /** The topic of the CDC feed. */
  public String cdcTopic() {
    return requireCdc().topic();
  }

  private CdcFeed requireCdc() {
    if (cdc == null) {
      throw new IllegalStateException("the CDC feed is off: start with Options.withCdc(...)");
    }
    return cdc;
  }

  @Override
  public void close() {
    destroy(process);
    // after the server: it writes no more events, and the bridge produces the rest
    closeCdc(cdc);
    deleteRecursively(ownedDataDir);
  }

  private static void destroy(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String generateKey() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }
}
