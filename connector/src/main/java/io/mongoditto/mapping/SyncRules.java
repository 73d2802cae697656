package io.mongoditto.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.bson.BsonDocument;

/**
 * What of one collection goes to Ditto and in which shape: its optional filter (MongoDB query
 * language) and its field transformations. The source connector builds its mapper from this, and so
 * should anything that compares MongoDB with Ditto ({@code verify}): count with {@link
 * #mongoQuery()}, map with {@link #mapper}. Immutable and thread-safe.
 */
public final class SyncRules {

  /** Every document, unchanged. */
  public static final SyncRules NONE = new SyncRules(null, FieldTransforms.NONE);

  private final QueryFilter filter;
  private final FieldTransforms transforms;

  /**
   * Computed once: every record of a collection with rules carries it in its offset, and
   * serializing and hashing the rules per record cost about a sixth of the source's CPU per event.
   */
  private final String fingerprint;

  private SyncRules(QueryFilter filter, FieldTransforms transforms) {
    this.filter = filter;
    this.transforms = java.util.Objects.requireNonNull(transforms, "transforms");
    this.fingerprint = digest(describe());
  }

  /**
   * @param filter null for every document
   */
  public static SyncRules of(QueryFilter filter, FieldTransforms transforms) {
    return filter == null && transforms.isEmpty() ? NONE : new SyncRules(filter, transforms);
  }

  /**
   * Reads the four per-collection settings (each may be null or blank: not set).
   *
   * @throws IllegalArgumentException naming what is wrong (see {@link QueryFilter#parse} and {@link
   *     FieldTransforms#parse})
   */
  public static SyncRules parse(String filterJson, String exclude, String rename, String convert) {
    QueryFilter filter =
        filterJson == null || filterJson.isBlank() ? null : QueryFilter.parse(filterJson);
    return of(filter, FieldTransforms.parse(exclude, rename, convert));
  }

  public Optional<QueryFilter> filter() {
    return Optional.ofNullable(filter);
  }

  public FieldTransforms transforms() {
    return transforms;
  }

  public boolean isEmpty() {
    return filter == null && transforms.isEmpty();
  }

  /** The query selecting the documents that belong in Ditto: the filter, or {@code {}} (all). */
  public BsonDocument mongoQuery() {
    return filter == null ? new BsonDocument() : filter.query();
  }

  /** Whether a MongoDB document (as stored) belongs in Ditto. */
  public DocumentFilter documentFilter() {
    return filter == null ? DocumentFilter.ALL : filter.documentFilter();
  }

  /** The mapper for this collection: its id mapping plus this filter and these transformations. */
  public ChangeEventMapper mapper(CollectionMapping mapping, ConversionStats stats) {
    return mapper(mapping, stats, DocumentSizeLimit.DITTO);
  }

  /** As {@link #mapper(CollectionMapping, ConversionStats)}, with a lower document size limit. */
  public ChangeEventMapper mapper(
      CollectionMapping mapping, ConversionStats stats, DocumentSizeLimit sizeLimit) {
    return new ChangeEventMapper(mapping, stats, documentFilter(), transforms, sizeLimit);
  }

  /**
   * A short, stable digest of the filter and transformations: two configurations with the same
   * fingerprint select and shape documents alike. Used to notice a change across restarts.
   */
  public String fingerprint() {
    return fingerprint;
  }

  private static String digest(String description) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(description.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** For logs: the filter and the transformations. */
  public String describe() {
    return "filter=" + (filter == null ? "(none)" : filter.toString()) + ", " + transforms;
  }

  @Override
  public String toString() {
    return "SyncRules[" + describe() + "]";
  }
}
