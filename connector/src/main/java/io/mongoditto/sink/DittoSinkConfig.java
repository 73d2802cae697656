package io.mongoditto.sink;

import io.mongoditto.ditto.DittoConnectionConfig;
import io.mongoditto.ditto.DittoHttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of the Ditto sink connector (immutable once parsed): the Ditto connection ({@link
 * DittoConnectionConfig}) and the sink's own keys.
 */
public final class DittoSinkConfig extends AbstractConfig {

  public static final String ENDPOINT = DittoConnectionConfig.ENDPOINT;
  public static final String API_KEY = DittoConnectionConfig.API_KEY;
  public static final String API_VERSION = DittoConnectionConfig.API_VERSION;
  public static final String ALLOW_INSECURE_HTTP = DittoConnectionConfig.ALLOW_INSECURE_HTTP;
  public static final String REQUEST_TIMEOUT_MS = DittoConnectionConfig.REQUEST_TIMEOUT_MS;
  public static final String RETRY_MAX_DURATION_MS = DittoConnectionConfig.RETRY_MAX_DURATION_MS;
  public static final String RETRY_BACKOFF_MS = DittoConnectionConfig.RETRY_BACKOFF_MS;
  public static final String RETRY_BACKOFF_MAX_MS = DittoConnectionConfig.RETRY_BACKOFF_MAX_MS;
  public static final String OUTAGE_MAX_DURATION_MS = "ditto.outage.max.duration.ms";
  public static final String COLLECTION_MAP = "ditto.topic.collection.map";
  public static final String BATCH_SIZE = "ditto.batch.size";
  public static final String MAX_REQUEST_BYTES = "ditto.max.request.bytes";
  public static final String SWEEP_GRACE_MS = "sweep.grace.ms";
  public static final String LOG_SUMMARY_INTERVAL_MS = "log.summary.interval.ms";

  /** Internal: which of the connector's tasks this is, named in warnings (set by the connector). */
  public static final String TASK_ID = "mongoditto.task.id";

  /**
   * Chosen from the micro-benchmark (docs/sink-connector.md): throughput keeps rising up to 500.
   */
  public static final int DEFAULT_BATCH_SIZE = 500;

  public static final long DEFAULT_MAX_REQUEST_BYTES = 8L * 1024 * 1024;

  /** The consumer's default max.poll.interval.ms, when the connector does not override it. */
  static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

  static final String MAX_POLL_INTERVAL_OVERRIDE = "consumer.override.max.poll.interval.ms";

  private static final String GROUP_COLLECTIONS = "Collections";
  private static final String GROUP_BATCHING = "Batching";
  private static final String GROUP_SWEEPS = "Sweeps";
  private static final String GROUP_LOGGING = "Logging";

  public static final ConfigDef CONFIG_DEF = configDef();

  private final Map<String, String> collectionByTopic;
  private final DittoHttpClient.Settings connection;

  public DittoSinkConfig(Map<String, String> props) {
    // no logging of the values here: the task logs them masked (metrics.EffectiveConfig)
    super(CONFIG_DEF, props, false);
    collectionByTopic = parseCollectionMap(getList(COLLECTION_MAP));
    connection = DittoConnectionConfig.settings(this);
  }

