package io.mongoditto.source;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * How far the copy of one collection got: one {@code _id} range, or several copied concurrently.
 * Every record's offset is the whole progress at the moment the record is handed on, taken and
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

  private SnapshotProgress(BsonDocument startToken, List<Range> ranges, String sweep) {
    this.startToken = startToken;
    this.ranges = List.copyOf(ranges);
    this.sweep = sweep;
  }

  /** The progress a stored copy offset holds, to continue that copy. */
  static SnapshotProgress of(SourceOffset.Snapshot offset) {
    List<Range> ranges = new ArrayList<>();
    for (SourceOffset.Range r : offset.ranges()) {
      ranges.add(new Range(r.lo(), r.hi(), r.last(), r.done()));
    }
    return new SnapshotProgress(offset.startToken(), ranges, offset.sweepEpoch());
  }

  /**
   * A fresh copy split at the given ascending {@code _id}s (n boundaries give n + 1 ranges).
   *
   * @param sweep the epoch of a copy that sweeps, else null
   */
  static SnapshotProgress split(BsonDocument startToken, List<BsonValue> boundaries, String sweep) {
    List<Range> ranges = new ArrayList<>();
    BsonValue lo = null;
    for (BsonValue b : boundaries) {
      ranges.add(new Range(lo, b, null, false));
      lo = b;
    }
    ranges.add(new Range(lo, null, null, false));
    return new SnapshotProgress(startToken, ranges, sweep);
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
  synchronized SourceOffset.Snapshot advance(int index, BsonValue id) {
    ranges.get(index).last = id;
    return offset();
  }

  synchronized void done(int index) {
    ranges.get(index).done = true;
  }

  /** The progress now, as an offset. */
  synchronized SourceOffset.Snapshot offset() {
    return offset(sweep, false);
  }

  /**
   * The offset of the finished copy under startup mode snapshot_only: nothing more to read after a
   * restart, and no sweep to start over.
   */
  synchronized SourceOffset.Snapshot complete() {
    return offset(null, true);
  }

  private SourceOffset.Snapshot offset(String epoch, boolean complete) {
    List<SourceOffset.Range> out = new ArrayList<>(ranges.size());
    for (Range r : ranges) {
      out.add(new SourceOffset.Range(r.lo, r.hi, r.last, r.done || complete));
    }
    return new SourceOffset.Snapshot(startToken, out, epoch, complete);
  }
}
