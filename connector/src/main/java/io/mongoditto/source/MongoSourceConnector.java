package io.mongoditto.source;

import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionSetting;
import io.mongoditto.config.Direction;
import io.mongoditto.config.MongoConnectionConfig;
import io.mongoditto.connect.ConfigValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.runtime.rest.errors.BadRequestException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect source for MongoDB change streams, producing Ditto-shaped changes. Spreads the
 * enabled collections over up to {@code tasks.max} tasks; {@link #validate} checks the config and
 * the server itself.
 */
public final class MongoSourceConnector extends SourceConnector {

  private static final Logger log = LoggerFactory.getLogger(MongoSourceConnector.class);

  private Map<String, String> props;
  private MongoSourceConfig config;

  @Override
  public String version() {
    return io.mongoditto.PluginVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    this.config = MongoSourceConfig.of(props);
    this.props = Map.copyOf(props);
    log.info(
        "MongoDB source connector {} started with config {}",
        name(),
        io.mongoditto.metrics.EffectiveConfig.format(MongoSourceConfigDef.CONFIG_DEF, props));
  }

  private String name() {
    return props == null ? "?" : props.getOrDefault("name", "?");
  }

  @Override
  public Class<? extends Task> taskClass() {
    return MongoSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<String> names = config.streamedCollections().stream().map(CollectionConfig::name).toList();
    List<Map<String, String>> configs = new ArrayList<>();
    for (List<String> group : TaskAssignment.assign(names, maxTasks)) {
      Map<String, String> task = new HashMap<>(props);
      task.put(MongoSourceConfigDef.TASK_COLLECTIONS, String.join(",", group));
      configs.add(task);
    }
    // Connect asks on start and on every reconfiguration; the line shows the new assignment.
    log.info(
        "MongoDB source connector {}: {} task(s) for collections {}",
        name(),
        configs.size(),
        configs.stream().map(c -> c.get(MongoSourceConfigDef.TASK_COLLECTIONS)).toList());
    return configs;
  }

  @Override
  public void stop() {
    config = null;
    log.info("MongoDB source connector {} stopped", name());
  }

  @Override
  public ConfigDef config() {
    return MongoSourceConfigDef.CONFIG_DEF;
  }

  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    // Offsets and records could be written atomically, but a resumed change stream is only exact
    // after the last committed token; nothing stops duplicates upstream of that. Ditto applies
    // idempotent upserts, so at-least-once is what we promise.
    return ExactlyOnceSupport.UNSUPPORTED;
  }

  /**
   * Accepts offsets written through {@code PATCH /connectors/NAME/offsets} when they have our shape
   * and name a collection this connector streams, and every reset ({@code DELETE .../offsets}, null
   * offsets, also of collections no longer configured): a collection without an offset starts per
   * its startup mode, e.g. a new snapshot under {@code initial}. Anything else is answered with
   * HTTP 400 and the reason ({@link BadRequestException}).
   */
  @Override
  public boolean alterOffsets(
      Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
    String database = connectorConfig.get(MongoConnectionConfig.MONGODB_DATABASE);
    MongoSourceConfig.Parsed parsed = MongoSourceConfig.parse(connectorConfig);
    for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
      Object ns = e.getKey() == null ? null : e.getKey().get(SourceOffsets.NAMESPACE);
      if (!(ns instanceof String s) || (database != null && !s.startsWith(database + "."))) {
        throw new BadRequestException(
            "partition "
                + e.getKey()
                + " is not one of this connector's: expected {\""
                + SourceOffsets.NAMESPACE
                + "\": \""
                + database
                + ".<collection>\"}");
      }
      if (e.getValue() == null) {
        continue; // a reset is always fine
      }
      if (parsed.config() != null) {
        String collection = s.substring(database.length() + 1);
        String problem = notStreamed(parsed.config(), collection);
        if (problem != null) {
          throw new BadRequestException("offset for " + ns + " rejected: " + problem);
        }
      }
      try {
        SourceOffset.parse(e.getValue());
      } catch (IllegalArgumentException invalid) {
        throw new BadRequestException(
            "offset for "
                + ns
                + " rejected: "
                + invalid.getMessage()
                + " (see docs/source-connector.md, \"Offsets\")");
      }
    }
    return true;
  }

  /** Why this connector never reads the offset of {@code collection}, or null when it does. */
  private static String notStreamed(MongoSourceConfig config, String collection) {
    CollectionConfig c =
        config.collections().stream()
            .filter(x -> x.name().equals(collection))
            .findFirst()
            .orElse(null);
    if (c == null) {
      return "collection '"
          + collection
          + "' is not listed in '"
          + MongoSourceConfigDef.COLLECTIONS
          + "' "
          + config.collections().stream().map(CollectionConfig::name).toList();
    }
    if (!c.enabled()) {
      return "collection '"
          + collection
          + "' is disabled ("
          + CollectionSetting.ENABLED.keyFor(collection)
          + "=false), so this connector never reads its offset";
    }
    if (!c.syncs(Direction.MONGO_TO_DITTO)) {
      return "collection '"
          + collection
          + "' is synced "
          + c.direction().configValue()
          + " only ("
          + CollectionSetting.DIRECTION.keyFor(collection)
          + "), so this connector never reads its offset";
    }
    return null;
  }

  /**
   * The ConfigDef checks, then the per-collection keys, then (only if those pass) the server: each
   * problem on the key to fix, so UIs and {@code PUT .../config/validate} show it there.
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    ConfigValidation validation = new ConfigValidation(super.validate(connectorConfigs));
    if (validation.hasErrors()) {
      return validation.result();
    }
    MongoSourceConfig.Parsed parsed = MongoSourceConfig.parse(connectorConfigs);
    validation.errors(
        parsed.config() == null ? parsed.errors() : SourceConnectionCheck.check(parsed.config()));
    return validation.result();
  }
}
