package io.mongoditto.source;

import io.mongoditto.config.CollectionSetting;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.config.ConfigRecommenders;
import io.mongoditto.config.MongoConnectionConfig;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The source connector's ConfigDef, group by group: the MongoDB connection ({@link
 * MongoConnectionConfig}), the collections (whose per-collection keys {@link CollectionsParser}
 * reads), topics, change streams, startup and snapshot. {@link MongoSourceConfig} holds the parsed,
 * immutable values.
 */
public final class MongoSourceConfigDef {

  public static final String GROUP_COLLECTIONS = "Collections";
  public static final String GROUP_TOPICS = "Topics";
  public static final String GROUP_STREAM = "Change streams";
  public static final String GROUP_STARTUP = "Startup and snapshot";

  public static final String COLLECTIONS = CollectionsParser.COLLECTIONS;
  public static final String SOURCE_ID = "source.id";

  public static final String TOPIC_PREFIX = CollectionsParser.TOPIC_PREFIX;
  public static final String ERRORS_TOPIC = "errors.topic";
  public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
  public static final String HEARTBEAT_TOPIC = "heartbeat.topic";
  public static final String TOPIC_PARTITIONS = "topic.partitions";
  public static final String RECORD_MAX_BYTES = "record.max.bytes";

  /** Connect's topic-creation setting, read as the default of {@link #TOPIC_PARTITIONS}. */
  static final String TOPIC_CREATION_PARTITIONS = "topic.creation.default.partitions";

  public static final String HISTORY_LOST_POLICY = "history.lost.policy";
  public static final String POLL_MAX_BATCH_SIZE = "poll.max.batch.size";
  public static final String POLL_AWAIT_MS = "poll.await.time.ms";
  public static final String BUFFER_CAPACITY = "buffer.capacity";
  public static final String STREAM_MAX_AWAIT_MS = "change.stream.max.await.time.ms";
  public static final String STREAM_BATCH_SIZE = "change.stream.batch.size";
  public static final String LOG_SUMMARY_INTERVAL_MS = "log.summary.interval.ms";

  public static final String STARTUP_MODE = CollectionsParser.STARTUP_MODE;
  public static final String STARTUP_TIMESTAMP = "startup.timestamp";
  public static final String SNAPSHOT_CHUNK_SIZE = "snapshot.chunk.size";
  public static final String SNAPSHOT_PARALLELISM = "snapshot.parallelism";
  public static final String SNAPSHOT_MAX_THREADS = "snapshot.max.threads.per.task";
  public static final String SNAPSHOT_SWEEP = "snapshot.sweep";

  /** Internal: the collections one task streams, set by the connector in each task's config. */
  public static final String TASK_COLLECTIONS = "task.collections";

  /**
   * Internal, default true: before copying a collection without an offset, or streaming one from
   * "now" (startup mode latest), wait until the runtime stored the stream position (DurableStart).
   * Off only where nothing stores offsets, e.g. tests that drive the task without Connect.
   */
  public static final String SNAPSHOT_AWAIT_STORED_START = "snapshot.await.stored.start";

  public static final ConfigDef CONFIG_DEF = build();

  private MongoSourceConfigDef() {}

  /** A per-collection key: {@code collection.<collection>.<setting>}. */
  public static String key(String collection, CollectionSetting setting) {
    return setting.keyFor(collection);
  }

