package io.mongoditto.ditto;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * How to reach Ditto's HTTP API, as connector configuration: the endpoint, API key, API version and
 * the plain-http switch (group {@value #GROUP}), and the request timeout and backoff (group {@value
 * #GROUP_RETRIES}). Every connector that talks to Ditto defines these keys with {@link #define} and
 * reads them into one immutable {@link DittoHttpClient.Settings} with {@link #settings}, so they
 * mean the same everywhere.
 */
public final class DittoConnectionConfig {

  public static final String ENDPOINT = "ditto.endpoint";
  public static final String API_KEY = "ditto.api.key";
  public static final String API_VERSION = "ditto.api.version";
  public static final String ALLOW_INSECURE_HTTP = "ditto.allow.insecure.http";
  public static final String REQUEST_TIMEOUT_MS = "ditto.request.timeout.ms";
  public static final String RETRY_MAX_DURATION_MS = "ditto.retry.max.duration.ms";
  public static final String RETRY_BACKOFF_MS = "ditto.retry.backoff.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "ditto.retry.backoff.max.ms";

  public static final String GROUP = "Ditto";
  public static final String GROUP_RETRIES = "Timeouts and retries";

  /** Keys this class puts into the retries group; a connector's own keys there come after. */
  public static final int RETRY_KEYS = 4;

  private DittoConnectionConfig() {}

  /**
   * Adds the connection keys to {@code def}.
   *
   * @param keyNeeds what the API key must be allowed to do, for its documentation
   * @param retryUse what happens once a request was retried for {@value #RETRY_MAX_DURATION_MS},
   *     for its documentation
   */
  public static ConfigDef define(ConfigDef def, String keyNeeds, String retryUse) {
    int o = 0;
    def.define(
        ENDPOINT,
        Type.STRING,
        ConfigDef.NO_DEFAULT_VALUE,
        new UrlValidator(),
        Importance.HIGH,
        "Base URL of the Ditto app: the portal's \"Cloud URL Endpoint\" (for example"
            + " https://<id>.cloud.dittolive.app/<app-uuid>). The connector appends"
            + " /api/<version>/store/execute. Plain http:// is accepted only to loopback addresses unless "
            + ALLOW_INSECURE_HTTP
            + " is true; a URL with user info (user:password@) is refused.",
        GROUP,
        ++o,
        Width.LONG,
        "Ditto endpoint URL");
    def.define(
        API_KEY,
        Type.PASSWORD,
        ConfigDef.NO_DEFAULT_VALUE,
        new NonEmptyPassword(),
        Importance.HIGH,
        "Ditto API key, sent as 'Authorization: Bearer <key>'. " + keyNeeds,
        GROUP,
        ++o,
        Width.LONG,
        "API key");
    def.define(
        API_VERSION,
        Type.STRING,
        "v5",
        ConfigDef.CaseInsensitiveValidString.in("v5", "v4"),
        Importance.MEDIUM,
        "Ditto HTTP API version: v5 (DQL strict mode off: nested objects are maps merged field by field)"
            + " or v4 (strict mode on: nested objects are registers replaced whole).",
        GROUP,
        ++o,
        Width.SHORT,
        "API version");
    def.define(
        ALLOW_INSECURE_HTTP,
        Type.BOOLEAN,
        false,
        Importance.LOW,
        "Allow plain http:// to hosts other than loopback. The API key then travels unencrypted: only for"
            + " trusted networks and test setups.",
        GROUP,
        ++o,
        Width.SHORT,
        "Allow insecure http");
    o = 0;
    def.define(
        REQUEST_TIMEOUT_MS,
        Type.LONG,
        30_000L,
        ConfigDef.Range.between(100, 600_000),
        Importance.MEDIUM,
        "Time for one HTTP request to Ditto; a request that takes longer is abandoned and retried.",
        GROUP_RETRIES,
        ++o,
        Width.SHORT,
        "Request timeout (ms)");
    def.define(
        RETRY_MAX_DURATION_MS,
        Type.LONG,
        30_000L,
        ConfigDef.Range.atLeast(0),
        Importance.MEDIUM,
        "How long requests are retried on 408, 429, 5xx, timeouts and I/O errors (and 404 for a"
            + " transaction Ditto has not reached yet) before the caller gives up on them. "
            + retryUse,
        GROUP_RETRIES,
        ++o,
        Width.SHORT,
        "Retry window (ms)");
    def.define(
        RETRY_BACKOFF_MS,
        Type.LONG,
        500L,
        ConfigDef.Range.atLeast(1),
        Importance.LOW,
        "First backoff between retries; it doubles per attempt (with jitter) up to "
            + RETRY_BACKOFF_MAX_MS
            + ". A Retry-After header asking for longer wins.",
        GROUP_RETRIES,
        ++o,
        Width.SHORT,
        "Retry backoff (ms)");
    def.define(
        RETRY_BACKOFF_MAX_MS,
        Type.LONG,
        30_000L,
        ConfigDef.Range.atLeast(1),
        Importance.LOW,
        "Largest backoff between retries.",
        GROUP_RETRIES,
        ++o,
        Width.SHORT,
        "Max retry backoff (ms)");
    return def;
  }

  /**
   * The connection settings of a parsed config that defines the keys of {@link #define}.
   *
   * @throws ConfigException naming the key, when keys contradict each other or the endpoint is
   *     refused (the message never holds the key's value or the endpoint's user info)
   */
  public static DittoHttpClient.Settings settings(AbstractConfig config) {
    String endpoint = config.getString(ENDPOINT);
    boolean allowInsecure = config.getBoolean(ALLOW_INSECURE_HTTP);
    try {
      EndpointPolicy.check(endpoint, allowInsecure);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ENDPOINT, EndpointPolicy.redact(endpoint), e.getMessage());
    }
    long backoff = config.getLong(RETRY_BACKOFF_MS);
    long backoffMax = config.getLong(RETRY_BACKOFF_MAX_MS);
    if (backoffMax < backoff) {
      throw new ConfigException(
          RETRY_BACKOFF_MAX_MS,
          backoffMax,
          "must be at least " + RETRY_BACKOFF_MS + " (" + backoff + ")");
    }
    return new DittoHttpClient.Settings(
        endpoint.trim(),
        config.getPassword(API_KEY).value(),
        ApiVersion.parse(config.getString(API_VERSION)),
        Duration.ofMillis(config.getLong(REQUEST_TIMEOUT_MS)),
        new RetryPolicy(
            Duration.ofMillis(backoff),
            Duration.ofMillis(backoffMax),
            Duration.ofMillis(config.getLong(RETRY_MAX_DURATION_MS))),
        allowInsecure);
  }

  /**
   * Syntax only (http(s), host, no user info); the insecure-http rule depends on another key and is
   * checked in {@link #settings}. Errors never quote user info.
   */
  static final class UrlValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null) {
        throw new ConfigException(name, null, "is required");
      }
      try {
        EndpointPolicy.check((String) value, true);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, EndpointPolicy.redact((String) value), e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "http(s) URL";
    }
  }

  static final class NonEmptyPassword implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || ((Password) value).value().isBlank()) {
        throw new ConfigException(name, Password.HIDDEN, "must not be empty");
      }
    }

    @Override
    public String toString() {
      return "non-empty";
    }
  }
}
