package io.mongoditto.source;

import static io.mongoditto.source.MongoSourceConfigDef.CONFIG_DEF;
import static io.mongoditto.source.MongoSourceConfigDef.ERRORS_TOPIC;
import static io.mongoditto.source.MongoSourceConfigDef.HEARTBEAT_INTERVAL_MS;
import static io.mongoditto.source.MongoSourceConfigDef.HEARTBEAT_TOPIC;
import static io.mongoditto.source.MongoSourceConfigDef.RECORD_MAX_BYTES;
import static io.mongoditto.source.MongoSourceConfigDef.SNAPSHOT_SWEEP;
import static io.mongoditto.source.MongoSourceConfigDef.SOURCE_ID;
import static io.mongoditto.source.MongoSourceConfigDef.STARTUP_TIMESTAMP;
import static io.mongoditto.source.MongoSourceConfigDef.TOPIC_CREATION_PARTITIONS;
import static io.mongoditto.source.MongoSourceConfigDef.TOPIC_PARTITIONS;
import static io.mongoditto.source.MongoSourceConfigDef.TOPIC_PREFIX;

import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionSetting;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.config.ConfigErrors;
import io.mongoditto.config.Direction;
import io.mongoditto.config.MongoConnectionConfig;
import io.mongoditto.config.StartupMode;
import io.mongoditto.mapping.DocumentSizeLimit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * The source connector's configuration, parsed once and immutable: the keys of {@link
 * MongoSourceConfigDef}, the collections as {@link CollectionsParser} reads them, and the rules
 * that only the source has (unique topics, one Ditto collection per collection while copies can
 * sweep, a start time for startup mode timestamp). Every problem is reported on its key.
 */
public final class MongoSourceConfig {

  /** The connector's name when none is given (tests that drive a task directly). */
  static final String DEFAULT_NAME = "mongo-source";

  /** What happens when the stored resume token is older than the oplog (error 286). */
  public enum HistoryLostPolicy {
    FAIL,
    RESNAPSHOT;

    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Which copies also delete the Ditto documents they did not copy (see {@link
   * io.mongoditto.change.SweepMarker}).
   */
  public enum SnapshotSweep {
    HISTORY_LOST,
    ALWAYS,
    NEVER;

    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MongoConnectionConfig connection;
  private final String name;
  private final String sourceId;
  private final List<CollectionConfig> collections;
  private final String errorsTopic;
  private final HistoryLostPolicy historyLostPolicy;
  private final SnapshotSweep snapshotSweep;
  private final int topicPartitions;
  private final int recordMaxBytes;
  private final int pollMaxBatchSize;
  private final int pollAwaitMs;
  private final int bufferCapacity;
  private final int streamMaxAwaitMs;
  private final int streamBatchSize;
  private final Long startupTimestamp;
  private final int snapshotChunkSize;
  private final int snapshotParallelism;
  private final int snapshotMaxThreads;
  private final int heartbeatIntervalMs;
  private final long logSummaryIntervalMs;
  private final String heartbeatTopic;
  private final List<String> taskCollections;
  private final boolean snapshotAwaitStoredStart;