  private static ConfigDef build() {
    ConfigDef def = MongoConnectionConfig.define(new ConfigDef());
    int o;
    o = 0;
    def.define(
        COLLECTIONS,
        Type.LIST,
        ConfigDef.NO_DEFAULT_VALUE,
        new NonEmptyList(),
        Importance.HIGH,
        "The MongoDB collections to sync, comma-separated. Each one is configured with flat keys"
            + " collection.<name>.<setting> (see the per-collection settings below); unknown settings and"
            + " settings of collections not listed here are errors.",
        GROUP_COLLECTIONS,
        ++o,
        Width.LONG,
        "Collections");
    def.define(
        SOURCE_ID,
        Type.STRING,
        "",
        Importance.MEDIUM,
        "The name this source writes into the Ditto documents of collections that can sweep ("
            + SNAPSHOT_SWEEP
            + " other than never), as _mongoditto.source, so that a sweep deletes only documents"
            + " this source wrote: never documents that apps, devices or another source connector"
            + " put into the same Ditto collection. Default: the connector's name. Keep it when"
            + " renaming the connector, or documents written under the old name are no longer"
            + " swept.",
        GROUP_COLLECTIONS,
        ++o,
        Width.MEDIUM,
        "Source id");

    o = 0;
    def.define(
        TOPIC_PREFIX,
        Type.STRING,
        CollectionsParser.DEFAULT_TOPIC_PREFIX,
        Importance.MEDIUM,
        "The default topic of a collection is <topic.prefix>.<collection> (just <collection> when empty).",
        GROUP_TOPICS,
        ++o,
        Width.MEDIUM,
        "Topic prefix");
    def.define(
        ERRORS_TOPIC,
        Type.STRING,
        "",
        Importance.MEDIUM,
        "Topic for documents that cannot be mapped (missing, null or array id fields, ...): the raw change"
            + " event as a JSON string, with the reason, collection and Mongo _id in headers. Empty: such"
            + " documents are logged at WARN and counted only. Either way the task keeps going.",
        GROUP_TOPICS,
        ++o,
        Width.MEDIUM,
        "Errors topic");
    def.define(
        HEARTBEAT_INTERVAL_MS,
        Type.INT,
        0,
        ConfigDef.Range.between(0, 86_400_000),
        Importance.MEDIUM,
        "When a collection's stream has had no change for this long, send its current stream position"
            + " to the heartbeat topic, so the stored offset keeps up with the oplog and a restart after a"
            + " quiet period does not fail with error 286 (recommended: 60000 for collections that rarely"
            + " change). 0 turns heartbeats off.",
        GROUP_TOPICS,
        ++o,
        Width.SHORT,
        "Heartbeat interval (ms)");
    def.define(
        HEARTBEAT_TOPIC,
        Type.STRING,
        "",
        Importance.LOW,
        "Topic for heartbeats (key = namespace, value = {ns, ts}). Default: <topic.prefix>.heartbeat."
            + " Sinks must not consume it.",
        GROUP_TOPICS,
        ++o,
        Width.MEDIUM,
        "Heartbeat topic");

    def.define(
        TOPIC_PARTITIONS,
        Type.INT,
        0,
        ConfigDef.Range.between(0, 100_000),
        Importance.LOW,
        "How many partitions of each collection's topic the source spreads the collection's documents"
            + " over: every record of one document goes to partition (murmur2 of its canonical Ditto _id) mod"
            + " this number, so a document's records stay in order and the sink knows which partition"
            + " decides a document (which a snapshot sweep needs, see "
            + SNAPSHOT_SWEEP
            + "). Must not be"
            + " more than the topics' partition count. 0 (default): "
            + TOPIC_CREATION_PARTITIONS
            + " when it is set, else 1.",
        GROUP_TOPICS,
        ++o,
        Width.SHORT,
        "Topic partitions");
    def.define(
        RECORD_MAX_BYTES,
        Type.INT,
        1_000_000,
        ConfigDef.Range.atLeast(1024),
        Importance.MEDIUM,
        "Largest mapped document, in bytes of JSON, the source puts on Kafka. A larger one goes to "
            + ERRORS_TOPIC
            + " with its size and _id instead of failing the task (Kafka's producer refuses"
            + " records over max.request.size, 1 MiB by default). Raise it together with the producer, topic"
            + " and sink consumer limits to sync documents up to Ditto's 5 MiB (documents over 5 MiB are"
            + " refused whatever this says).",
        GROUP_TOPICS,
        ++o,
        Width.SHORT,
        "Largest record (bytes)");

    o = 0;
    def.define(
        HISTORY_LOST_POLICY,
        Type.STRING,
        MongoSourceConfig.HistoryLostPolicy.FAIL.configValue(),
        ConfigDef.CaseInsensitiveValidString.in("fail", "resnapshot"),
        Importance.MEDIUM,
        "What to do when the stored resume token is no longer in MongoDB's oplog (error 286,"
            + " ChangeStreamHistoryLost): 'fail' stops the task with instructions (reset the offsets and"
            + " re-sync); 'resnapshot' copies the collection again (idempotent upserts) and streams on from a"
            + " position taken before that copy, logged and counted; with "
            + SNAPSHOT_SWEEP
            + "=history_lost"
            + " (default) the sink then deletes the Ditto documents that copy did not write (deleted in MongoDB"
            + " meanwhile), so Ditto ends up exact. Never jumps to now.",
        GROUP_STREAM,
        ++o,
        Width.SHORT,
        "History lost policy",
        List.of(),
        ConfigRecommenders.values("fail", "resnapshot"));
    def.define(
        POLL_MAX_BATCH_SIZE,
        Type.INT,
        1000,
        ConfigDef.Range.between(1, 100_000),
        Importance.LOW,
        "Most records one poll() hands to Connect.",
        GROUP_STREAM,
        ++o,
        Width.SHORT,
        "Poll batch size");
    def.define(
        POLL_AWAIT_MS,
        Type.INT,
        500,
        ConfigDef.Range.between(1, 60_000),
        Importance.LOW,
        "How long poll() waits for a first record before returning none.",
        GROUP_STREAM,
        ++o,
        Width.SHORT,
        "Poll wait (ms)");
    def.define(
        BUFFER_CAPACITY,
        Type.INT,
        10_000,
        ConfigDef.Range.between(1, 1_000_000),
        Importance.LOW,
        "Records buffered between the change stream readers and poll(); a full buffer pauses reading.",
        GROUP_STREAM,
        ++o,
        Width.SHORT,
        "Buffer capacity");
    def.define(
        STREAM_MAX_AWAIT_MS,
        Type.INT,
        1000,
        ConfigDef.Range.between(1, 60_000),
        Importance.LOW,
        "How long the server holds an empty getMore on the change stream (maxAwaitTimeMS); also the"
            + " longest a reader takes to notice a stop.",
        GROUP_STREAM,
        ++o,
        Width.SHORT,
        "Change stream await (ms)");
    def.define(
        STREAM_BATCH_SIZE,
        Type.INT,
        0,
        ConfigDef.Range.between(0, 100_000),
        Importance.LOW,
        "Change stream cursor batch size; 0 lets the server choose.",
        GROUP_STREAM,
        ++o,
        Width.SHORT,
        "Change stream batch size");
    def.define(
        LOG_SUMMARY_INTERVAL_MS,
        Type.LONG,
        60_000L,
        ConfigDef.Range.atLeast(0),
        Importance.LOW,
        "How often each task logs one INFO summary line per collection (events by type, records, errors,"
            + " lag and, during a snapshot, copied/expected, rate and ETA); 0 turns the summaries off.",
        GROUP_STREAM,
        ++o,
        Width.SHORT,
        "Log summary interval (ms)");
    o = 0;
    def.define(
        STARTUP_MODE,
        Type.STRING,
        CollectionsParser.DEFAULT_STARTUP_MODE.configValue(),
        ConfigDef.CaseInsensitiveValidString.in("initial", "latest", "timestamp", "snapshot_only"),
        Importance.HIGH,
        "What a collection without a stored offset does first: 'initial' copies the existing documents"
            + " (without writing to MongoDB; resumable after the last copied _id) and then streams from a"
            + " position taken before the copy, so no change is lost; 'latest' streams from now; 'timestamp'"
            + " streams from startup.timestamp; 'snapshot_only' copies and stops. A collection with an offset"
            + " always continues from it. Override per collection with collection.<name>.startup.mode.",
        GROUP_STARTUP,
        ++o,
        Width.SHORT,
        "Startup mode",
        List.of(),
        ConfigRecommenders.values("initial", "latest", "timestamp", "snapshot_only"));
    def.define(
        STARTUP_TIMESTAMP,
        Type.LONG,
        null,
        Importance.MEDIUM,
        "For startup mode 'timestamp': the cluster time (epoch seconds) to stream from, inclusive.",
        GROUP_STARTUP,
        ++o,
        Width.SHORT,
        "Startup timestamp");
    def.define(
        SNAPSHOT_CHUNK_SIZE,
        Type.INT,
        1000,
        ConfigDef.Range.between(1, 100_000),
        Importance.LOW,
        "Documents read per snapshot query (in _id order); the last copied _id is in every record's"
            + " offset, so a restart continues there.",
        GROUP_STARTUP,
        ++o,
        Width.SHORT,
        "Snapshot chunk size");
    def.define(
        SNAPSHOT_PARALLELISM,
        Type.INT,
        1,
        ConfigDef.Range.between(1, 64),
        Importance.MEDIUM,
        "Split each collection's copy into this many _id ranges copied concurrently (a collection"
            + " smaller than two chunks is not split). The ranges and how far each got are in the offset.",
        GROUP_STARTUP,
        ++o,
        Width.SHORT,
        "Snapshot parallelism");
    def.define(
        SNAPSHOT_MAX_THREADS,
        Type.INT,
        4,
        ConfigDef.Range.between(1, 256),
        Importance.LOW,
        "Most copy threads running at once in one task, over all its collections.",
        GROUP_STARTUP,
        ++o,
        Width.SHORT,
        "Snapshot threads per task");
    def.define(
        SNAPSHOT_SWEEP,
        Type.STRING,
        MongoSourceConfig.SnapshotSweep.HISTORY_LOST.configValue(),
        ConfigDef.CaseInsensitiveValidString.in("history_lost", "always", "never"),
        Importance.MEDIUM,
        "Which copies also delete the Ditto documents they did not copy, so Ditto holds exactly the"
            + " (filtered) MongoDB collection afterwards: documents deleted in MongoDB while their changes"
            + " could not be read, or that no longer match a filter. 'history_lost' (default): the copy that"
            + " "
            + HISTORY_LOST_POLICY
            + "=resnapshot starts after error 286. 'always': every copy, also a"
            + " first one and a re-sync after an offset reset; documents that apps created in a synced Ditto"
            + " collection are deleted too. 'never': no copy deletes. The source brackets such a copy with"
            + " markers on every partition ("
            + TOPIC_PARTITIONS
            + "); the sink deletes when the copy ends."
            + " A copy that sweeps starts over after a restart instead of continuing.",
        GROUP_STARTUP,
        ++o,
        Width.SHORT,
        "Snapshot sweep",
        List.of(),
        ConfigRecommenders.values("history_lost", "always", "never"));
    def.defineInternal(TASK_COLLECTIONS, Type.LIST, "", Importance.LOW);
    def.defineInternal(SNAPSHOT_AWAIT_STORED_START, Type.BOOLEAN, true, Importance.LOW);
    return def;
  }

  private static final class NonEmptyList implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || ((List<?>) value).isEmpty()) {
        throw new ConfigException(name, value, "list at least one collection");
      }
    }

    @Override
    public String toString() {
      return "non-empty list";
    }
  }
}
