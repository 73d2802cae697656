package io.mongoditto.source;

import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.DocumentSizeLimit;
import io.mongoditto.mapping.IdMode;
import io.mongoditto.mapping.SyncRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The source connector's configuration, parsed once and immutable. Fixed keys live in {@link
 * #CONFIG_DEF}; per-collection keys ({@code collection.<name>.<setting>}) are flat so they can be
 * set through the REST API one by one, and are checked here: an unknown setting or a collection
 * that is not listed in {@code collections} is an error on that very key.
 */
public final class MongoSourceConfig {

  public static final String GROUP_CONNECTION = "Connection";
  public static final String GROUP_COLLECTIONS = "Collections";
  public static final String GROUP_TOPICS = "Topics";
  public static final String GROUP_STREAM = "Change streams";

  public static final String MONGODB_URI = "mongodb.uri";
  public static final String MONGODB_DATABASE = "mongodb.database";
  public static final String SERVER_SELECTION_TIMEOUT_MS = "mongodb.server.selection.timeout.ms";
  public static final String TLS_ENABLED = "mongodb.tls.enabled";
  public static final String TLS_ALLOW_INVALID_HOSTNAMES = "mongodb.tls.allow.invalid.hostnames";
  public static final String TLS_TRUSTSTORE_PATH = "mongodb.tls.truststore.path";
  public static final String TLS_TRUSTSTORE_PASSWORD = "mongodb.tls.truststore.password";
  public static final String TLS_TRUSTSTORE_TYPE = "mongodb.tls.truststore.type";
  public static final String TLS_KEYSTORE_PATH = "mongodb.tls.keystore.path";
  public static final String TLS_KEYSTORE_PASSWORD = "mongodb.tls.keystore.password";
  public static final String TLS_KEYSTORE_TYPE = "mongodb.tls.keystore.type";

  public static final String COLLECTIONS = "collections";
  public static final String COLLECTION_PREFIX = "collection.";
  public static final String ENABLED = "enabled";
  public static final String ID_MODE = "id.mode";
  public static final String ID_FIELDS = "id.fields";
  public static final String ID_KEEP_MONGO_ID = "id.keep.mongo.id";
  public static final String DITTO_COLLECTION = "ditto.collection";
  public static final String TOPIC = "topic";
  public static final String STARTUP_MODE = "startup.mode";
  public static final String STARTUP_TIMESTAMP = "startup.timestamp";
  public static final String SNAPSHOT_CHUNK_SIZE = "snapshot.chunk.size";
  public static final String SNAPSHOT_PARALLELISM = "snapshot.parallelism";
  public static final String SNAPSHOT_MAX_THREADS = "snapshot.max.threads.per.task";
  public static final String SNAPSHOT_SWEEP = "snapshot.sweep";
  public static final String GROUP_STARTUP = "Startup and snapshot";
  public static final String FILTER = "filter";
  public static final String FIELDS_EXCLUDE = "fields.exclude";
  public static final String FIELDS_RENAME = "fields.rename";
  public static final String FIELDS_CONVERT = "fields.convert";

  public static final String TOPIC_PREFIX = "topic.prefix";
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

  /** Internal: the collections one task streams, set by the connector in each task's config. */
  public static final String TASK_COLLECTIONS = "task.collections";

  /**
   * Internal, default true: before copying a collection without an offset, wait until the runtime
   * stored the copy's stream position (DurableSnapshotStart). Off only where nothing stores
   * offsets, e.g. tests that drive the task without Connect.
   */
  public static final String SNAPSHOT_AWAIT_STORED_START = "snapshot.await.stored.start";

  /** The per-collection settings with their documentation, for validation and generated docs. */
  public static final Map<String, String> COLLECTION_SETTINGS_DOCS;

