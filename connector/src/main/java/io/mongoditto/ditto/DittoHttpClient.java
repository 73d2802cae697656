package io.mongoditto.ditto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes DQL statements through Ditto's cloud HTTP API ({@code POST
 * {endpoint}/api/v5/store/execute}, {@code Authorization: Bearer <key>}), classifying failures: 400
 * = {@link DittoException.BadRequest}, 401/403 = {@link DittoException.AuthFailure},
 * 408/429/5xx/I-O/timeouts = retried per {@link RetryPolicy} then {@link
 * DittoException.RetriesExhausted}. Thread-safe.
 */
public final class DittoHttpClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DittoHttpClient.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
  private static final int MAX_ERROR_TEXT = 2000;

  /** Waits between attempts; replaceable in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * @param endpoint base URL (the portal's Cloud URL Endpoint)
   * @param apiKey the API key sent as a Bearer token
   * @param apiVersion v5 or v4
   * @param requestTimeout time for one HTTP request
   * @param retry backoff and retry deadline
   * @param allowInsecureHttp allow plain http:// to non-loopback hosts
   */
  public record Settings(
      String endpoint,
      String apiKey,
      ApiVersion apiVersion,
      Duration requestTimeout,
      RetryPolicy retry,
      boolean allowInsecureHttp) {
    public Settings {
      Objects.requireNonNull(apiKey, "apiKey");
      Objects.requireNonNull(apiVersion, "apiVersion");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String toString() {
      return "Settings[endpoint="
          + endpoint
          + ", apiVersion="
          + apiVersion
          + ", requestTimeout="
          + requestTimeout
          + ", retry="
          + retry
          + ", allowInsecureHttp="
          + allowInsecureHttp
          + "]";
    }
  }

  /** Told about each HTTP attempt of a statement, for metrics. Called on the executing thread. */
  public interface RequestObserver {
    RequestObserver NONE = new RequestObserver() {};

    /** One HTTP request of {@code bytes} request body is about to be sent (first try or retry). */
    default void sending(int bytes) {}

    /** A transient failure is going to be retried after a backoff. */
    default void retrying() {}
  }

  private final HttpClient http;
  private final URI executeUri;
  private final Settings settings;
  private final Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final java.util.concurrent.CountDownLatch closedLatch =
      new java.util.concurrent.CountDownLatch(1);
  private volatile boolean closed;

  public DittoHttpClient(Settings settings) {
    this(settings, null, System::nanoTime);
  }

  public DittoHttpClient(Settings settings, Sleeper sleeper, LongSupplier nanoClock) {
    this.settings = settings;
    this.executeUri =
        EndpointPolicy.executeUri(
            EndpointPolicy.check(settings.endpoint(), settings.allowInsecureHttp()),
            settings.apiVersion());
    // The default wait ends early when the client is closed, so a stopping task is not held up.
    this.sleeper =
        sleeper != null
            ? sleeper
            : d -> closedLatch.await(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    this.nanoClock = nanoClock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.requestTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public URI executeUri() {
    return executeUri;
  }

  /** Executes one statement, retrying transient failures up to the policy's deadline. */
  public DittoResponse execute(String statement, Map<String, Object> args) {
    return execute(statement, args, RequestObserver.NONE);
  }

  /** As {@link #execute(String, Map)}, telling {@code observer} about each attempt and retry. */
  public DittoResponse execute(
      String statement, Map<String, Object> args, RequestObserver observer) {
    byte[] body;
    try {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("statement", statement);
      request.put("args", args == null ? Map.of() : args);
      body = JSON.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new DittoException.BadRequest(
          "cannot encode the arguments as JSON: " + e.getOriginalMessage(),
          0,
          e.getOriginalMessage());
    }
    long deadline = nanoClock.getAsLong() + settings.retry().maxDuration().toNanos();
    int attempt = 0;
    while (true) {
      if (closed) {
        throw new DittoException("the Ditto client was closed", 0, null);
      }
      observer.sending(body.length);
      Attempt result = attemptOnce(statement, body);
      if (result.response != null) {
        return result.response;
      }
      Duration wait = settings.retry().backoff(attempt, result.retryAfter);
      long remaining = deadline - nanoClock.getAsLong();
      attempt++;
      if (wait.toNanos() > remaining) {
        throw new DittoException.RetriesExhausted(
            "Ditto stayed unavailable for "
                + settings.retry().maxDuration()
                + " ("
                + attempt
                + " attempts); last error: "
                + result.failure,
            result.status,
            attempt,
            result.cause);
      }
      LOG.warn(
          "Ditto request failed ({}), retry {} in {} ms", result.failure, attempt, wait.toMillis());
      observer.retrying();
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DittoException(
            "interrupted while waiting to retry: " + result.failure, result.status, e);
      }
    }
  }

  /** A transient failure (fields set) or a response. */
  private record Attempt(
      DittoResponse response, int status, String failure, Duration retryAfter, Throwable cause) {}

  private Attempt attemptOnce(String statement, byte[] body) {
    HttpRequest request =
        HttpRequest.newBuilder(executeUri)
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + settings.apiKey())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // includes HttpTimeoutException and connections dropped or refused
      return new Attempt(null, 0, e.getClass().getSimpleName() + ": " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DittoException("interrupted during a Ditto request", 0, e);
    }
    int status = response.statusCode();
    if (status == 200) {
      try {
        return new Attempt(parse(response.body()), status, null, null, null);
      } catch (IOException e) {
        return new Attempt(null, status, "unreadable 200 response: " + e.getMessage(), null, e);
      }
    }
    String dittoError = errorText(response.body());
    if (status == 408 || status == 429 || status >= 500) {
      return new Attempt(
          null,
          status,
          "HTTP " + status + ": " + dittoError,
          retryAfter(response.headers().firstValue("Retry-After").orElse(null)),
          null);
    }
    if (status == 400 || status == 413) {
      throw new DittoException.BadRequest(
          "Ditto rejected the statement (HTTP " + status + "): " + dittoError, status, dittoError);
    }
    if (status == 401 || status == 403) {
      String what =
          status == 401
              ? "Ditto did not accept the API key (HTTP 401): check that it is the app's key and not revoked"
              : "the API key lacks a permission (HTTP 403)";
      throw new DittoException.AuthFailure(
          what
              + "; the sink's key needs read and write permission on every"
              + " target collection (statement: "
              + abbreviate(statement, 120)
              + "). Ditto said: "
              + dittoError,
          status);
    }
    throw new DittoException(
        "unexpected HTTP "
            + status
            + " from "
            + executeUri
            + " (is the endpoint the portal's Cloud URL Endpoint?): "
            + dittoError,
        status,
        null);
  }

  @SuppressWarnings("unchecked")
  private static DittoResponse parse(String body) throws IOException {
    JsonNode root = JSON.readTree(body);
    List<Map<String, Object>> items = new ArrayList<>();
    for (JsonNode item : root.path("items")) {
      items.add(JSON.convertValue(item, Map.class));
    }
    List<Object> mutated = new ArrayList<>();
    for (JsonNode id : root.path("mutatedDocumentIds")) {
      // A string id (the common case) directly: convertValue per id was a tenth of the sink
      // thread's time.
      mutated.add(id.isTextual() ? id.textValue() : JSON.convertValue(id, Object.class));
    }
    List<String> warnings = new ArrayList<>();
    for (JsonNode w : root.path("warnings")) {
      warnings.add(w.isTextual() ? w.asText() : w.toString());
    }
    long txn = root.path("transactionId").isNumber() ? root.path("transactionId").asLong() : -1;
    return new DittoResponse(
        txn, root.path("queryType").asText("unknown"), items, mutated, warnings);
  }

  /** Ditto's {@code error.description}, else the raw body (abbreviated). */
  static String errorText(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    try {
      JsonNode description = JSON.readTree(body).path("error").path("description");
      if (description.isTextual()) {
        return description.asText();
      }
    } catch (IOException e) {
      // not JSON: a proxy's or load balancer's page
    }
    return abbreviate(body, MAX_ERROR_TEXT);
  }

  /** Seconds or an HTTP date; null if absent or unreadable. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      try {
        Instant at =
            ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(Instant.now(), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** Stops retry loops; in-flight requests finish or time out. */
  @Override
  public void close() {
    closed = true;
    closedLatch.countDown();
  }
}
