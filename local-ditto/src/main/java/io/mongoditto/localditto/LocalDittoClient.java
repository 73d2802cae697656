package io.mongoditto.localditto;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal client for tests that reads back (or seeds) what a local Ditto holds. Not the product's
 * client: it has no retries and throws on anything but 200.
 */
public final class LocalDittoClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String endpoint;
  private final String apiKey;

  public LocalDittoClient(String endpoint, String apiKey) {
    this.endpoint = endpoint;
    this.apiKey = apiKey;
  }

  public LocalDittoClient(LocalDitto ditto) {
    this(ditto.endpoint(), ditto.apiKey());
  }

  /** Every document of the collection, as parsed JSON maps. */
  public List<Map<String, Object>> select(String collection) {
    return items(execute("SELECT * FROM " + collection, Map.of()));
  }

  /** Documents by {@code _id}, keyed by their {@code _id} (String, Number or Map). */
  public Map<Object, Map<String, Object>> selectById(String collection) {
    Map<Object, Map<String, Object>> byId = new LinkedHashMap<>();
    for (Map<String, Object> doc : select(collection)) {
      byId.put(doc.get("_id"), doc);
    }
    return byId;
  }

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> items(Map<String, Object> response) {
    return (List<Map<String, Object>>) response.get("items");
  }

  /** Runs one statement on the v5 API; returns the parsed response body. */
  public Map<String, Object> execute(String statement, Map<String, Object> args) {
    return execute("v5", statement, args);
  }

  public Map<String, Object> execute(
      String apiVersion, String statement, Map<String, Object> args) {
    try {
      String body = JSON.writeValueAsString(Map.of("statement", statement, "args", args));
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(endpoint + "/api/" + apiVersion + "/store/execute"))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + apiKey)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "HTTP " + response.statusCode() + " for " + statement + ": " + response.body());
      }
      return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
