package io.mongoditto.e2e;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The Connect worker's REST API, as an operator drives it with curl. */
final class ConnectRest {

  /** One HTTP answer: status and parsed JSON body (null when empty). */
  record Response(int status, JsonNode body) {
    Response requireStatus(int... expected) {
      for (int e : expected) {
        if (status == e) {
          return this;
        }
      }
      throw new IllegalStateException("HTTP " + status + ": " + body);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ConnectRest(String baseUrl) {
    this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
  }

  String baseUrl() {
    return base.toString();
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Response put(String path, Object json) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .PUT(
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(write(json))));
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  /** PUT /connectors/{name}/config: creates (201) or updates (200) a connector. */
  Response putConnectorConfig(String name, Map<String, String> config) {
    return put("connectors/" + name + "/config", config).requireStatus(200, 201);
  }

  /** Connector state and task states, e.g. RUNNING, PAUSED, FAILED (with trace). */
  JsonNode status(String name) {
    return get("connectors/" + name + "/status").requireStatus(200).body();
  }

  /** True when the connector and every task report {@code state} and there is at least one task. */
  boolean allIn(String name, String state) {
    Response r = get("connectors/" + name + "/status");
    if (r.status() != 200) {
      return false;
    }
    JsonNode tasks = r.body().path("tasks");
    if (!state.equals(r.body().path("connector").path("state").asText()) || tasks.isEmpty()) {
      return false;
    }
    for (JsonNode task : tasks) {
      if (!state.equals(task.path("state").asText())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Throws with the traces when the connector or a task FAILED: fail fast instead of timing out.
   */
  void requireNotFailed(String name) {
    Response r = get("connectors/" + name + "/status");
    if (r.status() == 200 && r.body().toString().contains("\"FAILED\"")) {
      throw new IllegalStateException(name + " failed: " + r.body().toPrettyString());
    }
  }

  static Map<String, String> readConfig(JsonNode node) {
    return JSON.convertValue(node, new TypeReference<Map<String, String>>() {});
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      String body = r.body();
      return new Response(
          r.statusCode(), body == null || body.isBlank() ? null : JSON.readTree(body));
    } catch (IOException e) {
      return new Response(-1, JSON.getNodeFactory().textNode(e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String write(Object json) {
    try {
      return JSON.writeValueAsString(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
