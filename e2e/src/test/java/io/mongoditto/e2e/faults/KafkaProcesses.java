package io.mongoditto.e2e.faults;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A Kafka broker and any number of connect-distributed workers as child JVMs on the jars the e2e
 * pom copies to target/kafka-lib, the plugin zip unpacked into plugin.path. Unlike the pipeline
 * suite's topology (package-private there), a worker here can be killed with SIGKILL and a second
 * one added, which is what the fault suite needs.
 */
final class KafkaProcesses implements AutoCloseable {

  /** One child JVM and its log file. */
  record Child(String name, Process process, Path log) {
    void kill() {
      process.destroyForcibly();
      waitFor(process, 15);
    }

    void stop() {
      process.destroy();
      if (!waitFor(process, 30)) {
        kill();
      }
    }
  }

  /** A worker: its process and REST port. */
  record Worker(Child child, int restPort) {
    String restUrl() {
      return "http://127.0.0.1:" + restPort + "/";
    }
  }

  private final Path workDir;
  private final Path libDir;
  private final Path pluginPath;
  private final Map<String, String> workerEnv;
  private final List<Child> all = new ArrayList<>();
  private final String bootstrap;
  private Child broker;
  private int workerCount;

  private KafkaProcesses(Path workDir, Map<String, String> workerEnv) {
    this.workDir = workDir;
    this.libDir = Path.of(System.getProperty("kafka.lib.dir", "target/kafka-lib")).toAbsolutePath();
    this.pluginPath = workDir.resolve("plugins");
    this.workerEnv = Map.copyOf(workerEnv);
    this.bootstrap = "localhost:" + freePort();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> all.forEach(c -> c.process().destroyForcibly())));
  }

  /** Formats and starts a single-node KRaft broker and unpacks the plugin. */
  static KafkaProcesses startBroker(Path workDir, Map<String, String> workerEnv) {
    KafkaProcesses k = new KafkaProcesses(workDir, workerEnv);
    k.unpackPlugin();
    int port = Integer.parseInt(k.bootstrap.substring(k.bootstrap.indexOf(':') + 1));
    int controller = freePort();
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", "localhost:" + controller);
    p.setProperty(
        "listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controller);
    p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", workDir.resolve("kafka-data").toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
    // the over-5-MiB poison document's raw event goes to the errors topic
    p.setProperty("message.max.bytes", "16777216");
    Path config = workDir.resolve("server.properties");
    write(config, p);
    byte[] id =
        ByteBuffer.allocate(16)
            .putLong(UUID.randomUUID().getMostSignificantBits())
            .putLong(UUID.randomUUID().getLeastSignificantBits())
            .array();
    Child format =
        k.java(
            "kafka-format",
            "128m",
            Map.of(),
            "kafka.tools.StorageTool",
            "format",
            // one argument: a random id may start with '-', which the tool would read as an option
            "--cluster-id=" + Base64.getUrlEncoder().withoutPadding().encodeToString(id),
            "-c",
            config.toString(),
            "--standalone",
            "--ignore-formatted");
    if (!waitFor(format.process(), 120) || format.process().exitValue() != 0) {
      throw new IllegalStateException("kafka storage format failed, see " + format.log());
    }
    k.broker = k.java("kafka", "256m", Map.of(), "kafka.Kafka", config.toString());
    await("broker on " + k.bootstrap, 60, () -> listening(port), k.broker);
    return k;
  }

  /** Starts one more worker of the group; returns once its REST API lists connectors. */
  Worker startWorker() {
    int restPort = freePort();
    Properties p = new Properties();
    try (Reader r =
        Files.newBufferedReader(projectRoot().resolve("connect-distributed.properties"))) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    p.setProperty("bootstrap.servers", bootstrap);
    p.setProperty("listeners", "http://127.0.0.1:" + restPort);
    p.setProperty("rest.advertised.host.name", "127.0.0.1");
    p.setProperty("plugin.path", pluginPath.toString());
    // Test-only timings, so a killed worker's tasks move within seconds instead of minutes:
    // Connect holds a vanished worker's tasks for scheduled.rebalance.max.delay.ms (5 min by
    // default), and a dead sink consumer keeps its partitions until its session times out.
    p.setProperty("scheduled.rebalance.max.delay.ms", "5000");
    p.setProperty("session.timeout.ms", "8000");
    p.setProperty("heartbeat.interval.ms", "2000");
    p.setProperty("consumer.session.timeout.ms", "8000");
    p.setProperty("consumer.heartbeat.interval.ms", "2000");
    p.setProperty("offset.flush.interval.ms", "2000");
    // the poison document over 5 MiB: its raw change event goes to the errors topic whole
    p.setProperty("producer.max.request.size", "16777216");
    String name = "connect-" + (++workerCount);
    Path config = workDir.resolve(name + ".properties");
    write(config, p);
    Child child =
        java(
            name,
            "320m",
            workerEnv,
            "org.apache.kafka.connect.cli.ConnectDistributed",
            config.toString());
    Worker worker = new Worker(child, restPort);
    ConnectClient rest = new ConnectClient(worker.restUrl());
    await(name + " REST API", 120, () -> rest.get("connectors").status() == 200, child);
    return worker;
  }

  String bootstrapServers() {
    return bootstrap;
  }

  Path workDir() {
    return workDir;
  }

  /** Every log file written so far (broker, workers), for the secret scan. */
  List<Path> logs() {
    synchronized (all) {
      return all.stream().map(Child::log).distinct().toList();
    }
  }

  private Child java(
      String name, String heap, Map<String, String> env, String main, String... args) {
    Path logConfig = workDir.resolve("log4j2.properties");
    try {
      if (!Files.exists(logConfig)) {
        Files.writeString(
            logConfig,
            String.join(
                "\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = WARN",
                "rootLogger.appenderRef.out.ref = out",
                "logger.worker.name = org.apache.kafka.connect.runtime",
                "logger.worker.level = INFO",
                "logger.ours.name = io.mongoditto",
                "logger.ours.level = INFO",
                // each MongoDB sink batch's decision per document: how a lost change went
                "logger.decisions.name = io.mongoditto.mongosink.decisions",
                "logger.decisions.level = DEBUG",
                "logger.driver.name = org.mongodb.driver",
                "logger.driver.level = INFO",
                ""),
            StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + logConfig,
                "-cp",
                libDir + "/*",
                main));
    cmd.addAll(List.of(args));
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    try {
      Child c = new Child(name, pb.start(), log);
      synchronized (all) {
        all.add(c);
      }
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private void unpackPlugin() {
    Path zip = Path.of(System.getProperty("plugin.zip", ""));
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException(
          "no plugin zip at " + zip + " (mvn -pl e2e -am verify builds it)");
    }
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      Files.createDirectories(pluginPath);
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        Path target = pluginPath.resolve(e.getName()).normalize();
        if (!target.startsWith(pluginPath)) {
          throw new IllegalStateException("zip entry outside plugin.path: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.write(target, in.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path projectRoot() {
    String configured = System.getProperty("project.root");
    Path root =
        configured != null
            ? Path.of(configured).toAbsolutePath().normalize()
            : Path.of("..").toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("connect-distributed.properties"))) {
      root = Path.of("").toAbsolutePath().getParent();
    }
    return root;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void await(String what, int seconds, BooleanSupplier ready, Child child) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!child.process().isAlive()) {
        throw new IllegalStateException(child.name() + " exited; log " + child.log());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      Pause.millis(250);
    }
    throw new IllegalStateException(what + " not ready in " + seconds + " s; log " + child.log());
  }

  static boolean waitFor(Process p, int seconds) {
    try {
      return p.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void write(Path file, Properties p) {
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "fault suite");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    List<Child> children;
    synchronized (all) {
      children = new ArrayList<>(all);
    }
    for (Child c : children) {
      if (c != broker && c.process().isAlive()) {
        c.stop();
      }
    }
    if (broker != null) {
      broker.stop();
    }
  }
}
