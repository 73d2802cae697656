package io.mongoditto.mapping;

import org.bson.BsonDocument;

/**
 * Turns MongoDB change events and snapshot documents of one collection into Ditto changes. Pure: no
 * I/O. Fed with events exactly as the server sends them (see MongoDB's change-streams spec).
 */
public final class ChangeEventMapper {

  private final CollectionMapping mapping;
  private final ConversionStats stats;

  public ChangeEventMapper(CollectionMapping mapping, ConversionStats stats) {
    this.mapping = mapping;
    this.stats = stats;
  }

  public CollectionMapping mapping() {
    return mapping;
  }

  /**
   * Maps one data change event ({@code insert}, {@code update}, {@code replace}, {@code delete}).
   * Other operation types ({@code drop}, {@code invalidate}, {@code rename}, ...) are the caller's
   * business and must not be passed here.
   */
  public MappingResult map(BsonDocument changeEvent) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Maps one document read by the snapshot: an upsert with {@code replace=true}. */
  public MappingResult mapSnapshot(BsonDocument document, long readTimeMillis) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