  static {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put(ENABLED, "true (default) or false. A disabled collection is not streamed.");
    docs.put(
        ID_MODE,
        "How the Ditto _id is derived: match_ids (default; Ditto _id = Mongo _id, which"
            + " must not be null, an array or an object), single_field (Ditto _id = the one top-level field"
            + " in id.fields) or multiple_fields (Ditto _id = an object of the top-level fields in id.fields)."
            + " single_field and multiple_fields need changeStreamPreAndPostImages on the collection.");
    docs.put(
        ID_FIELDS,
        "Comma-separated top-level fields (not _id): exactly one for single_field,"
            + " two or more for multiple_fields, none for match_ids. The fields stay in the document body;"
            + " they must be present and never change.");
    docs.put(
        ID_KEEP_MONGO_ID,
        "false (default) or true: with single_field/multiple_fields, also copy the"
            + " Mongo _id into the Ditto document as field '"
            + CollectionMapping.MONGO_ID_FIELD
            + "'.");
    docs.put(
        DITTO_COLLECTION,
        "The Ditto collection name. Default: the MongoDB collection name. Two enabled"
            + " collections may share one only with snapshot.sweep=never.");
    docs.put(
        TOPIC,
        "The Kafka topic for this collection's changes. Default: <topic.prefix>.<collection>.");
    docs.put(
        STARTUP_MODE,
        "Overrides the connector's startup.mode for this collection:"
            + " initial, latest, timestamp or snapshot_only.");
    docs.put(
        FILTER,
        "Only documents matching this MongoDB query (JSON) go to Ditto, e.g. {\"deleted\": false,"
            + " \"active\": true}. Applied to the snapshot (server-side find) and the stream (a document that"
            + " stops matching is deleted from Ditto, one that starts matching is upserted whole). Evaluated on"
            + " the stored document, before field transformations. Operators: $and, $or, $nor, $not, $eq, $ne,"
            + " $gt, $gte, $lt, $lte, $in, $nin, $exists, $type, $regex/$options, $mod, $all, $elemMatch, $size."
            + " Default: every document.");
    docs.put(
        FIELDS_EXCLUDE,
        "Comma-separated dotted paths left out of Ditto, e.g. internal_notes,audit.by"
            + " (through arrays: in every element).");
    docs.put(
        FIELDS_RENAME,
        "Comma-separated path:newName, e.g. cust_id:customer_ref,address.zip:postal (the"
            + " field keeps its place: address.postal).");
    docs.put(
        FIELDS_CONVERT,
        "Comma-separated path:conversion with toISOString, toString or toNumber, e.g."
            + " order_date:toISOString,total:toString,qty:toNumber. A value that cannot be converted makes the"
            + " document a bad document.");
    COLLECTION_SETTINGS_DOCS = Collections.unmodifiableMap(docs);
  }

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

  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  public static final ConfigDef CONFIG_DEF = buildConfigDef();

  private final Password uri;
  private final String database;
  private final int serverSelectionTimeoutMs;
  private final TlsSettings tls;
  private final List<CollectionSettings> collections;
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

