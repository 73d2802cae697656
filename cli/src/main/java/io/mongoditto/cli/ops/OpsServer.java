package io.mongoditto.cli.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mongoditto.cli.embedded.EmbeddedSync;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded runner's HTTP endpoint (the JDK's HttpServer, one thread): {@code GET /metrics} in
 * Prometheus text format ({@link PrometheusText}, plus {@code mongoditto_health_state} and {@code
 * mongoditto_health_lag_ms}) and {@code GET /health}, a JSON report answered with 200 when green or
 * yellow and 503 when red, so a load balancer or orchestrator probe can use it as is.
 */
public final class OpsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final EmbeddedSync sync;
  private final HealthMonitor health;
  private boolean closed;

  private OpsServer(HttpServer server, EmbeddedSync sync, HealthMonitor health) {
    this.server = server;
    this.sync = sync;
    this.health = health;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "mongo-ditto-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/metrics", this::metrics);
    server.createContext("/health", this::health);
  }

  /** Listens on {@code host:port} (port 0: a free one). */
  public static OpsServer start(String host, int port, EmbeddedSync sync, HealthMonitor health) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
      OpsServer ops = new OpsServer(server, sync, health);
      server.start();
      return ops;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port} as a person would type it. */
  public String url() {
    String host =
        server.getAddress().getAddress().isAnyLocalAddress()
            ? "localhost"
            : server.getAddress().getAddress().getHostAddress();
    return "http://" + host + ":" + port();
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (!allowGet(exchange)) {
      return;
    }
    HealthMonitor.Report report = health.evaluate();
    List<PrometheusText.Sample> lags = new ArrayList<>();
    report
        .collections()
        .values()
        .forEach(
            c ->
                lags.add(
                    new PrometheusText.Sample(
                        Map.of("collection", c.dittoCollection()), c.lagMillis())));
    String body =
        PrometheusText.render(sync.metrics().registry())
            + PrometheusText.gauge(
                "mongoditto_health_state",
                "Embedded runner health: 0 green, 1 yellow, 2 red",
                List.of(new PrometheusText.Sample(Map.of(), report.state().ordinal())))
            + PrometheusText.gauge(
                "mongoditto_health_lag_ms",
                "How far Ditto is behind MongoDB per collection as /health sees it; -1 before the first change",
                lags)
            + directionGauges(report);
    send(exchange, 200, PrometheusText.CONTENT_TYPE, body);
  }

  /**
   * Per direction ({@code direction="mongo_to_ditto"|"ditto_to_mongo"}): state, lag and the totals
   * the status line shows; the plugin metrics above carry the details.
   */
  static String directionGauges(HealthMonitor.Report report) {
    List<PrometheusText.Sample> state = new ArrayList<>();
    List<PrometheusText.Sample> lag = new ArrayList<>();
    List<PrometheusText.Sample> applied = new ArrayList<>();
    List<PrometheusText.Sample> errors = new ArrayList<>();
    report
        .directions()
        .forEach(
            (name, d) -> {
              Map<String, String> labels = Map.of("direction", name);
              state.add(new PrometheusText.Sample(labels, d.state().ordinal()));
              lag.add(new PrometheusText.Sample(labels, d.lagMillis()));
              applied.add(new PrometheusText.Sample(labels, d.applied()));
              errors.add(new PrometheusText.Sample(labels, d.errors() + d.deadLettered()));
            });
    return PrometheusText.gauge(
            "mongoditto_direction_health_state",
            "Health of each sync direction: 0 green, 1 yellow, 2 red",
            state)
        + PrometheusText.gauge(
            "mongoditto_direction_lag_ms",
            "How far each direction's target is behind its source as /health sees it; -1 before"
                + " the first change",
            lag)
        + PrometheusText.gauge(
            "mongoditto_direction_applied",
            "Changes each direction applied to its target since the start",
            applied)
        + PrometheusText.gauge(
            "mongoditto_direction_errors",
            "Failed writes, hand-backs and dead-lettered records of each direction since the start",
            errors);
  }

  private void health(HttpExchange exchange) throws IOException {
    if (!allowGet(exchange)) {
      return;
    }
    HealthMonitor.Report r = health.evaluate();
    send(exchange, r.state() == HealthMonitor.State.RED ? 503 : 200, "application/json", toJson(r));
  }

  /** The JSON body of {@code /health}. */
  public static String toJson(HealthMonitor.Report r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("state", r.state().label());
    root.put("running", r.running());
    ArrayNode reasons = root.putArray("reasons");
    r.reasons().forEach(reasons::add);
    ObjectNode collections = root.putObject("collections");
    r.collections()
        .forEach(
            (name, c) -> {
              ObjectNode n = collections.putObject(name);
              n.put("state", c.state().label());
              n.put("mongodb_collection", c.mongoCollection());
              n.put("phase", c.phase());
              if (c.lagMillis() < 0) {
                n.putNull("lag_seconds");
              } else {
                n.put("lag_seconds", c.lagMillis() / 1000.0);
              }
              n.put("error_rate", c.errorRate());
              n.put("records", c.records());
              n.put("requests", c.requests());
              n.put("errors", c.errors());
              n.put("dead_lettered", c.deadLettered());
            });
    ObjectNode directions = root.putObject("directions");
    r.directions()
        .forEach(
            (name, d) -> {
              ObjectNode n = directions.putObject(name);
              n.put("state", d.state().label());
              if (d.lagMillis() < 0) {
                n.putNull("lag_seconds");
              } else {
                n.put("lag_seconds", d.lagMillis() / 1000.0);
              }
              n.put("applied", d.applied());
              if (HealthMonitor.DITTO_TO_MONGO.equals(name)) {
                n.put("echoes", d.echoes());
                n.put("conflicts", d.conflicts());
              }
              n.put("error_rate", d.errorRate());
              n.put("errors", d.errors());
              n.put("dead_lettered", d.deadLettered());
            });
    ObjectNode t = root.putObject("thresholds");
    t.put("lag_yellow_seconds", r.thresholds().lagYellow().toMillis() / 1000.0);
    t.put("lag_red_seconds", r.thresholds().lagRed().toMillis() / 1000.0);
    t.put("error_rate_yellow", r.thresholds().errorRateYellow());
    t.put("error_rate_red", r.thresholds().errorRateRed());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean allowGet(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if ("GET".equals(method) || "HEAD".equals(method)) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    send(exchange, 405, "text/plain; charset=utf-8", "GET only\n");
    return false;
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
    }
  }

  /** Stops listening; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }
}
