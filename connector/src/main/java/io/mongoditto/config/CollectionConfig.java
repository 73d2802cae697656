package io.mongoditto.config;

import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.SyncRules;
import java.util.Objects;

/**
 * One configured MongoDB collection, as {@link CollectionsParser} read it from {@code
 * collection.<name>.<setting>}: whether and which way it is synced, how its documents map to Ditto
 * (id mode, value mode, MongoDB id type), which topic carries its changes, how it starts and its
 * filter and field transformations. Immutable.
 *
 * @param enabled a disabled collection is listed but not synced (e.g. product_embeddings)
 * @param direction which connectors sync it
 * @param mapping the id and value mapping handed to the mappers
 * @param topic the Kafka topic of its changes (the source's)
 * @param startupMode what the source does for it when it has no stored offset
 * @param rules its filter and field transformations ({@link SyncRules#NONE}: all documents, as they
 *     are)
 */
public record CollectionConfig(
    boolean enabled,
    Direction direction,
    CollectionMapping mapping,
    String topic,
    StartupMode startupMode,
    SyncRules rules) {

  public CollectionConfig {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(startupMode, "startupMode");
    Objects.requireNonNull(rules, "rules");
  }

  /** An enabled collection synced both ways. */
  public CollectionConfig(
      CollectionMapping mapping, String topic, StartupMode startupMode, SyncRules rules) {
    this(true, Direction.BOTH, mapping, topic, startupMode, rules);
  }

  /** An enabled collection synced both ways, without filter or transformations. */
  public CollectionConfig(CollectionMapping mapping, String topic, StartupMode startupMode) {
    this(mapping, topic, startupMode, SyncRules.NONE);
  }

  public String name() {
    return mapping.mongoCollection();
  }

  /** Whether the connector that syncs {@code oneWay} syncs this collection. */
  public boolean syncs(Direction oneWay) {
    return enabled && direction.includes(oneWay);
  }
}
