package io.mongoditto.change;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Brackets a copy after which Ditto must hold exactly what was copied (and streamed since): the
 * source sends a {@link Phase#START} to every partition of the collection's topic before the copy
 * and an {@link Phase#END} after it. On {@code END}, the sink deletes the collection's Ditto
 * documents that belong to that partition ({@link CanonicalIds#partition}) and that no record
 * between the two markers touched: documents deleted in MongoDB while their changes could not be
 * read (lost change stream history), or that stopped matching a filter.
 *
 * @param collection the Ditto collection
 * @param phase start or end
 * @param epoch names one copy: a source that starts that copy over sends the same epoch again
 * @param partition the topic partition this marker was sent to
 * @param partitions how many partitions the source spreads the collection's documents over
 * @param origin the source whose documents the sweep may delete (see {@link DittoChange#origin()});
 *     null on markers of sources that did not name themselves
 */
public record SweepMarker(
    String collection, Phase phase, String epoch, int partition, int partitions, String origin) {

  public enum Phase {
    START,
    END;

    String op() {
      return "sweep_" + name().toLowerCase(Locale.ROOT);
    }
  }

  static final String EPOCH = "epoch";
  static final String PARTITION = "partition";
  static final String PARTITIONS = "partitions";

  public SweepMarker {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(epoch, "epoch");
    if (partitions < 1 || partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition " + partition + " of " + partitions);
    }
  }

  /** A marker of a source that did not name itself. */
  public SweepMarker(String collection, Phase phase, String epoch, int partition, int partitions) {
    this(collection, phase, epoch, partition, partitions, null);
  }

  /** The record key: unique per copy, phase and partition, so log compaction keeps every marker. */
  public String key() {
    return "mongoditto.sweep."
        + phase.name().toLowerCase(Locale.ROOT)
        + "."
        + epoch
        + "."
        + partition;
  }

  /** Whether {@code id} is a document whose records travel on this marker's partition. */
  public boolean covers(Object id) {
    return CanonicalIds.partition(id, partitions) == partition;
  }

  public Map<String, Object> toValue() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put(DittoChangeCodec.COLLECTION, collection);
    value.put(DittoChangeCodec.OPERATION, phase.op());
    value.put(EPOCH, epoch);
    value.put(PARTITION, (long) partition);
    value.put(PARTITIONS, (long) partitions);
    if (origin != null) {
      value.put(DittoChangeCodec.ORIGIN, origin);
    }
    return value;
  }

  /** Whether a record value is a marker rather than a {@link DittoChange}. */
  public static boolean isMarker(Object value) {
    return value instanceof Map<?, ?> map
        && map.get(DittoChangeCodec.OPERATION) instanceof String op
        && op.startsWith("sweep_");
  }

  /**
   * @throws DittoChangeCodec.InvalidChangeException naming the missing or malformed field
   */
  public static SweepMarker fromValue(Map<?, ?> value) {
    Object op = value.get(DittoChangeCodec.OPERATION);
    Phase phase = null;
    for (Phase p : Phase.values()) {
      if (p.op().equals(op)) {
        phase = p;
      }
    }
    if (phase == null) {
      throw new DittoChangeCodec.InvalidChangeException(
          "field 'op' is '" + op + "', expected sweep_start or sweep_end");
    }
    if (!(value.get(DittoChangeCodec.COLLECTION) instanceof String collection)
        || collection.isEmpty()) {
      throw new DittoChangeCodec.InvalidChangeException("a sweep marker needs field 'collection'");
    }
    if (!(value.get(EPOCH) instanceof String epoch) || epoch.isEmpty()) {
      throw new DittoChangeCodec.InvalidChangeException(
          "a sweep marker needs field '" + EPOCH + "'");
    }
    if (!(value.get(PARTITION) instanceof Number partition)
        || !(value.get(PARTITIONS) instanceof Number partitions)) {
      throw new DittoChangeCodec.InvalidChangeException(
          "a sweep marker needs numeric fields '" + PARTITION + "' and '" + PARTITIONS + "'");
    }
    try {
      String origin =
          value.get(DittoChangeCodec.ORIGIN) instanceof String o && !o.isEmpty() ? o : null;
      return new SweepMarker(
          collection, phase, epoch, partition.intValue(), partitions.intValue(), origin);
    } catch (IllegalArgumentException e) {
      throw new DittoChangeCodec.InvalidChangeException("a sweep marker for " + e.getMessage());
    }
  }
}
