package io.mongoditto.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Where one collection's reading stands, typed: the readers and the copier pass these around, and
 * only {@link ChangeRecordFactory} renders one as Connect's offset map ({@link #toMap()}, the
 * shapes of {@link SourceOffsets}) when it builds a record. A stored offset is read once, at start
 * ({@link #parse}).
 */
sealed interface SourceOffset {

  /** The offset map Connect stores, in the shapes {@link SourceOffsets} documents. */
  Map<String, Object> toMap();

  /** Where the change stream continues from: the resume token, or a copy's start position. */
  BsonDocument streamPosition();

  static Stream stream(BsonDocument resumeToken) {
    return new Stream(resumeToken, null);
  }

  /**
   * @param copyEnd the stream position taken when a copy ended, while the stream catches up over it
   *     ({@link CopyWindow}); null otherwise
   */
  static Stream stream(BsonDocument resumeToken, BsonDocument copyEnd) {
    return new Stream(resumeToken, copyEnd);
  }

  /**
   * The typed form of a stored offset; null for none (never stored, or reset).
   *
   * @throws IllegalArgumentException saying what is wrong with an offset this connector did not
   *     write
   */
  static SourceOffset parse(Map<String, ?> stored) {
    if (stored == null || stored.isEmpty()) {
      return null;
    }
    try {
      BsonDocument token = SourceOffsets.resumeToken(stored);
      if (token != null) {
        return new Stream(token, SourceOffsets.copyEndToken(stored));
      }
      BsonDocument start = SourceOffsets.snapshotStartToken(stored);
      if (start != null) {
        return Snapshot.parse(stored, start);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not an offset of this connector (its values must be Extended JSON strings): "
              + e.getMessage(),
          e);
    }
    throw new IllegalArgumentException(
        "an offset needs '"
            + SourceOffsets.RESUME_TOKEN
            + "' or '"
            + SourceOffsets.SNAPSHOT_START_TOKEN
            + "' (with optional '"
            + SourceOffsets.SNAPSHOT_LAST_ID
            + "' or '"
            + SourceOffsets.SNAPSHOT_RANGES
            + "'), each a JSON string; got the keys "
            + stored.keySet());
  }

  /**
   * Streaming: the resume token of the last event handed on, or a stream position.
   *
   * @param copyEnd while the stream catches up over a copy, the position taken when it ended; else
   *     null
   */
  record Stream(BsonDocument resumeToken, BsonDocument copyEnd) implements SourceOffset {
    public Stream {
      java.util.Objects.requireNonNull(resumeToken, "resumeToken");
    }

    @Override
    public Map<String, Object> toMap() {
      return SourceOffsets.streamOffset(resumeToken, copyEnd);
    }

    @Override
    public BsonDocument streamPosition() {
      return resumeToken;
    }
  }

  /** One {@code _id} range of a copy: lo <= _id < hi (null: unbounded), copied up to last. */
  record Range(BsonValue lo, BsonValue hi, BsonValue last, boolean done) {}

  /**
   * Copying: the stream position taken before the copy and how far each range got.
   *
   * @param sweepEpoch the epoch of a copy that sweeps, else null
   * @param complete the copy is over (startup mode snapshot_only: nothing more to read)
   */
  record Snapshot(BsonDocument startToken, List<Range> ranges, String sweepEpoch, boolean complete)
      implements SourceOffset {

    public Snapshot {
      java.util.Objects.requireNonNull(startToken, "startToken");
      ranges = List.copyOf(ranges);
    }

    @Override
    public BsonDocument streamPosition() {
      return startToken;
    }

    /** One range over every {@code _id}: the offset's short form ({@code snapshot_last_id}). */
    boolean single() {
      return ranges.size() == 1 && ranges.get(0).lo() == null && ranges.get(0).hi() == null;
    }

    @Override
    public Map<String, Object> toMap() {
      Map<String, Object> offset;
      if (single()) {
        offset = SourceOffsets.snapshotOffset(startToken, ranges.get(0).last());
      } else {
        BsonArray array = new BsonArray();
        for (Range r : ranges) {
          BsonDocument d = new BsonDocument();
          if (r.lo() != null) {
            d.append("lo", r.lo());
          }
          if (r.hi() != null) {
            d.append("hi", r.hi());
          }
          if (r.last() != null) {
            d.append("last", r.last());
          }
          if (r.done()) {
            d.append("done", BsonBoolean.TRUE);
          }
          array.add(d);
        }
        offset = SourceOffsets.snapshotRangesOffset(startToken, array);
      }
      if (sweepEpoch == null && !complete) {
        return offset;
      }
      Map<String, Object> out = new HashMap<>(offset);
      if (sweepEpoch != null) {
        out.put(SourceOffsets.SNAPSHOT_SWEEP, sweepEpoch);
      }
      if (complete) {
        out.put(SourceOffsets.SNAPSHOT_COMPLETE, "true");
      }
      return Map.copyOf(out);
    }

    private static Snapshot parse(Map<String, ?> stored, BsonDocument start) {
      BsonArray array = SourceOffsets.snapshotRanges(stored);
      boolean complete = "true".equals(String.valueOf(stored.get(SourceOffsets.SNAPSHOT_COMPLETE)));
      List<Range> ranges = new ArrayList<>();
      if (array == null) {
        ranges.add(new Range(null, null, SourceOffsets.snapshotLastId(stored), complete));
      } else {
        for (BsonValue v : array) {
          BsonDocument r = v.asDocument();
          ranges.add(
              new Range(
                  r.get("lo"),
                  r.get("hi"),
                  r.get("last"),
                  complete || r.getBoolean("done", BsonBoolean.FALSE).getValue()));
        }
      }
      return new Snapshot(start, ranges, SourceOffsets.snapshotSweep(stored), complete);
    }
  }
}
