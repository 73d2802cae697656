package io.mongoditto.sink;

import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.EndpointPolicy;
import io.mongoditto.ditto.RetryPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of the Ditto sink connector (immutable once parsed). */
public final class DittoSinkConfig extends AbstractConfig {

  public static final String ENDPOINT = "ditto.endpoint";
  public static final String API_KEY = "ditto.api.key";
  public static final String API_VERSION = "ditto.api.version";
  public static final String ALLOW_INSECURE_HTTP = "ditto.allow.insecure.http";
  public static final String COLLECTION_MAP = "ditto.topic.collection.map";
  public static final String BATCH_SIZE = "ditto.batch.size";
  public static final String MAX_REQUEST_BYTES = "ditto.max.request.bytes";
  public static final String REQUEST_TIMEOUT_MS = "ditto.request.timeout.ms";
  public static final String RETRY_MAX_DURATION_MS = "ditto.retry.max.duration.ms";
  public static final String RETRY_BACKOFF_MS = "ditto.retry.backoff.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "ditto.retry.backoff.max.ms";
  public static final String LOG_SUMMARY_INTERVAL_MS = "log.summary.interval.ms";

  /**
   * Chosen from the micro-benchmark (docs/sink-connector.md): throughput keeps rising up to 500.
   */
  public static final int DEFAULT_BATCH_SIZE = 500;

  public static final long DEFAULT_MAX_REQUEST_BYTES = 8L * 1024 * 1024;

  private static final String GROUP_DITTO = "Ditto";
  private static final String GROUP_COLLECTIONS = "Collections";
  private static final String GROUP_BATCHING = "Batching";
  private static final String GROUP_RETRIES = "Timeouts and retries";
  private static final String GROUP_LOGGING = "Logging";

  public static final ConfigDef CONFIG_DEF = configDef();

  private final Map<String, String> collectionByTopic;

