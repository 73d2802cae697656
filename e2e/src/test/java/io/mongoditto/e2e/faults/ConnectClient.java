package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Connect worker's REST API. Every response body is kept ({@link #bodies()}) so the suite can
 * scan them for secrets.
 */
final class ConnectClient {

  record Response(int status, String text, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> BODIES = new CopyOnWriteArrayList<>();

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ConnectClient(String base) {
    this.base = base.endsWith("/") ? base : base + "/";
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Response put(String path, Object json) {
    try {
      return send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", "application/json")
              .PUT(
                  json == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(json))));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A POST without a body (e.g. {@code connectors/<name>/tasks/0/restart}). */
  Response post(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** The connector's and its tasks' states, e.g. "RUNNING/RUNNING,RUNNING"; "" when unknown. */
  String states(String connector) {
    Response r = get("connectors/" + connector + "/status");
    if (r.status() != 200 || r.body() == null) {
      return "";
    }
    StringBuilder sb =
        new StringBuilder(r.body().path("connector").path("state").asText()).append('/');
    r.body().path("tasks").forEach(t -> sb.append(t.path("state").asText()).append(','));
    return sb.toString();
  }

  /** True when the connector and all its (at least one) tasks run. */
  boolean running(String connector) {
    String s = states(connector);
    return s.startsWith("RUNNING/RUNNING")
        && !s.contains("FAILED")
        && !s.contains("UNASSIGNED")
        && !s.contains("PAUSED");
  }

  /** Every response body received through any client in this JVM. */
  static List<String> bodies() {
    return List.copyOf(BODIES);
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
      String text = r.body() == null ? "" : r.body();
      BODIES.add(text);
      JsonNode body = null;
      try {
        body = text.isBlank() ? null : JSON.readTree(text);
      } catch (IOException notJson) {
        // an HTML error page while the worker starts: keep the text only
      }
      return new Response(r.statusCode(), text, body);
    } catch (IOException e) {
      return new Response(-1, e.toString(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
