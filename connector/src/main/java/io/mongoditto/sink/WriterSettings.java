package io.mongoditto.sink;

/**
 * How a {@link CollectionWriter} shapes its statements.
 *
 * @param registersOnly v4 (DQL strict mode): nested objects are registers, replaced whole by an
 *     upsert and refusing UNSET below them, so only top-level fields are unset and a delta writes
 *     whole top-level fields
 * @param maxRequestBytes documents of one upsert statement, in JSON bytes (one larger document goes
 *     alone)
 * @param idsPerStatement longest {@code _id IN :ids} list of one SELECT, UNSET or DELETE of a batch
 *     (0: a batch's ids in one statement)
 * @param sweepDeletesPerStatement longest {@code _id IN :ids} list of a sweep's DELETE (a sweep may
 *     delete a whole collection); the sweep checks its time budget between these chunks
 */
record WriterSettings(
    boolean registersOnly,
    long maxRequestBytes,
    int idsPerStatement,
    int sweepDeletesPerStatement) {

  /** Default longest {@code _id IN} list (0 = a batch's ids in one statement); see the docs. */
  static final int IDS_PER_STATEMENT = 0;

  static final int SWEEP_DELETES_PER_STATEMENT = 1000;

  WriterSettings {
    if (maxRequestBytes < 1 || idsPerStatement < 0 || sweepDeletesPerStatement < 1) {
      throw new IllegalArgumentException(
          "need maxRequestBytes >= 1, idsPerStatement >= 0, sweepDeletesPerStatement >= 1");
    }
  }

  /** v5 with the defaults. */
  static WriterSettings defaults() {
    return new WriterSettings(
        false,
        DittoSinkConfig.DEFAULT_MAX_REQUEST_BYTES,
        IDS_PER_STATEMENT,
        SWEEP_DELETES_PER_STATEMENT);
  }

  WriterSettings withRegistersOnly(boolean v4) {
    return new WriterSettings(v4, maxRequestBytes, idsPerStatement, sweepDeletesPerStatement);
  }

  WriterSettings withMaxRequestBytes(long bytes) {
    return new WriterSettings(registersOnly, bytes, idsPerStatement, sweepDeletesPerStatement);
  }

  WriterSettings withIdsPerStatement(int ids) {
    return new WriterSettings(registersOnly, maxRequestBytes, ids, sweepDeletesPerStatement);
  }

  WriterSettings withSweepDeletesPerStatement(int ids) {
    return new WriterSettings(registersOnly, maxRequestBytes, idsPerStatement, ids);
  }
}