  public DittoSinkConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    collectionByTopic = parseCollectionMap(getList(COLLECTION_MAP));
    try {
      EndpointPolicy.check(getString(ENDPOINT), getBoolean(ALLOW_INSECURE_HTTP));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ENDPOINT, getString(ENDPOINT), e.getMessage());
    }
    if (getLong(RETRY_BACKOFF_MAX_MS) < getLong(RETRY_BACKOFF_MS)) {
      throw new ConfigException(
          RETRY_BACKOFF_MAX_MS,
          getLong(RETRY_BACKOFF_MAX_MS),
          "must be at least " + RETRY_BACKOFF_MS + " (" + getLong(RETRY_BACKOFF_MS) + ")");
    }
  }

  private static ConfigDef configDef() {
    ConfigDef def = new ConfigDef();
    int o = 0;
    def.define(
        ENDPOINT,
        Type.STRING,
        ConfigDef.NO_DEFAULT_VALUE,
        new UrlValidator(),
        Importance.HIGH,
        "Base URL of the Ditto app: the portal's \"Cloud URL Endpoint\" (for example"
            + " https://<id>.cloud.dittolive.app/<app-uuid>). The sink appends /api/<version>/store/execute."
            + " Plain http:// is accepted only to loopback addresses unless "
            + ALLOW_INSECURE_HTTP
            + " is true.",
        GROUP_DITTO,
        ++o,
        Width.LONG,
        "Ditto endpoint URL");
    def.define(
        API_KEY,
        Type.PASSWORD,
        ConfigDef.NO_DEFAULT_VALUE,
        new NonEmptyPassword(),
        Importance.HIGH,
        "Ditto API key, sent as 'Authorization: Bearer <key>'. It needs read and write permission on every"
            + " target collection (the sink reads documents to find fields to remove).",
        GROUP_DITTO,
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
        GROUP_DITTO,
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
        GROUP_DITTO,
        ++o,
        Width.SHORT,
        "Allow insecure http");
    o = 0;
    def.define(
        COLLECTION_MAP,
        Type.LIST,
        "",
        new CollectionMapValidator(),
        Importance.MEDIUM,
        "Comma-separated topic:collection pairs naming the Ditto collection for a topic. Unmapped topics use the"
            + " collection in the record; a tombstone (null value) of an unmapped topic goes to the last"
            + " '.'-separated segment of its topic name (mongo.shop.products -> products).",
        GROUP_COLLECTIONS,
        ++o,
        Width.LONG,
        "Topic to collection map");
    o = 0;
    def.define(
        BATCH_SIZE,
        Type.INT,
        DEFAULT_BATCH_SIZE,
        ConfigDef.Range.between(1, 5000),
        Importance.MEDIUM,
        "Most records applied to one collection together. A batch becomes a handful of statements (one"
            + " multi-document upsert, one delete, unsets), so larger batches are much faster; Ditto's guide"
            + " recommends 100-500.",
        GROUP_BATCHING,
        ++o,
        Width.SHORT,
        "Batch size");
    def.define(
        MAX_REQUEST_BYTES,
        Type.LONG,
        DEFAULT_MAX_REQUEST_BYTES,
        ConfigDef.Range.between(64 * 1024, 256L * 1024 * 1024),
        Importance.LOW,
        "Largest JSON size of the documents in one upsert request: a batch of large documents is sent in several"
            + " upserts instead of one huge request. A single document larger than this still goes alone (Ditto's"
            + " hard limit per document is 5 MiB).",
        GROUP_BATCHING,
        ++o,
        Width.SHORT,
        "Max request bytes");
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
        240_000L,
        ConfigDef.Range.atLeast(0),
        Importance.MEDIUM,
        "How long one statement is retried on 408, 429, 5xx, timeouts and I/O errors before the task fails"
            + " (its records are not committed, so Connect redelivers them after a restart). Keep it plus "
            + REQUEST_TIMEOUT_MS
            + " below the consumer's max.poll.interval.ms (5 minutes by default;"
            + " consumer.override.max.poll.interval.ms raises it), or the worker's consumer leaves its group"
            + " while the task waits.",
        GROUP_RETRIES,
        ++o,
        Width.SHORT,
        "Retry deadline (ms)");
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
    def.define(
        LOG_SUMMARY_INTERVAL_MS,
        Type.LONG,
        60_000L,
        ConfigDef.Range.atLeast(0),
        Importance.LOW,
        "How often each task logs one INFO summary line per Ditto collection (records, upserts, deletes,"
            + " requests, retries, errors, dead-lettered, lag); 0 turns the summaries off.",
        GROUP_LOGGING,
        1,
        Width.SHORT,
        "Log summary interval (ms)");
    return def;
  }

  public DittoHttpClient.Settings clientSettings() {
    return new DittoHttpClient.Settings(
        getString(ENDPOINT),
        getPassword(API_KEY).value(),
        ApiVersion.parse(getString(API_VERSION)),
        Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS)),
        new RetryPolicy(
            Duration.ofMillis(getLong(RETRY_BACKOFF_MS)),
            Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS)),
            Duration.ofMillis(getLong(RETRY_MAX_DURATION_MS))),
        getBoolean(ALLOW_INSECURE_HTTP));
  }

  public int batchSize() {
    return getInt(BATCH_SIZE);
  }

  /** How often the tasks log a summary line per collection; 0 = never. */
  public long logSummaryIntervalMs() {
    return getLong(LOG_SUMMARY_INTERVAL_MS);
  }

  public long maxRequestBytes() {
    return getLong(MAX_REQUEST_BYTES);
  }

  /** The configured collection for a topic, or null. */
  public String collectionFor(String topic) {
    return collectionByTopic.get(topic);
  }

  static Map<String, String> parseCollectionMap(List<String> entries) {
    Map<String, String> map = new HashMap<>();
    for (String entry : entries) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw new ConfigException(COLLECTION_MAP, entry, "expected topic:collection");
      }
      map.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
    }
    return map;
  }

  /**
   * Syntax only (http(s), host); the insecure-http rule depends on another key and is checked in
   * the constructor.
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
        throw new ConfigException(name, value, e.getMessage());
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
      if (value == null
          || ((org.apache.kafka.common.config.types.Password) value).value().isBlank()) {
        throw new ConfigException(name, "[hidden]", "must not be empty");
      }
    }

    @Override
    public String toString() {
      return "non-empty";
    }
  }

  static final class CollectionMapValidator implements ConfigDef.Validator {
    @Override
    @SuppressWarnings("unchecked")
    public void ensureValid(String name, Object value) {
      parseCollectionMap((List<String>) value);
    }

    @Override
    public String toString() {
      return "topic:collection,...";
    }
  }
}
