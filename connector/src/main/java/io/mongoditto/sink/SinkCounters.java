package io.mongoditto.sink;

import java.util.concurrent.atomic.AtomicLong;

/** What a sink task did, kept for metrics (exposed by a later change). */
public final class SinkCounters {

  final AtomicLong records = new AtomicLong();
  final AtomicLong documentsUpserted = new AtomicLong();
  final AtomicLong documentsDeleted = new AtomicLong();
  final AtomicLong unsetStatements = new AtomicLong();
  final AtomicLong statements = new AtomicLong();
  final AtomicLong batches = new AtomicLong();
  final AtomicLong badRecords = new AtomicLong();
  final AtomicLong documentsSwept = new AtomicLong();

  public long records() {
    return records.get();
  }

  public long documentsUpserted() {
    return documentsUpserted.get();
  }

  public long documentsDeleted() {
    return documentsDeleted.get();
  }

  public long unsetStatements() {
    return unsetStatements.get();
  }

  public long statements() {
    return statements.get();
  }

  public long batches() {
    return batches.get();
  }

  /**
   * Documents a sweep deleted because the copy before it did not touch them (also in
   * documentsDeleted).
   */
  public long documentsSwept() {
    return documentsSwept.get();
  }

  public long badRecords() {
    return badRecords.get();
  }
}
