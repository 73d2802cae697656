package io.mongoditto.source;

import io.mongoditto.change.DittoChange;
import io.mongoditto.mapping.JsonSize;
import io.mongoditto.mapping.MappingError;
import io.mongoditto.mapping.MappingResult;

/**
 * Turns a mapped document too large for Kafka into a bad document (errors topic, with its size)
 * instead of a record the producer refuses, which fails the task, or drops silently under
 * {@code errors.tolerance=all}. Ditto's own 5 MiB limit is the mapper's concern.
 */
final class RecordSizeGuard {

  private final String collection;
  private final long maxBytes;

  /**
   * @param collection the MongoDB collection, for the error
   * @param maxBytes {@value MongoSourceConfig#RECORD_MAX_BYTES}: the largest document JSON sent to Kafka
   */
  RecordSizeGuard(String collection, long maxBytes) {
    this.collection = collection;
    this.maxBytes = maxBytes;
  }

  MappingResult check(MappingResult result) {
    if (result.failed()) {
      return result;
    }
    for (DittoChange change : result.changes()) {
      if (change.document() != null && JsonSize.exceeds(change.document(), maxBytes)) {
        return MappingResult.failed(new MappingError(collection, change.sourceId(), null,
            "the mapped document is " + JsonSize.of(change.document()) + " bytes of JSON, above "
                + MongoSourceConfig.RECORD_MAX_BYTES + "=" + maxBytes + " (Kafka refuses records over the"
                + " producer's max.request.size, 1 MiB by default): raise " + MongoSourceConfig.RECORD_MAX_BYTES
                + " together with the Kafka limits (docs/source-connector.md, \"Large documents\"), or exclude"
                + " large fields"));
      }
    }
    return result;
  }
}
