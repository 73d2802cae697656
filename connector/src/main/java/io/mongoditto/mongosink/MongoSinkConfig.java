package io.mongoditto.mongosink;

import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionSetting;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.config.ConfigErrors;
import io.mongoditto.config.Direction;
import io.mongoditto.config.MongoConnectionConfig;
import io.mongoditto.ditto.DittoConnectionConfig;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.mongo.ConnectorSessions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of the Ditto -> MongoDB sink connector: the MongoDB connection ({@link
 * MongoConnectionConfig}, the same keys as the source), the Ditto connection ({@link
 * DittoConnectionConfig}, for the values it writes back in canonical form and for reconciling after
 * {@code requeryRequired}), and the collections, read by the one {@link CollectionsParser} the
 * source uses: the same {@code collection.<name>.*} keys describe both directions. Immutable.
 */
public final class MongoSinkConfig {

  public static final String COLLECTIONS = CollectionsParser.COLLECTIONS;
  public static final String LOG_SUMMARY_INTERVAL_MS = "log.summary.interval.ms";
  public static final String REQUERY_RECONCILE = "cdc.requery.reconcile";

  /** Internal: which of the connector's tasks this is (set by the connector). */
  public static final String TASK_ID = "mongoditto.task.id";

  private static final String GROUP_COLLECTIONS = "Collections";
  private static final String GROUP_CDC = "Ditto CDC";

  public static final ConfigDef CONFIG_DEF = build();

  private final AbstractConfig base;
  private final List<CollectionConfig> collections;
  private final MongoConnectionConfig mongo;
  private final DittoHttpClient.Settings ditto;
  private final String connectorName;

  private MongoSinkConfig(
      AbstractConfig base, List<CollectionConfig> collections, String connectorName) {
    this.base = base;
    this.connectorName = connectorName;
    this.collections = List.copyOf(collections);
    this.mongo = MongoConnectionConfig.from(base);
    this.ditto = DittoConnectionConfig.settings(base);
  }

  private static ConfigDef build() {
    ConfigDef def = MongoConnectionConfig.define(new ConfigDef());
    DittoConnectionConfig.define(
        def,
        "It needs read permission on the synced collections (to reconcile after requeryRequired)"
            + " and write permission (values MongoDB keeps in another form are written back in"
            + " canonical form).",
        "The task then hands the records of that put() back to Connect, which delivers them again"
            + " after a backoff.");
    def.define(
        COLLECTIONS,
        Type.LIST,
        ConfigDef.NO_DEFAULT_VALUE,
        Importance.HIGH,
        "The MongoDB collections, comma-separated, with the same collection.<name>.<setting> keys as"
            + " the source connector (id mode, id fields, Ditto collection, filter, transformations,"
            + " value mode, MongoDB id type, direction): one description of a collection serves both"
            + " directions. This connector writes the enabled collections whose direction is both or"
            + " ditto_to_mongo; CDC events of other Ditto collections are counted and skipped.",
        GROUP_COLLECTIONS,
        1,
        Width.LONG,
        "Collections");
    def.define(
        REQUERY_RECONCILE,
        Type.BOOLEAN,
        true,
        Importance.MEDIUM,
        "On a requeryRequired event (Ditto's CDC lost track of changes), read every synced Ditto"
            + " collection and repair MongoDB in the safe direction: documents MongoDB lacks are"
            + " inserted and fields it lacks are added; values both sides hold differently are"
            + " counted as conflicts and left alone; nothing is deleted (see"
            + " docs/ditto-to-mongodb.md). false: only count and log the event.",
        GROUP_CDC,
        1,
        Width.SHORT,
        "Reconcile on requery");
    def.define(
        LOG_SUMMARY_INTERVAL_MS,
        Type.LONG,
        60_000L,
        ConfigDef.Range.atLeast(0),
        Importance.LOW,
        "How often each task logs one INFO summary line (events, documents written, echoes,"
            + " duplicates, conflicts, dead-lettered, lag); 0 turns the summaries off.",
        GROUP_CDC,
        2,
        Width.SHORT,
        "Log summary interval (ms)");
    def.defineInternal(TASK_ID, Type.STRING, "0", Importance.LOW);
    return def;
  }

