package io.mongoditto.mongosink;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault for tests: a proxy in front of a Ditto endpoint that answers 503 to every {@code UPDATE}
 * statement while {@link #refuse} is set and forwards everything else, so the MongoDB sink's writes
 * back to Ditto fail while its reads of Ditto go through; it counts the reads ({@code SELECT}).
 */
final class UpdateRefusingDitto implements AutoCloseable {

  private static final List<String> HEADERS =
      List.of("Authorization", "Content-Type", "X-DITTO-TXN-ID");

  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  volatile boolean refuse;
  volatile int refused;
  final AtomicInteger reads = new AtomicInteger();

  UpdateRefusingDitto(String target) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (new String(body, StandardCharsets.UTF_8).contains("\"SELECT ")) {
              reads.incrementAndGet();
            }
            if (refuse && new String(body, StandardCharsets.UTF_8).contains("\"UPDATE ")) {
              refused++;
              exchange.sendResponseHeaders(503, -1);
              return;
            }
            HttpRequest.Builder forward =
                HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : HEADERS) {
              String v = exchange.getRequestHeaders().getFirst(h);
              if (v != null) {
                forward.header(h, v);
              }
            }
            HttpResponse<byte[]> r =
                http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(
                r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(r.body());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