  private MongoSourceConfig(AbstractConfig c, List<CollectionConfig> collections) {
    this.connection = MongoConnectionConfig.from(c);
    Object n = c.originals().get("name");
    this.name = n == null || n.toString().isBlank() ? DEFAULT_NAME : n.toString().trim();
    String id = c.getString(SOURCE_ID);
    this.sourceId = id == null || id.isBlank() ? name : id.trim();
    this.collections = List.copyOf(collections);
    String errors = c.getString(ERRORS_TOPIC);
    this.errorsTopic = errors == null || errors.isBlank() ? null : errors.trim();
    this.historyLostPolicy =
        HistoryLostPolicy.valueOf(
            c.getString(MongoSourceConfigDef.HISTORY_LOST_POLICY).toUpperCase(Locale.ROOT));
    this.snapshotSweep =
        SnapshotSweep.valueOf(c.getString(SNAPSHOT_SWEEP).toUpperCase(Locale.ROOT));
    this.topicPartitions = topicPartitions(c);
    this.recordMaxBytes = c.getInt(RECORD_MAX_BYTES);
    this.pollMaxBatchSize = c.getInt(MongoSourceConfigDef.POLL_MAX_BATCH_SIZE);
    this.pollAwaitMs = c.getInt(MongoSourceConfigDef.POLL_AWAIT_MS);
    this.bufferCapacity = c.getInt(MongoSourceConfigDef.BUFFER_CAPACITY);
    this.streamMaxAwaitMs = c.getInt(MongoSourceConfigDef.STREAM_MAX_AWAIT_MS);
    this.streamBatchSize = c.getInt(MongoSourceConfigDef.STREAM_BATCH_SIZE);
    this.startupTimestamp = c.getLong(STARTUP_TIMESTAMP);
    this.snapshotChunkSize = c.getInt(MongoSourceConfigDef.SNAPSHOT_CHUNK_SIZE);
    this.snapshotParallelism = c.getInt(MongoSourceConfigDef.SNAPSHOT_PARALLELISM);
    this.snapshotMaxThreads = c.getInt(MongoSourceConfigDef.SNAPSHOT_MAX_THREADS);
    this.heartbeatIntervalMs = c.getInt(HEARTBEAT_INTERVAL_MS);
    this.logSummaryIntervalMs = c.getLong(MongoSourceConfigDef.LOG_SUMMARY_INTERVAL_MS);
    this.heartbeatTopic = heartbeatTopic(c);
    List<String> assigned = c.getList(MongoSourceConfigDef.TASK_COLLECTIONS);
    this.taskCollections = assigned == null || assigned.isEmpty() ? null : List.copyOf(assigned);
    this.snapshotAwaitStoredStart = c.getBoolean(MongoSourceConfigDef.SNAPSHOT_AWAIT_STORED_START);
  }

  private static String heartbeatTopic(AbstractConfig c) {
    String hb = c.getString(HEARTBEAT_TOPIC);
    String prefix = c.getString(TOPIC_PREFIX);
    return hb != null && !hb.isBlank()
        ? hb.trim()
        : (prefix == null || prefix.isBlank() ? "" : prefix.trim() + ".") + "heartbeat";
  }

