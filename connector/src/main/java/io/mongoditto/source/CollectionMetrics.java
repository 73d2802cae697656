package io.mongoditto.source;

import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.metrics.Counter;
import io.mongoditto.metrics.MetricGroup;
import io.mongoditto.metrics.Progress;
import io.mongoditto.metrics.SyncLag;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

/**
 * What one source task did for one collection, exported through Connect's plugin metrics as {@code
 * kafka.connect:type=plugins,connector=<name>,task=<n>,collection=<c>} (see docs/metrics.md).
 * Written by the collection's reader threads, read by the metrics reporters and the summary log.
 */
final class CollectionMetrics {

  /** Where the collection is; the numeric code is the {@code state} gauge. */
  enum State {
    STARTING(0),
    SNAPSHOTTING(1),
    STREAMING(2),
    FINISHED(3);

    final int code;

    State(int code) {
      this.code = code;
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

  final Counter events;
  final Counter inserts;
  final Counter updates;
  final Counter replaces;
  final Counter deletes;
  final Counter records;
  final Counter bytesRead;
  final Counter badDocuments;
  final Counter errorRecords;
  final Counter idChanges;
  final Counter snapshotCopied;
  final Counter resnapshots;
  final Counter postImageLookups;
  final Counter echoes;
  final Counter copyWindowEchoes;

  /**
   * Values left out of this collection's documents (Ditto has no JSON form for their BSON type).
   */
  final ConversionStats conversions = new ConversionStats();

  /** Source times of the stream events read: lag behind MongoDB. */
  final SyncLag lag;

  final Progress snapshot;
  private final AtomicLong lastClusterTimeMillis = new AtomicLong(SyncLag.UNKNOWN);
  private volatile State state = State.STARTING;

  CollectionMetrics(MetricGroup g, LongSupplier nowMillis, LongSupplier nanoTime) {
    events = g.counter("change-events-total", "Change stream events read (all types)");
    inserts = g.counter("insert-events-total", "insert events read");
    updates = g.counter("update-events-total", "update events read");
    replaces = g.counter("replace-events-total", "replace events read");
    deletes = g.counter("delete-events-total", "delete events read");
    records = g.counter("records-total", "Ditto change records produced for Kafka");
    bytesRead =
        g.counter(
            "bytes-read-total", "BSON bytes of the change events and snapshot documents read");
    badDocuments =
        g.counter(
            "bad-documents-total", "Documents that could not be mapped (errors topic or WARN log)");
    errorRecords =
        g.counter(
            "error-records-total",
            "Records sent to errors.topic for documents that could not be mapped");
    idChanges = g.counter("id-changes-total", "Changes of mapped id fields (delete + upsert)");
    snapshotCopied =
        g.counter("snapshot-copied-total", "Documents copied by snapshots since the task started");
    resnapshots =
        g.counter(
            "resnapshots-total", "Re-copies after lost history (history.lost.policy=resnapshot)");
    postImageLookups =
        g.counter(
            "post-image-lookups-total",
            "Updates read without their post-image (stored before post-images were on, or expired)"
                + " whose document was looked up by _id");
    echoes =
        g.counter(
            "echoes-total",
            "Changes the Ditto -> MongoDB direction made (its recorded sessions): Ditto already holds"
                + " them, so nothing was written back");
    copyWindowEchoes =
        g.counter(
            "copy-window-echoes-total",
            "Changes the Ditto -> MongoDB direction made while a copy ran, read as the stream caught"
                + " up over the copy: written to Ditto as what they changed, after the copy's older"
                + " records");
    g.gauge(
        "omitted-values-total",
        "Values left out of documents because Ditto has no JSON form for their BSON type",
        conversions::omittedTotal);
    lag = new SyncLag(nowMillis);
    g.gauge(
        "last-source-time-ms",
        "Source time (wallTime, else clusterTime; epoch ms) of the last change event read;"
            + " -1 before the first",
        lag::lastSourceTimeMillis);
    g.gauge(
        "last-cluster-time-ms",
        "clusterTime (epoch ms, second precision) of the last change event read;"
            + " -1 before the first",
        lastClusterTimeMillis::get);
    g.gauge(
        "source-lag-ms",
        "Now minus the source time of the last change event read (grows while MongoDB is idle);"
            + " -1 before the first",
        lag::lagMillis);
    g.gauge(
        "read-lag-ms",
        "How old the last change event was when it was read (stays put while idle);"
            + " -1 before the first",
        lag::applyLagMillis);
    snapshot = new Progress(nanoTime);
    g.gauge(
        "snapshot-documents-copied",
        "Documents of the current or last snapshot copied, earlier runs of a resumed"
            + " copy included",
        snapshot::done);
    g.gauge(
        "snapshot-documents-expected",
        "Documents the current or last snapshot expects to copy (counted at its start)",
        snapshot::expected);
    g.doubleGauge(
        "snapshot-percent", "Snapshot progress in percent (100 once complete)", snapshot::percent);
    g.doubleGauge(
        "snapshot-rate",
        "Documents copied per second by the current or last snapshot",
        snapshot::rate);
    g.gauge(
        "snapshot-eta-seconds",
        "Seconds until the snapshot is complete at the current rate; 0 when complete,"
            + " -1 when unknown",
        snapshot::etaSeconds);
    g.gauge(
        "state",
        "0 starting, 1 snapshotting, 2 streaming, 3 finished (snapshot_only)",
        () -> state.code);
    g.textGauge("state-name", "starting, snapshotting, streaming or finished", () -> state.label());
  }

  /** A change event was read: counted by type, its size and times kept. */
  void event(String operationType, BsonDocument event) {
    event(operationType, event, bsonSize(event));
  }

  /**
   * As {@link #event(String, BsonDocument)}, with the size as read (the reader has the raw bytes).
   */
  void event(String operationType, BsonDocument event, long bsonBytes) {
    events.increment();
    switch (operationType) {
      case "insert" -> inserts.increment();
      case "update" -> updates.increment();
      case "replace" -> replaces.increment();
      case "delete" -> deletes.increment();
      default -> {}
    }
    bytesRead.add(bsonBytes);
    BsonValue cluster = event.get("clusterTime");
    if (cluster != null && cluster.isTimestamp()) {
      lastClusterTimeMillis.accumulateAndGet(cluster.asTimestamp().getTime() * 1000L, Math::max);
    }
    BsonValue wall = event.get("wallTime");
    if (wall != null && wall.isDateTime()) {
      lag.applied(wall.asDateTime().getValue());
    } else if (cluster != null && cluster.isTimestamp()) {
      lag.applied(cluster.asTimestamp().getTime() * 1000L);
    }
  }

  void snapshotStarted(long expected, long alreadyCopied) {
    snapshot.start(expected, alreadyCopied);
    state = State.SNAPSHOTTING;
  }

  /** A chunk of snapshot documents was handed on. */
  void snapshotCopied(java.util.List<BsonDocument> chunk) {
    long bytes = 0;
    for (BsonDocument d : chunk) {
      bytes += bsonSize(d);
    }
    snapshotCopied(chunk.size(), bytes);
  }

  /** {@code count} snapshot documents of {@code bsonBytes} in all (as read) were handed on. */
  void snapshotCopied(int count, long bsonBytes) {
    bytesRead.add(bsonBytes);
    snapshotCopied.add(count);
    snapshot.add(count);
  }

  void snapshotDone() {
    snapshot.finish();
  }

  void streaming() {
    state = State.STREAMING;
  }

  void finished() {
    state = State.FINISHED;
  }

  State state() {
    return state;
  }

  long lastClusterTimeMillis() {
    return lastClusterTimeMillis.get();
  }

  /**
   * Encodes the document to measure it: for tests and callers without the raw bytes (costly per
   * record).
   */
  static long bsonSize(BsonDocument doc) {
    try (BasicOutputBuffer out = new BasicOutputBuffer(256)) {
      CODEC.encode(new BsonBinaryWriter(out), doc, EncoderContext.builder().build());
      return out.getSize();
    }
  }
}
