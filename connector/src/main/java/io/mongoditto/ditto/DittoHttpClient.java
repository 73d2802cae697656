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
 * 408/429/5xx/I-O/timeouts = retried per {@link RetryPolicy} until a deadline, then {@link
 * DittoException.RetriesExhausted}.
 *
 * <p>Reads ({@link #read}) carry {@code X-DITTO-TXN-ID} with the highest transaction id this client
 * has seen in Ditto's answers, so a read on Ditto's cloud sees this client's own earlier writes
 * even when another server node answers it; a 404 to such a read means that node has not reached
 * the transaction yet, and is retried. Thread-safe.
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
          + EndpointPolicy.redact(endpoint)
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

    /** What the requests are for (for example {@code collection orders}), named in warnings. */
    default String subject() {
      return null;
    }
  }

  /** The request header naming the transaction a read must see (read-your-writes). */
  public static final String TXN_HEADER = "X-DITTO-TXN-ID";

  private final HttpClient http;
  private final URI executeUri;
  private final Settings settings;
  private final String label;
  private final java.util.concurrent.atomic.AtomicLong highestTransactionId =
      new java.util.concurrent.atomic.AtomicLong(-1);
  private final Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final java.util.concurrent.CountDownLatch closedLatch =
      new java.util.concurrent.CountDownLatch(1);
  private volatile boolean closed;

  public DittoHttpClient(Settings settings) {
    this(settings, null, System::nanoTime);
  }

  /**
   * @param label who uses the client (connector and task), named in retry warnings
   */
  public DittoHttpClient(Settings settings, String label) {
    this(settings, label, null, System::nanoTime);
  }

  public DittoHttpClient(Settings settings, Sleeper sleeper, LongSupplier nanoClock) {
    this(settings, null, sleeper, nanoClock);
  }

  public DittoHttpClient(Settings settings, String label, Sleeper sleeper, LongSupplier nanoClock) {
    this.settings = settings;
    this.label = label;
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

  public Settings settings() {
    return settings;
  }

  /** The highest transaction id Ditto has answered this client with, or -1 before any answer. */
  public long highestTransactionId() {
    return highestTransactionId.get();
  }

  /** The deadline of a call that starts now and retries for the policy's whole window. */
  public long deadline() {
    return deadlineAfter(settings.retry().maxDuration());
  }

  /**
   * A deadline {@code window} from now on this client's clock ({@link Duration#ZERO}: no retry).
   */
  public long deadlineAfter(Duration window) {
    return nanoClock.getAsLong() + window.toNanos();
  }

  /** Whether {@code deadlineNanos} (from {@link #deadlineAfter}) has passed. */
  public boolean passed(long deadlineNanos) {
    return deadlineNanos - nanoClock.getAsLong() <= 0;
  }

  /** Executes one statement, retrying transient failures up to the policy's deadline. */
  public DittoResponse execute(String statement, Map<String, Object> args) {
    return execute(statement, args, RequestObserver.NONE);
  }

  /** As {@link #execute(String, Map)}, telling {@code observer} about each attempt and retry. */
  public DittoResponse execute(
      String statement, Map<String, Object> args, RequestObserver observer) {
    return execute(statement, args, observer, deadline());
  }

  /**
   * Executes one statement, retrying transient failures while the next attempt can start before
   * {@code deadlineNanos} (on this client's clock, as {@link #deadline()}).
   */
  public DittoResponse execute(
      String statement, Map<String, Object> args, RequestObserver observer, long deadlineNanos) {
    return call(statement, args, observer, deadlineNanos, false);
  }

  /**
   * A read that must see every write this client made before: sent with {@value #TXN_HEADER} (the
   * highest transaction id seen so far), otherwise as {@link #execute(String, Map, RequestObserver,
   * long)}.
   */
  public DittoResponse read(
      String statement, Map<String, Object> args, RequestObserver observer, long deadlineNanos) {
    return call(statement, args, observer, deadlineNanos, true);
  }

  private DittoResponse call(
      String statement,
      Map<String, Object> args,
      RequestObserver observer,
      long deadlineNanos,
      boolean readOwnWrites) {
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
    long started = nanoClock.getAsLong();
    int attempt = 0;
    while (true) {
      if (closed) {
        throw new DittoException("the Ditto client was closed", 0, null);
      }
      observer.sending(body.length);
      long txn = readOwnWrites ? highestTransactionId.get() : -1;
      Attempt result = attemptOnce(statement, body, txn);
      if (result.response != null) {
        highestTransactionId.accumulateAndGet(result.response.transactionId(), Math::max);
        return result.response;
      }
      Duration wait = settings.retry().backoff(attempt, result.retryAfter);
      long remaining = deadlineNanos - nanoClock.getAsLong();
      attempt++;
      if (wait.toNanos() > remaining) {
        throw new DittoException.RetriesExhausted(
            "Ditto at "
                + executeUri
                + " stayed unavailable for "
                + Duration.ofNanos(Math.max(0, nanoClock.getAsLong() - started)).toMillis()
                + " ms ("
                + attempt
                + (attempt == 1 ? " attempt" : " attempts")
                + (observer.subject() == null ? "" : ", " + observer.subject())
                + "); last error: "
                + result.failure,
            result.status,
            attempt,
            result.cause);
      }
      LOG.warn(
          "Ditto request to {} failed ({}){}{}, retry {} in {} ms",
          executeUri,
          result.failure,
          observer.subject() == null ? "" : " for " + observer.subject(),
          label == null ? "" : " (" + label + ")",
          attempt,
          wait.toMillis());
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

  private Attempt attemptOnce(String statement, byte[] body, long txn) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(executeUri)
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + settings.apiKey())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (txn >= 0) {
      builder.header(TXN_HEADER, Long.toString(txn));
    }
    HttpResponse<String> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // includes HttpTimeoutException and connections dropped or refused
      return new Attempt(null, 0, describe(e), null, e);
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
    if (status == 404 && txn >= 0) {
      // The server node that answered has not reached the transaction yet (read-your-writes).
      return new Attempt(
          null,
          status,
          "HTTP 404: Ditto has not reached transaction " + txn + " yet: " + dittoError,
          null,
          null);
    }
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

  /**
   * An I/O failure in words: its type and the first message along its causes (the JDK's
   * ConnectException often has none itself).
   */
  static String describe(Throwable e) {
    String text = e.getClass().getSimpleName();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t == e
            ? text + ": " + t.getMessage()
            : text + ": " + t.getClass().getSimpleName() + ": " + t.getMessage();
      }
    }
    if (e instanceof java.net.ConnectException) {
      return text + ": connection refused or reset";
    }
    return text;
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