  private static int topicPartitions(AbstractConfig c) {
    int configured = c.getInt(TOPIC_PARTITIONS);
    if (configured > 0) {
      return configured;
    }
    try {
      Object created = c.originals().get(TOPIC_CREATION_PARTITIONS);
      int n = created == null ? 1 : Integer.parseInt(created.toString().trim());
      return n > 0 ? n : 1; // -1 means the broker's default, which the source cannot know
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** Parses and validates; throws one {@link ConfigException} listing every problem. */
  public static MongoSourceConfig of(Map<String, String> props) {
    Parsed parsed = parse(props);
    if (!parsed.errors().isEmpty()) {
      ConfigErrors errors = new ConfigErrors();
      errors.addAll(parsed.errors());
      throw errors.toException("Invalid MongoDB source configuration:");
    }
    return parsed.config();
  }

  /**
   * Parses what can be parsed and collects every problem by config key; {@code config} is null when
   * there are errors.
   */
  public static Parsed parse(Map<String, String> props) {
    ConfigErrors errors = new ConfigErrors();
    AbstractConfig base;
    try {
      base = new AbstractConfig(CONFIG_DEF, props, false);
    } catch (ConfigException e) {
      // The ConfigDef-level problems are reported per key by Connector.validate(); here one is
      // enough.
      String key =
          e.getMessage() != null && e.getMessage().contains("\"")
              ? keyOf(e.getMessage())
              : CollectionsParser.COLLECTIONS;
      errors.add(key, e.getMessage());
      return new Parsed(null, errors.asMap());
    }
    List<CollectionConfig> collections = CollectionsParser.parse(props, errors);
    List<CollectionConfig> streamed =
        collections.stream().filter(c -> c.syncs(Direction.MONGO_TO_DITTO)).toList();
    if (!base.getList(CollectionsParser.COLLECTIONS).isEmpty()
        && errors.isEmpty()
        && streamed.isEmpty()) {
      errors.add(
          CollectionsParser.COLLECTIONS,
          collections.stream().noneMatch(CollectionConfig::enabled)
              ? "no collection is enabled"
              : "no enabled collection is synced from MongoDB to Ditto: set"
                  + " collection.<name>.direction to both or mongo_to_ditto for at least one");
    }
    checkTopics(base, streamed, errors);
    if (base.getLong(STARTUP_TIMESTAMP) == null
        && streamed.stream().anyMatch(c -> c.startupMode() == StartupMode.TIMESTAMP)) {
      errors.add(
          STARTUP_TIMESTAMP,
          "startup mode 'timestamp' needs the cluster time to start from (epoch seconds)");
    }
    if (!SnapshotSweep.NEVER.configValue().equalsIgnoreCase(base.getString(SNAPSHOT_SWEEP))) {
      checkOneDittoCollectionEach(streamed, errors);
    }
    String id = base.getString(SOURCE_ID);
    if (id != null
        && !id.isEmpty()
        && (id.isBlank() || id.chars().anyMatch(Character::isISOControl))) {
      errors.add(
          SOURCE_ID, "must be a name without control characters (or unset: the connector's name)");
    }
    if (!errors.isEmpty()) {
      return new Parsed(null, errors.asMap());
    }
    return new Parsed(new MongoSourceConfig(base, collections), Map.of());
  }

  private static String keyOf(String message) {
    int start = message.indexOf('"');
    int end = message.indexOf('"', start + 1);
    return end > start ? message.substring(start + 1, end) : CollectionsParser.COLLECTIONS;
  }

  /** Each streamed collection has its own topic, and none is the heartbeat or errors topic. */
  private static void checkTopics(
      AbstractConfig base, List<CollectionConfig> streamed, ConfigErrors errors) {
    Set<String> topics = new HashSet<>();
    for (CollectionConfig c : streamed) {
      if (!topics.add(c.topic())) {
        errors.add(
            CollectionSetting.TOPIC.keyFor(c.name()),
            "topic '" + c.topic() + "' is already used by another collection");
      }
    }
    String heartbeat = heartbeatTopic(base);
    if (base.getInt(HEARTBEAT_INTERVAL_MS) > 0 && topics.contains(heartbeat)) {
      errors.add(HEARTBEAT_TOPIC, "'" + heartbeat + "' is also a collection's topic; set another");
    }
    String errorsTopic = base.getString(ERRORS_TOPIC);
    if (errorsTopic != null && !errorsTopic.isBlank() && topics.contains(errorsTopic.trim())) {
      errors.add(ERRORS_TOPIC, "'" + errorsTopic + "' is also a collection's topic");
    }
  }

  /**
   * A copy's sweep deletes the Ditto documents its own collection did not copy: two collections
   * writing into one Ditto collection would sweep each other's documents away.
   */
  private static void checkOneDittoCollectionEach(
      List<CollectionConfig> streamed, ConfigErrors errors) {
    Map<String, String> owner = new HashMap<>();
    for (CollectionConfig c : streamed) {
      String ditto = c.mapping().dittoCollection();
      String other = owner.putIfAbsent(ditto, c.name());
      if (other != null) {
        errors.add(
            CollectionSetting.DITTO_COLLECTION.keyFor(c.name()),
            "Ditto collection '"
                + ditto
                + "' is also the Ditto collection of '"
                + other
                + "': with "
                + SNAPSHOT_SWEEP
                + " on, a copy of one would delete the other's documents. Give each"
                + " collection its own Ditto collection, or set "
                + SNAPSHOT_SWEEP
                + "=never.");
      }
    }
  }

  /** How to reach MongoDB. */
  public MongoConnectionConfig connection() {
    return connection;
  }

  /** The synced database (from {@link #connection()}). */
  public String database() {
    return connection.database();
  }

  /** The connector's name ({@code name}), as Connect or the embedded runner gave it. */
  public String name() {
    return name;
  }

  /** The source id ({@value MongoSourceConfigDef#SOURCE_ID}): the connector's name by default. */
  public String sourceId() {
    return sourceId;
  }

  /**
   * The origin the records and sweep markers of this source carry: its {@link #sourceId()} when
   * copies can sweep ({@value MongoSourceConfigDef#SNAPSHOT_SWEEP} other than never), else null.
   */
  public String recordOrigin() {
    return snapshotSweep == SnapshotSweep.NEVER ? null : sourceId;
  }

  /** Every listed collection in configured order, disabled ones included. */
  public List<CollectionConfig> collections() {
    return collections;
  }

  /** The collections this source streams: enabled, and synced from MongoDB to Ditto. */
  public List<CollectionConfig> streamedCollections() {
    return collections.stream().filter(c -> c.syncs(Direction.MONGO_TO_DITTO)).toList();
  }

  /** The collections this task streams: its assignment, or every streamed one outside a task. */
  public List<CollectionConfig> assignedCollections() {
    if (taskCollections == null) {
      return streamedCollections();
    }
    return streamedCollections().stream().filter(c -> taskCollections.contains(c.name())).toList();
  }

  /** The errors topic, or null when bad documents are only logged and counted. */
  public String errorsTopic() {
    return errorsTopic;
  }

  public HistoryLostPolicy historyLostPolicy() {
    return historyLostPolicy;
  }

  public SnapshotSweep snapshotSweep() {
    return snapshotSweep;
  }

  /** How many partitions of a collection's topic its records are spread over (at least 1). */
  public int topicPartitions() {
    return topicPartitions;
  }

  public int recordMaxBytes() {
    return recordMaxBytes;
  }

  /**
   * The mapped documents this source may send: {@value MongoSourceConfigDef#RECORD_MAX_BYTES}, or
   * Ditto's limit if lower.
   */
  public DocumentSizeLimit documentSizeLimit() {
    return DocumentSizeLimit.atMost(
        recordMaxBytes,
        RECORD_MAX_BYTES
            + "="
            + recordMaxBytes
            + " (Kafka refuses"
            + " records over the producer's max.request.size, 1 MiB by default): raise "
            + RECORD_MAX_BYTES
            + " together with the Kafka limits (docs/source-connector.md, \"Large documents\"), or exclude large"
            + " fields");
  }

  public int pollMaxBatchSize() {
    return pollMaxBatchSize;
  }

  public int pollAwaitMs() {
    return pollAwaitMs;
  }

  public int bufferCapacity() {
    return bufferCapacity;
  }

  public int streamMaxAwaitMs() {
    return streamMaxAwaitMs;
  }

  public int streamBatchSize() {
    return streamBatchSize;
  }

  /** Epoch seconds of the cluster time that startup mode timestamp starts from, or null. */
  public Long startupTimestamp() {
    return startupTimestamp;
  }

  public int snapshotChunkSize() {
    return snapshotChunkSize;
  }

  public int snapshotParallelism() {
    return snapshotParallelism;
  }

  public int snapshotMaxThreads() {
    return snapshotMaxThreads;
  }

  /**
   * Whether a first copy waits until its stream position is stored (see
   * SNAPSHOT_AWAIT_STORED_START).
   */
  public boolean snapshotAwaitStoredStart() {
    return snapshotAwaitStoredStart;
  }

  /** 0 when heartbeats are off. */
  public int heartbeatIntervalMs() {
    return heartbeatIntervalMs;
  }

  /** How often the tasks log a summary line per collection; 0 = never. */
  public long logSummaryIntervalMs() {
    return logSummaryIntervalMs;
  }

  public String heartbeatTopic() {
    return heartbeatTopic;
  }

  /** Result of {@link #parse}: a config, or the errors by key. */
  public record Parsed(MongoSourceConfig config, Map<String, List<String>> errors) {}
}