  private static ConfigDef configDef() {
    ConfigDef def =
        DittoConnectionConfig.define(
            new ConfigDef(),
            "It needs read and write permission on every target collection (the sink reads"
                + " documents to find fields to remove).",
            "The sink then hands the records of that put() back to Connect, which delivers them"
                + " again after a backoff while the task stays RUNNING (see "
                + OUTAGE_MAX_DURATION_MS
                + "); one put() retries at most this long in all, so keep this plus "
                + DittoConnectionConfig.REQUEST_TIMEOUT_MS
                + " well below the consumer's max.poll.interval.ms (5 minutes by default;"
                + " validate checks it against "
                + MAX_POLL_INTERVAL_OVERRIDE
                + ").");
    int o = 0;
    def.define(
        COLLECTION_MAP,
        Type.LIST,
        "",
        new CollectionMapValidator(),
        Importance.MEDIUM,
        "Comma-separated topic:collection pairs naming the Ditto collection for a topic. Unmapped topics use the"
            + " collection in the record; a tombstone (null value) of an unmapped topic goes to the last"
            + " '.'-separated segment of its topic name (mongo.shop.products -> products). Validation"
            + " checks that the API key can read and write the mapped collections.",
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
    def.define(
        OUTAGE_MAX_DURATION_MS,
        Type.LONG,
        0L,
        ConfigDef.Range.atLeast(0),
        Importance.MEDIUM,
        "How long Ditto may stay unavailable (408, 429, 5xx, timeouts, I/O errors) before the task"
            + " fails, counted from the first failed put() of records not applied since. Meanwhile every"
            + " put() retries for "
            + RETRY_MAX_DURATION_MS
            + " and then hands its records back to Connect (RetriableException), which delivers them"
            + " again after a backoff; nothing is committed past them. 0: no limit, the task waits for"
            + " Ditto however long it takes (watch redeliveries-total and sync-lag-ms).",
        DittoConnectionConfig.GROUP_RETRIES,
        DittoConnectionConfig.RETRY_KEYS + 1,
        Width.SHORT,
        "Outage limit (ms)");
    def.define(
        SWEEP_GRACE_MS,
        Type.LONG,
        60_000L,
        ConfigDef.Range.atLeast(0),
        Importance.LOW,
        "How long a sweep's deletes wait after its end marker. They run once the task has caught up"
            + " (an empty poll, or the newest record less than this old) and this much time has passed"
            + " since the end marker; every record read meanwhile still spares its document. This keeps a"
            + " replay of the topic (offsets reset) from deleting documents that later records hold, and"
            + " spares documents on their way back through Ditto, MongoDB and the source. Offsets are"
            + " not committed past the sweep's start marker until it ran.",
        GROUP_SWEEPS,
        1,
        Width.SHORT,
        "Sweep grace (ms)");
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
    def.defineInternal(TASK_ID, Type.STRING, "0", Importance.LOW);
    return def;
  }

  /** The Ditto connection: endpoint, key, API version, timeouts and backoff. */
  public DittoHttpClient.Settings connection() {
    return connection;
  }

  /** As {@link #connection()} (the name the CLI uses). */
  public DittoHttpClient.Settings clientSettings() {
    return connection;
  }

  public boolean registersOnly() {
    return connection.apiVersion().strictMode();
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

  /** How long one put() retries Ditto in all. */
  public Duration retryWindow() {
    return connection.retry().maxDuration();
  }

  /** How long Ditto may stay unavailable before the task fails; zero: no limit. */
  public Duration outageLimit() {
    return Duration.ofMillis(getLong(OUTAGE_MAX_DURATION_MS));
  }

  public long sweepGraceMs() {
    return getLong(SWEEP_GRACE_MS);
  }

  public String taskId() {
    return getString(TASK_ID);
  }

  /** The configured collection for a topic, or null. */
  public String collectionFor(String topic) {
    return collectionByTopic.get(topic);
  }

  /** The collections named by the topic map, by topic. */
  public Map<String, String> mappedCollections() {
    return Map.copyOf(collectionByTopic);
  }

  static Map<String, String> parseCollectionMap(List<String> entries) {
    Map<String, String> map = new LinkedHashMap<>();
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
   * The longest a put() can take while Ditto fails (its retry window plus one request that starts
   * just before the window ends) against the consumer's {@code max.poll.interval.ms}: an error text
   * when the consumer would leave its group first, else null.
   */
  static String pollIntervalProblem(
      Map<String, String> props, DittoHttpClient.Settings connection) {
    long interval = DEFAULT_MAX_POLL_INTERVAL_MS;
    String override = props.get(MAX_POLL_INTERVAL_OVERRIDE);
    if (override != null) {
      try {
        interval = Long.parseLong(override.trim());
      } catch (NumberFormatException e) {
        return null; // Connect reports the consumer key itself
      }
    }
    long worst =
        connection.retry().maxDuration().toMillis() + connection.requestTimeout().toMillis();
    if (worst < interval) {
      return null;
    }
    return RETRY_MAX_DURATION_MS
        + " ("
        + connection.retry().maxDuration().toMillis()
        + ") plus "
        + REQUEST_TIMEOUT_MS
        + " ("
        + connection.requestTimeout().toMillis()
        + ") must stay below the consumer's max.poll.interval.ms ("
        + interval
        + (override == null ? ", the default" : ", from " + MAX_POLL_INTERVAL_OVERRIDE)
        + "): a put() waiting for Ditto that long makes the consumer leave its group";
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
