package io.mongoditto.localditto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP proxy in front of a (local) Ditto that injects the faults a real Ditto and network show:
 * error statuses with {@code Retry-After}, slow or hung responses, dropped connections, and a 400
 * for requests carrying a chosen marker (to make one document "invalid"). Without a fault it
 * forwards every request unchanged.
 */
public final class FaultProxy implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private sealed interface Fault {}

  private record Status(int status, Duration retryAfter) implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private record Hang(CountDownLatch release) implements Fault {}

  private record Drop() implements Fault {}

  private record Reject(String marker, String description) implements Fault {}

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
          });
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String target;
  private final AtomicReference<Fault> fault = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Received> received = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * One request as the proxy received it.
   *
   * @param body the request body (the statement and its arguments, as JSON)
   * @param txnId the {@code X-DITTO-TXN-ID} header, or null
   */
  public record Received(String body, String txnId) {}

  private final AtomicInteger faulted = new AtomicInteger();

  private FaultProxy(String target) throws IOException {
    this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a proxy on a free loopback port forwarding to {@code targetEndpoint} (a base URL). */
  public static FaultProxy start(String targetEndpoint) {
    try {
      return new FaultProxy(targetEndpoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Base URL of the proxy, to use in place of the target's endpoint. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Every request is answered with {@code status} (and {@code Retry-After} if not null) until
   * {@link #clear()}.
   */
  public void respondWith(int status, Duration retryAfter) {
    set(new Status(status, retryAfter));
  }

  /** Every request is forwarded after {@code delay}. */
  public void delay(Duration delay) {
    set(new Delay(delay));
  }

  /** Requests are held without an answer until {@link #clear()} (then forwarded) or close. */
  public void hang() {
    set(new Hang(new CountDownLatch(1)));
  }

  /** Connections are closed without any response. */
  public void dropConnections() {
    set(new Drop());
  }

  /**
   * Requests whose body contains {@code marker} get a 400 in Ditto's error shape; others are
   * forwarded.
   */
  public void rejectContaining(String marker) {
    set(
        new Reject(
            marker, "Invalid document: rejected by the fault proxy (contains " + marker + ")"));
  }

  /** Back to forwarding everything; releases hung requests. */
  public void clear() {
    set(null);
  }

  /** Requests received so far. */
  public int requestCount() {
    return requests.get();
  }

  /** Every request received so far, in arrival order (to check what a client sent). */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Requests answered by a fault (not forwarded unchanged) so far. */
  public int faultedCount() {
    return faulted.get();
  }

  private void set(Fault next) {
    Fault previous = fault.getAndSet(next);
    if (previous instanceof Hang hang) {
      hang.release().countDown();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(
          new Received(
              new String(body, StandardCharsets.UTF_8),
              exchange.getRequestHeaders().getFirst("X-DITTO-TXN-ID")));
      Fault current = fault.get();
      if (current instanceof Status s) {
        faulted.incrementAndGet();
        if (s.retryAfter() != null) {
          exchange
              .getResponseHeaders()
              .add("Retry-After", Long.toString(s.retryAfter().toSeconds()));
        }
        reply(exchange, s.status(), "Injected HTTP " + s.status());
        return;
      }
      if (current instanceof Drop) {
        faulted.incrementAndGet();
        return; // closing the exchange without a response drops the connection
      }
      if (current instanceof Reject r
          && new String(body, StandardCharsets.UTF_8).contains(r.marker())) {
        faulted.incrementAndGet();
        reply(exchange, 400, r.description());
        return;
      }
      if (current instanceof Delay d) {
        faulted.incrementAndGet();
        Thread.sleep(d.delay().toMillis());
      }
      if (current instanceof Hang h) {
        faulted.incrementAndGet();
        h.release().await();
      }
      forward(exchange, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
            .timeout(Duration.ofMinutes(2))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    for (String name : List.of("Authorization", "Content-Type", "X-DITTO-TXN-ID")) {
      String value = exchange.getRequestHeaders().getFirst(name);
      if (value != null) {
        request.header(name, value);
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      reply(exchange, 502, "Fault proxy could not reach " + target + ": " + e);
      return;
    }
    response
        .headers()
        .firstValue("Content-Type")
        .ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
    byte[] out = response.body();
    exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  private static void reply(HttpExchange exchange, int status, String description)
      throws IOException {
    byte[] out =
        JSON.writeValueAsBytes(
            Map.of(
                "transactionId",
                0,
                "queryType",
                "unknown",
                "items",
                List.of(),
                "mutatedDocumentIds",
                List.of(),
                "error",
                Map.of("description", description),
                "warnings",
                List.of(),
                "totalWarningsCount",
                0));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  @Override
  public void close() {
    clear();
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
