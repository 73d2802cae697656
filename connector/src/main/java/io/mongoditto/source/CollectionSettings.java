package io.mongoditto.source;

import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.SyncRules;
import java.util.Objects;

/**
 * Everything the source needs about one configured MongoDB collection: whether it is synced, how
 * its documents map to Ditto, which topic carries its changes and how it starts. Immutable.
 *
 * @param enabled a disabled collection is listed but not streamed (e.g. product_embeddings)
 * @param mapping the id mapping handed to the mapper
 * @param topic the Kafka topic of its changes
 * @param startupMode what the collection does when it has no stored offset
 * @param rules its filter and field transformations ({@link SyncRules#NONE}: all documents, as they
 *     are)
 */
public record CollectionSettings(
    boolean enabled,
    CollectionMapping mapping,
    String topic,
    StartupMode startupMode,
    SyncRules rules) {

  public CollectionSettings {
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(startupMode, "startupMode");
    Objects.requireNonNull(rules, "rules");
  }

  /** Settings without filter or transformations. */
  public CollectionSettings(
      boolean enabled, CollectionMapping mapping, String topic, StartupMode startupMode) {
    this(enabled, mapping, topic, startupMode, SyncRules.NONE);
  }

  public String name() {
    return mapping.mongoCollection();
  }
}