  private MongoSourceConfig(AbstractConfig c, List<CollectionSettings> collections) {
    this.uri = c.getPassword(MONGODB_URI);
    this.database = c.getString(MONGODB_DATABASE);
    this.serverSelectionTimeoutMs = c.getInt(SERVER_SELECTION_TIMEOUT_MS);
    this.tls =
        new TlsSettings(
            c.getBoolean(TLS_ENABLED),
            c.getBoolean(TLS_ALLOW_INVALID_HOSTNAMES),
            c.getString(TLS_TRUSTSTORE_PATH),
            c.getPassword(TLS_TRUSTSTORE_PASSWORD),
            c.getString(TLS_TRUSTSTORE_TYPE),
            c.getString(TLS_KEYSTORE_PATH),
            c.getPassword(TLS_KEYSTORE_PASSWORD),
            c.getString(TLS_KEYSTORE_TYPE));
    this.collections = List.copyOf(collections);
    String errors = c.getString(ERRORS_TOPIC);
    this.errorsTopic = errors == null || errors.isBlank() ? null : errors.trim();
    this.historyLostPolicy =
        HistoryLostPolicy.valueOf(c.getString(HISTORY_LOST_POLICY).toUpperCase(Locale.ROOT));
    this.snapshotSweep =
        SnapshotSweep.valueOf(c.getString(SNAPSHOT_SWEEP).toUpperCase(Locale.ROOT));
    this.topicPartitions = topicPartitions(c);
    this.recordMaxBytes = c.getInt(RECORD_MAX_BYTES);
    this.pollMaxBatchSize = c.getInt(POLL_MAX_BATCH_SIZE);
    this.pollAwaitMs = c.getInt(POLL_AWAIT_MS);
    this.bufferCapacity = c.getInt(BUFFER_CAPACITY);
    this.streamMaxAwaitMs = c.getInt(STREAM_MAX_AWAIT_MS);
    this.streamBatchSize = c.getInt(STREAM_BATCH_SIZE);
    this.startupTimestamp = c.getLong(STARTUP_TIMESTAMP);
    this.snapshotChunkSize = c.getInt(SNAPSHOT_CHUNK_SIZE);
    this.snapshotParallelism = c.getInt(SNAPSHOT_PARALLELISM);
    this.snapshotMaxThreads = c.getInt(SNAPSHOT_MAX_THREADS);
    this.heartbeatIntervalMs = c.getInt(HEARTBEAT_INTERVAL_MS);
    this.logSummaryIntervalMs = c.getLong(LOG_SUMMARY_INTERVAL_MS);
    String hb = c.getString(HEARTBEAT_TOPIC);
    String prefix = c.getString(TOPIC_PREFIX);
    this.heartbeatTopic =
        hb != null && !hb.isBlank()
            ? hb.trim()
            : (prefix == null || prefix.isBlank() ? "" : prefix.trim() + ".") + "heartbeat";
    List<String> assigned = c.getList(TASK_COLLECTIONS);
    this.taskCollections = assigned == null || assigned.isEmpty() ? null : List.copyOf(assigned);
    this.snapshotAwaitStoredStart = c.getBoolean(SNAPSHOT_AWAIT_STORED_START);
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
      StringBuilder sb = new StringBuilder("Invalid MongoDB source configuration:");
      parsed
          .errors()
          .forEach(
              (key, msgs) ->
                  msgs.forEach(m -> sb.append("\n  ").append(key).append(": ").append(m)));
      throw new ConfigException(sb.toString());
    }
    return parsed.config();
  }

  /**
   * Parses what can be parsed and collects every problem by config key; {@code config} is null when
   * there are errors.
   */
  public static Parsed parse(Map<String, String> props) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    AbstractConfig base;
    try {
      base = new AbstractConfig(CONFIG_DEF, props, false);
    } catch (ConfigException e) {
      // The ConfigDef-level problems are reported per key by Connector.validate(); here one is
      // enough.
      String key =
          e.getMessage() != null && e.getMessage().contains("\"")
              ? keyOf(e.getMessage())
              : COLLECTIONS;
      errors.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getMessage());
      return new Parsed(null, errors);
    }
    List<CollectionSettings> collections = parseCollections(base, props, errors);
    if (base.getLong(STARTUP_TIMESTAMP) == null
        && collections.stream()
            .anyMatch(c -> c.enabled() && c.startupMode() == StartupMode.TIMESTAMP)) {
      add(
          errors,
          STARTUP_TIMESTAMP,
          "startup mode 'timestamp' needs the cluster time to start from (epoch seconds)");
    }
    if (!SnapshotSweep.NEVER.configValue().equalsIgnoreCase(base.getString(SNAPSHOT_SWEEP))) {
      checkOneDittoCollectionEach(collections, errors);
    }
    if (!errors.isEmpty()) {
      return new Parsed(null, errors);
    }
    return new Parsed(new MongoSourceConfig(base, collections), Map.of());
  }

  private static String keyOf(String message) {
    int start = message.indexOf('"');
    int end = message.indexOf('"', start + 1);
    return end > start ? message.substring(start + 1, end) : COLLECTIONS;
  }

  private static List<CollectionSettings> parseCollections(
      AbstractConfig base, Map<String, String> props, Map<String, List<String>> errors) {
    List<String> names = base.getList(COLLECTIONS);
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name.isBlank()) {
        add(errors, COLLECTIONS, "contains an empty collection name");
      } else if (!seen.add(name)) {
        add(errors, COLLECTIONS, "lists collection '" + name + "' twice");
      } else if (name.startsWith("system.") || name.contains("$")) {
        add(errors, COLLECTIONS, "'" + name + "' is not a collection that can be streamed");
      }
    }
    Map<String, Map<String, String>> settings = collectionKeys(props, seen, errors);
    String prefix = base.getString(TOPIC_PREFIX);
    List<CollectionSettings> result = new ArrayList<>();
    Set<String> topics = new HashSet<>();
    for (String name : new LinkedHashSet<>(names)) {
      if (name.isBlank()) {
        continue;
      }
      Map<String, String> s = settings.getOrDefault(name, Map.of());
      CollectionSettings cs = parseCollection(name, s, prefix, defaultMode(base), errors);
      if (cs != null) {
        result.add(cs);
        if (cs.enabled() && !topics.add(cs.topic())) {
          add(
              errors,
              key(name, TOPIC),
              "topic '" + cs.topic() + "' is already used by another collection");
        }
      }
    }
    String heartbeat = base.getString(HEARTBEAT_TOPIC);
    if (heartbeat == null || heartbeat.isBlank()) {
      heartbeat = (prefix == null || prefix.isBlank() ? "" : prefix.trim() + ".") + "heartbeat";
    }
    if (base.getInt(HEARTBEAT_INTERVAL_MS) > 0 && topics.contains(heartbeat.trim())) {
      add(errors, HEARTBEAT_TOPIC, "'" + heartbeat + "' is also a collection's topic; set another");
    }
    if (!names.isEmpty()
        && result.stream().noneMatch(CollectionSettings::enabled)
        && errors.isEmpty()) {
      add(errors, COLLECTIONS, "no collection is enabled");
    }
    String errorsTopic = base.getString(ERRORS_TOPIC);
    if (errorsTopic != null && !errorsTopic.isBlank() && topics.contains(errorsTopic.trim())) {
      add(errors, ERRORS_TOPIC, "'" + errorsTopic + "' is also a collection's topic");
    }
    return result;
  }

  /** Groups {@code collection.<name>.<setting>} keys by collection; unknown ones become errors. */
  private static Map<String, Map<String, String>> collectionKeys(
      Map<String, String> props, Set<String> names, Map<String, List<String>> errors) {
    Map<String, Map<String, String>> byCollection = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : props.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(COLLECTION_PREFIX)) {
        continue;
      }
      String rest = key.substring(COLLECTION_PREFIX.length());
      // Collection names may contain dots: take the longest listed name that leaves a known
      // setting.
      String owner = null;
      String setting = null;
      String ownerWithUnknownSetting = null;
      for (String name : names) {
        if (rest.startsWith(name + ".")) {
          String candidate = rest.substring(name.length() + 1);
          if (COLLECTION_SETTINGS_DOCS.containsKey(candidate)) {
            if (owner == null || name.length() > owner.length()) {
              owner = name;
              setting = candidate;
            }
          } else if (ownerWithUnknownSetting == null
              || name.length() > ownerWithUnknownSetting.length()) {
            ownerWithUnknownSetting = name;
          }
        }
      }
      if (owner != null) {
        byCollection.computeIfAbsent(owner, k -> new LinkedHashMap<>()).put(setting, e.getValue());
      } else if (ownerWithUnknownSetting != null) {
        String unknown = rest.substring(ownerWithUnknownSetting.length() + 1);
        add(
            errors,
            key,
            "unknown setting '"
                + unknown
                + "' for collection '"
                + ownerWithUnknownSetting
                + "'; known settings: "
                + String.join(", ", COLLECTION_SETTINGS_DOCS.keySet()));
      } else {
        add(
            errors,
            key,
            "refers to a collection that is not listed in '"
                + COLLECTIONS
                + "' (known settings per collection: "
                + String.join(", ", COLLECTION_SETTINGS_DOCS.keySet())
                + ")");
      }
    }
    return byCollection;
  }

  private static StartupMode defaultMode(AbstractConfig base) {
    return StartupMode.parse(base.getString(STARTUP_MODE));
  }

  private static CollectionSettings parseCollection(
      String name,
      Map<String, String> s,
      String prefix,
      StartupMode defaultMode,
      Map<String, List<String>> errors) {
    int before = errorCount(errors);
    StartupMode startup = defaultMode;
    String startupText = s.get(STARTUP_MODE);
    if (startupText != null && !startupText.isBlank()) {
      try {
        startup = StartupMode.parse(startupText);
      } catch (IllegalArgumentException e) {
        add(
            errors,
            key(name, STARTUP_MODE),
            "'" + startupText + "' is not one of initial, latest, timestamp, snapshot_only");
      }
    }
    boolean enabled = parseBoolean(name, ENABLED, s.get(ENABLED), true, errors);
    boolean keepMongoId =
        parseBoolean(name, ID_KEEP_MONGO_ID, s.get(ID_KEEP_MONGO_ID), false, errors);
    IdMode mode = IdMode.MATCH_IDS;
    String modeText = s.get(ID_MODE);
    if (modeText != null && !modeText.isBlank()) {
      try {
        mode = IdMode.valueOf(modeText.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        add(
            errors,
            key(name, ID_MODE),
            "'" + modeText + "' is not one of match_ids, single_field, multiple_fields");
      }
    }
    List<String> fields = new ArrayList<>();
    String fieldsText = s.get(ID_FIELDS);
    if (fieldsText != null) {
      for (String f : fieldsText.split(",")) {
        if (!f.isBlank()) {
          fields.add(f.trim());
        }
      }
    }
    String fieldsKey = key(name, ID_FIELDS);
    switch (mode) {
      case MATCH_IDS -> {
        if (!fields.isEmpty()) {
          add(errors, fieldsKey, "match_ids takes the Mongo _id; remove id.fields or set id.mode");
        }
      }
      case SINGLE_FIELD -> {
        if (fields.size() != 1) {
          add(errors, fieldsKey, "single_field needs exactly one field, got " + fields.size());
        }
      }
      case MULTIPLE_FIELDS -> {
        if (fields.size() < 2) {
          add(errors, fieldsKey, "multiple_fields needs two or more fields, got " + fields.size());
        } else if (new HashSet<>(fields).size() != fields.size()) {
          add(errors, fieldsKey, "lists a field twice");
        }
      }
    }
    for (String f : fields) {
      if (f.equals("_id")) {
        add(errors, fieldsKey, "'_id' cannot be an id field; use id.mode=match_ids");
      } else if (f.contains(".") || f.startsWith("$")) {
        add(errors, fieldsKey, "'" + f + "' is not a top-level field name");
      }
    }
    String ditto = s.getOrDefault(DITTO_COLLECTION, name).trim();
    if (ditto.isEmpty()) {
      add(errors, key(name, DITTO_COLLECTION), "must not be empty");
    }
    String topic = s.get(TOPIC);
    if (topic == null || topic.isBlank()) {
      topic = prefix == null || prefix.isBlank() ? name : prefix.trim() + "." + name;
      if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
        add(
            errors,
            key(name, TOPIC),
            "the default topic '" + topic + "' is not a valid Kafka topic name; set this key");
      }
    } else {
      topic = topic.trim();
      if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
        add(errors, key(name, TOPIC), "'" + topic + "' is not a valid Kafka topic name");
      }
    }
    SyncRules rules = SyncRulesSettings.parse(name, s, errors);
    if (errorCount(errors) != before) {
      return null;
    }
    return new CollectionSettings(
        enabled,
        new CollectionMapping(name, ditto, mode, fields, keepMongoId),
        topic,
        startup,
        rules);
  }

  private static boolean parseBoolean(
      String name, String setting, String value, boolean dflt, Map<String, List<String>> errors) {
    if (value == null || value.isBlank()) {
      return dflt;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    add(errors, key(name, setting), "'" + value + "' is not true or false");
    return dflt;
  }

  private static int errorCount(Map<String, List<String>> errors) {
    return errors.values().stream().mapToInt(List::size).sum();
  }

  /**
   * A copy's sweep deletes the Ditto documents its own collection did not copy: two collections
   * writing into one Ditto collection would sweep each other's documents away.
   */
  private static void checkOneDittoCollectionEach(
      List<CollectionSettings> collections, Map<String, List<String>> errors) {
    Map<String, String> owner = new HashMap<>();
    for (CollectionSettings c : collections) {
      if (!c.enabled()) {
        continue;
      }
      String ditto = c.mapping().dittoCollection();
      String other = owner.putIfAbsent(ditto, c.name());
      if (other != null) {
        add(
            errors,
            key(c.name(), DITTO_COLLECTION),
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

  private static void add(Map<String, List<String>> errors, String key, String message) {
    errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
  }

  public static String key(String collection, String setting) {
    return COLLECTION_PREFIX + collection + "." + setting;
  }

  private static ConfigDef buildConfigDef() {
    ConfigDef def = new ConfigDef();
    int o = 0;
    def.define(
        MONGODB_URI,
        Type.PASSWORD,
        ConfigDef.NO_DEFAULT_VALUE,
        new NonBlankPassword(),
        Importance.HIGH,
        "MongoDB connection string (mongodb:// or mongodb+srv://), credentials included. Stored and"
            + " shown as a password and never logged. Keep it out of the connector config with a Connect"
            + " config provider, e.g. ${env:MONGODB_CONNECTION_STRING} or ${file:/etc/secrets/mongo.properties:uri}.",
        GROUP_CONNECTION,
        ++o,
        Width.LONG,
        "MongoDB URI");
    def.define(
        MONGODB_DATABASE,
        Type.STRING,
        ConfigDef.NO_DEFAULT_VALUE,
        new ConfigDef.NonEmptyStringWithoutControlChars(),
        Importance.HIGH,
        "The MongoDB database that holds the collections.",
        GROUP_CONNECTION,
        ++o,
        Width.MEDIUM,
        "Database");
    def.define(
        SERVER_SELECTION_TIMEOUT_MS,
        Type.INT,
        30_000,
        ConfigDef.Range.atLeast(1),
        Importance.LOW,
        "How long the driver waits for a usable server before an operation fails (the task's own"
            + " setting; validation uses at most 5000 ms).",
        GROUP_CONNECTION,
        ++o,
        Width.SHORT,
        "Server selection timeout (ms)");
    ValuesRecommender tlsOnly = ValuesRecommender.tls();
    def.define(
        TLS_ENABLED,
        Type.BOOLEAN,
        false,
        Importance.MEDIUM,
        "Use TLS. Also turned on by tls=true or mongodb+srv:// in the URI.",
        GROUP_CONNECTION,
        ++o,
        Width.SHORT,
        "TLS",
        List.of(
            TLS_ALLOW_INVALID_HOSTNAMES,
            TLS_TRUSTSTORE_PATH,
            TLS_TRUSTSTORE_PASSWORD,
            TLS_TRUSTSTORE_TYPE,
            TLS_KEYSTORE_PATH,
            TLS_KEYSTORE_PASSWORD,
            TLS_KEYSTORE_TYPE));
    def.define(
        TLS_ALLOW_INVALID_HOSTNAMES,
        Type.BOOLEAN,
        false,
        Importance.LOW,
        "Accept a server certificate whose host name does not match (testing only).",
        GROUP_CONNECTION,
        ++o,
        Width.SHORT,
        "TLS: allow invalid host names",
        List.of(),
        tlsOnly);
    def.define(
        TLS_TRUSTSTORE_PATH,
        Type.STRING,
        "",
        Importance.MEDIUM,
        "Trust store with the CA that signed the server certificate. Empty: the JVM's default trust store.",
        GROUP_CONNECTION,
        ++o,
        Width.LONG,
        "TLS: trust store path",
        List.of(),
        tlsOnly);
    def.define(
        TLS_TRUSTSTORE_PASSWORD,
        Type.PASSWORD,
        null,
        Importance.MEDIUM,
        "Password of the trust store.",
        GROUP_CONNECTION,
        ++o,
        Width.MEDIUM,
        "TLS: trust store password",
        List.of(),
        tlsOnly);
    def.define(
        TLS_TRUSTSTORE_TYPE,
        Type.STRING,
        "PKCS12",
        ConfigDef.ValidString.in("PKCS12", "JKS"),
        Importance.LOW,
        "Trust store format.",
        GROUP_CONNECTION,
        ++o,
        Width.SHORT,
        "TLS: trust store type",
        List.of(),
        ValuesRecommender.tls("PKCS12", "JKS"));
    def.define(
        TLS_KEYSTORE_PATH,
        Type.STRING,
        "",
        Importance.LOW,
        "Key store with the client certificate, for X.509 authentication. Empty: none.",
        GROUP_CONNECTION,
        ++o,
        Width.LONG,
        "TLS: key store path",
        List.of(),
        tlsOnly);
    def.define(
        TLS_KEYSTORE_PASSWORD,
        Type.PASSWORD,
        null,
        Importance.LOW,
        "Password of the key store and its key.",
        GROUP_CONNECTION,
        ++o,
        Width.MEDIUM,
        "TLS: key store password",
        List.of(),
        tlsOnly);
    def.define(
        TLS_KEYSTORE_TYPE,
        Type.STRING,
        "PKCS12",
        ConfigDef.ValidString.in("PKCS12", "JKS"),
        Importance.LOW,
        "Key store format.",
        GROUP_CONNECTION,
        ++o,
        Width.SHORT,
        "TLS: key store type",
        List.of(),
        ValuesRecommender.tls("PKCS12", "JKS"));

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

    o = 0;
    def.define(
        TOPIC_PREFIX,
        Type.STRING,
        "mongoditto",
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
        HistoryLostPolicy.FAIL.configValue(),
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
        ValuesRecommender.of("fail", "resnapshot"));
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
        StartupMode.INITIAL.configValue(),
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
        ValuesRecommender.of("initial", "latest", "timestamp", "snapshot_only"));
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
        SnapshotSweep.HISTORY_LOST.configValue(),
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
        ValuesRecommender.of("history_lost", "always", "never"));
    def.defineInternal(TASK_COLLECTIONS, Type.LIST, "", Importance.LOW);
    def.defineInternal(SNAPSHOT_AWAIT_STORED_START, Type.BOOLEAN, true, Importance.LOW);
    return def;
  }

  public Password uri() {
    return uri;
  }

  public String database() {
    return database;
  }

  public int serverSelectionTimeoutMs() {
    return serverSelectionTimeoutMs;
  }

  public TlsSettings tls() {
    return tls;
  }

  /** Every listed collection in configured order, disabled ones included. */
  public List<CollectionSettings> collections() {
    return collections;
  }

  public List<CollectionSettings> enabledCollections() {
    return collections.stream().filter(CollectionSettings::enabled).toList();
  }

  /** The collections this task streams: its assignment, or every enabled one outside a task. */
  public List<CollectionSettings> assignedCollections() {
    if (taskCollections == null) {
      return enabledCollections();
    }
    return enabledCollections().stream().filter(c -> taskCollections.contains(c.name())).toList();
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
   * The mapped documents this source may send: {@value #RECORD_MAX_BYTES}, or Ditto's limit if
   * lower.
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

  /** TLS settings for the driver. Passwords stay {@link Password}s so they never print. */
  public record TlsSettings(
      boolean enabled,
      boolean allowInvalidHostnames,
      String truststorePath,
      Password truststorePassword,
      String truststoreType,
      String keystorePath,
      Password keystorePassword,
      String keystoreType) {}

  private static final class NonBlankPassword implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null
          || ((Password) value).value() == null
          || ((Password) value).value().isBlank()) {
        throw new ConfigException(name, "[hidden]", "must not be empty");
      }
    }

    @Override
    public String toString() {
      return "non-empty";
    }
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

  /** Recommends fixed values; TLS details are shown only when TLS is on. */
  private static final class ValuesRecommender implements ConfigDef.Recommender {
    private final List<Object> values;
    private final boolean onlyWithTls;

    private ValuesRecommender(List<Object> values, boolean onlyWithTls) {
      this.values = values;
      this.onlyWithTls = onlyWithTls;
    }

    static ValuesRecommender of(Object... values) {
      return new ValuesRecommender(List.of(values), false);
    }

    static ValuesRecommender tls(Object... values) {
      return new ValuesRecommender(List.of(values), true);
    }

    @Override
    public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
      return values;
    }

    @Override
    public boolean visible(String name, Map<String, Object> parsedConfig) {
      return !onlyWithTls || Boolean.TRUE.equals(parsedConfig.get(TLS_ENABLED));
    }
  }
}
