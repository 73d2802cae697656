package io.mongoditto.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * How far the copy of one collection got: one {@code _id} range, or several copied concurrently.
 * Every record's offset is the whole progress at the moment the record is handed on, built and
 * handed on under this object's lock, so whatever prefix of records Connect commits, the offset
 * never claims a document that was not handed on before it.
 */
final class SnapshotProgress {

  /** Documents with lo <= _id < hi (null: unbounded); last is the last copied _id. */
  static final class Range {
    final BsonValue lo;
    final BsonValue hi;
    BsonValue last;
    boolean done;

    Range(BsonValue lo, BsonValue hi, BsonValue last, boolean done) {
      this.lo = lo;
      this.hi = hi;
      this.last = last;
      this.done = done;
    }

    /**
     * The query for what is left of this range, in MongoDB's order across BSON types: a plain
     * {@code $gt}/{@code $lt} would only match {@code _id}s of the bound's own type.
     */
    BsonDocument filter() {
      List<BsonDocument> conditions = new ArrayList<>();
      if (last != null) {
        conditions.add(IdOrder.after(last));
      } else if (lo != null) {
        conditions.add(IdOrder.atOrAfter(lo));
      }
      if (hi != null) {
        conditions.add(IdOrder.before(hi));
      }
      return IdOrder.and(conditions);
    }
  }

  private final BsonDocument startToken;
  private final List<Range> ranges;

  /** The epoch of a copy that sweeps, else null: in every offset, so a restart knows. */
  private final String sweep;

  SnapshotProgress(BsonDocument startToken, List<Range> ranges) {
    this(startToken, ranges, null);
  }

  private SnapshotProgress(BsonDocument startToken, List<Range> ranges, String sweep) {
    this.startToken = startToken;
    this.ranges = List.copyOf(ranges);
    this.sweep = sweep;
  }

  /** This progress for a copy that sweeps, {@code epoch} in each of its offsets. */
  SnapshotProgress sweeping(String epoch) {
    return new SnapshotProgress(startToken, ranges, epoch);
  }

  /** The progress stored in an offset, or a fresh single range when the offset holds none. */
  static SnapshotProgress fromOffset(Map<String, ?> offset, BsonDocument startToken) {
    BsonArray stored = SourceOffsets.snapshotRanges(offset);
    if (stored == null) {
      return new SnapshotProgress(
          startToken, List.of(new Range(null, null, SourceOffsets.snapshotLastId(offset), false)));
    }
    List<Range> ranges = new ArrayList<>();
    for (BsonValue v : stored) {
      BsonDocument r = v.asDocument();
      ranges.add(
          new Range(
              r.get("lo"),
              r.get("hi"),
              r.get("last"),
              r.getBoolean("done", BsonBoolean.FALSE).getValue()));
    }
    return new SnapshotProgress(startToken, ranges);
  }

  /** Splits at the given ascending {@code _id}s: n boundaries give n + 1 ranges. */
  static SnapshotProgress split(BsonDocument startToken, List<BsonValue> boundaries) {
    List<Range> ranges = new ArrayList<>();
    BsonValue lo = null;
    for (BsonValue b : boundaries) {
      ranges.add(new Range(lo, b, null, false));
      lo = b;
    }
    ranges.add(new Range(lo, null, null, false));
    return new SnapshotProgress(startToken, ranges);
  }

  BsonDocument startToken() {
    return startToken;
  }

  int size() {
    return ranges.size();
  }

  synchronized Range range(int index) {
    Range r = ranges.get(index);
    return new Range(r.lo, r.hi, r.last, r.done);
  }

  /**
   * Records that {@code id} of range {@code index} is handed on; returns the offset to hand on with
   * it.
   */
  synchronized Map<String, Object> advance(int index, BsonValue id) {
    ranges.get(index).last = id;
    return offset();
  }

  synchronized void done(int index) {
    ranges.get(index).done = true;
  }

  synchronized Map<String, Object> offset() {
    return SourceOffsets.withSweep(progressOffset(), sweep);
  }

  private Map<String, Object> progressOffset() {
    if (ranges.size() == 1 && ranges.get(0).lo == null && ranges.get(0).hi == null) {
      return SourceOffsets.snapshotOffset(startToken, ranges.get(0).last);
    }
    BsonArray array = new BsonArray();
    for (Range r : ranges) {
      BsonDocument d = new BsonDocument();
      if (r.lo != null) {
        d.append("lo", r.lo);
      }
      if (r.hi != null) {
        d.append("hi", r.hi);
      }
      if (r.last != null) {
        d.append("last", r.last);
      }
      if (r.done) {
        d.append("done", BsonBoolean.TRUE);
      }
      array.add(d);
    }
    return SourceOffsets.snapshotRangesOffset(startToken, array);
  }
}