  /** What {@link #parse} found: the config, or null with the problems by key. */
  public record Parsed(MongoSinkConfig config, Map<String, List<String>> errors) {}

  /** Parses and validates; throws one {@link ConfigException} listing every problem. */
  public static MongoSinkConfig of(Map<String, String> props) {
    Parsed parsed = parse(props);
    if (parsed.config() == null) {
      ConfigErrors errors = new ConfigErrors();
      errors.addAll(parsed.errors());
      throw errors.toException("Invalid Ditto -> MongoDB sink configuration:");
    }
    return parsed.config();
  }

  /** Parses what can be parsed and collects every problem by config key. */
  public static Parsed parse(Map<String, String> props) {
    ConfigErrors errors = new ConfigErrors();
    AbstractConfig base;
    try {
      base = new AbstractConfig(CONFIG_DEF, props, false);
    } catch (ConfigException e) {
      errors.add(keyOf(e.getMessage()), e.getMessage());
      return new Parsed(null, errors.asMap());
    }
    List<CollectionConfig> collections = CollectionsParser.parse(props, errors);
    List<CollectionConfig> written =
        collections.stream().filter(c -> c.syncs(Direction.DITTO_TO_MONGO)).toList();
    if (errors.isEmpty() && written.isEmpty()) {
      errors.add(
          COLLECTIONS,
          "no enabled collection is synced from Ditto to MongoDB: set"
              + " collection.<name>.direction to both or ditto_to_mongo for at least one");
    }
    Map<String, String> owner = new HashMap<>();
    for (CollectionConfig c : written) {
      String other = owner.putIfAbsent(c.mapping().dittoCollection(), c.name());
      if (other != null) {
        errors.add(
            CollectionSetting.DITTO_COLLECTION.keyFor(c.name()),
            "Ditto collection '"
                + c.mapping().dittoCollection()
                + "' is also the Ditto collection of '"
                + other
                + "': a Ditto document would not know which MongoDB collection it belongs to."
                + " Set the direction of one of them to mongo_to_ditto.");
      }
    }
    try {
      DittoConnectionConfig.settings(base);
    } catch (ConfigException e) {
      errors.add(DittoConnectionConfig.ENDPOINT, e.getMessage());
    }
    if (!errors.isEmpty()) {
      return new Parsed(null, errors.asMap());
    }
    return new Parsed(
        new MongoSinkConfig(base, collections, props.getOrDefault("name", "mongo-sink")), Map.of());
  }

  private static String keyOf(String message) {
    if (message != null) {
      int start = message.indexOf('"');
      int end = message.indexOf('"', start + 1);
      if (start >= 0 && end > start) {
        return message.substring(start + 1, end);
      }
    }
    return COLLECTIONS;
  }

  public MongoConnectionConfig mongo() {
    return mongo;
  }

  public String database() {
    return mongo.database();
  }

  /**
   * The collections this direction keeps its own state in, next to the data, which it writes as it
   * writes the synced ones: its sessions ({@link ConnectorSessions}), the values Ditto holds from
   * an older MongoDB state ({@link StaleWriteStore}) and the highest CDC transaction each task
   * applied ({@link AppliedMarks}).
   */
  public static List<String> ownCollections() {
    return List.of(
        ConnectorSessions.COLLECTION, StaleWriteStore.COLLECTION, AppliedMarks.COLLECTION);
  }

  public DittoHttpClient.Settings ditto() {
    return ditto;
  }

  /** Every listed collection, disabled ones and other directions included. */
  public List<CollectionConfig> collections() {
    return collections;
  }

  /** The collections this connector writes to MongoDB. */
  public List<CollectionConfig> writtenCollections() {
    return collections.stream().filter(c -> c.syncs(Direction.DITTO_TO_MONGO)).toList();
  }

  public boolean reconcileOnRequery() {
    return base.getBoolean(REQUERY_RECONCILE);
  }

  public long logSummaryIntervalMs() {
    return base.getLong(LOG_SUMMARY_INTERVAL_MS);
  }

  public String taskId() {
    return base.getString(TASK_ID);
  }

  /** The connector's name (Connect's {@code name}), under which MongoDB sessions are recorded. */
  public String connectorName() {
    return connectorName;
  }
}
