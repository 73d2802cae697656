package io.mongoditto.source;

import io.mongoditto.mapping.CollectionMapping;
import java.util.Objects;

/**
 * Everything the source needs about one configured MongoDB collection: whether it is synced, how
 * its documents map to Ditto and which topic carries its changes. Immutable.
 *
 * @param enabled a disabled collection is listed but not streamed (e.g. product_embeddings)
 * @param mapping the id mapping handed to the mapper
 * @param topic the Kafka topic of its changes
 */
public record CollectionSettings(boolean enabled, CollectionMapping mapping, String topic) {

  public CollectionSettings {
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(topic, "topic");
  }

  public String name() {
    return mapping.mongoCollection();
  }
}
