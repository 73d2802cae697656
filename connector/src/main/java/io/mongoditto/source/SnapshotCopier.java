package io.mongoditto.source;

import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.StartupMode;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.DittoIds;
import io.mongoditto.mapping.MappingError;
import io.mongoditto.mapping.MappingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy of one collection's existing documents (the snapshot) for its {@link
 * CollectionStreamReader}: in {@code _id} order, in ranges copied concurrently, resumable after the
 * last copied {@code _id}, with the stream position taken (and stored) before the first read, and,
 * for a copy that sweeps, the start and end markers around it. Never writes to MongoDB. Hands its
 * records to the collection's {@link CollectionPublisher} and takes its start position from the
 * collection's {@link ChangeStreamOpener}; it calls nothing of the reader.
 */
final class SnapshotCopier {

  private static final Logger log = LoggerFactory.getLogger(SnapshotCopier.class);
  private static final long MAX_RETRY_BACKOFF_MS = 30_000;

  /** Failed snapshot reads in a row, without a document copied between them, before giving up. */
  private static final int MAX_SNAPSHOT_READ_FAILURES = 5;

  private final MongoSourceConfig config;
  private final CollectionConfig settings;
  private final MongoDatabase database;
  private final CollectionMetrics metrics;
  private final ChangeEventMapper mapper;
  private final CollectionPublisher publisher;
  private final ChangeStreamOpener opener;
  private final DurableStart durableStart;

  /** Limits the copy threads of all collections of one task. */
  private final Semaphore snapshotPermits;

  private final ReaderState state;
  private final String namespace;

  SnapshotCopier(
      MongoSourceConfig config,
      CollectionConfig settings,
      MongoDatabase database,
      CollectionMetrics metrics,
      ChangeEventMapper mapper,
      CollectionPublisher publisher,
      ChangeStreamOpener opener,
      DurableStart durableStart,
      Semaphore snapshotPermits,
      ReaderState state) {
    this.config = config;
    this.settings = settings;
    this.database = database;
    this.metrics = metrics;
    this.mapper = mapper;
    this.publisher = publisher;
    this.opener = opener;
    this.durableStart = durableStart;
    this.snapshotPermits = snapshotPermits;
    this.state = state;
    this.namespace = config.database() + "." + settings.name();
  }

  /**
   * Copies the collection in {@code _id} order, chunk by chunk, without writing to MongoDB. The
   * stream position is taken before the first read, so every change made during the copy is
   * streamed afterwards; each record's offset holds that position and the last copied {@code _id},
   * so a restart continues after it.
   *
   * @param stored the collection's stored offset: a copy's offset continues that copy
   * @param historyLost the stream's history was lost: this copy may sweep ({@code snapshot.sweep})
   * @return the offset the stream continues from (under snapshot_only: the finished copy's, from
   *     which nothing is read), or null when the reader must end
   */
  SourceOffset copy(SourceOffset stored, boolean historyLost) throws InterruptedException {
    SourceOffset.Snapshot continued = stored instanceof SourceOffset.Snapshot s ? s : null;
    String sweep = continued == null ? null : continued.sweepEpoch();
    if (sweep != null) {
      // The sink deletes what no record after the start marker touched, and it may still hold
      // the open sweep of the interrupted copy with what that copy touched: a document copied
      // then and deleted before this copy's position would be kept. A new epoch makes the sink
      // replace that sweep; the copy starts over (the embedded runner's sink knows nothing of
      // the earlier run anyway).
      continued = null;
      sweep = UUID.randomUUID().toString();
      log.info(
          "Snapshot of {} deletes the Ditto documents it does not copy ({}): starting it over as"
              + " copy {}",
          namespace,
          MongoSourceConfigDef.SNAPSHOT_SWEEP,
          sweep);
    } else if (continued == null && sweeps(historyLost)) {
      sweep = UUID.randomUUID().toString();
    }
    MongoCollection<BsonDocument> collection =
        database.getCollection(settings.name(), BsonDocument.class);
    long total = collection.estimatedDocumentCount();
    SnapshotProgress progress;
    if (continued == null) {
      BsonDocument startToken = opener.currentPosition();
      if (startToken == null) {
        state.fail(
            log,
            "MongoDB gave no stream position (postBatchResumeToken) for "
                + namespace
                + " before the"
                + " snapshot; MongoDB 4.0.7 or newer is needed for startup mode initial");
        return null;
      }
      progress = SnapshotProgress.split(startToken, boundaries(collection, total), sweep);
      // A restart before this offset is stored would take a later position (see DurableStart).
      if (!durableStart.store(progress.offset(), publisher, state::active, "copying")) {
        return null;
      }
      if (sweep != null
          && !publisher.sweepMarkers(SweepMarker.Phase.START, sweep, progress.offset())) {
        return null;
      }
    } else {
      progress = SnapshotProgress.of(continued);
    }
    log.info(
        "Snapshot of {}: about {} documents, {} range(s), chunks of {}{}",
        namespace,
        total,
        progress.size(),
        config.snapshotChunkSize(),
        continued == null ? "" : ", continuing");
    // With a filter only the matching documents are copied: count those (once, for progress).
    long expected =
        settings.rules().mongoQuery().isEmpty()
            ? total
            : collection.countDocuments(settings.rules().mongoQuery());
    metrics.snapshotStarted(
        expected, continued == null ? 0 : copiedBefore(collection, progress, expected));
    SnapshotRun run = new SnapshotRun(collection, progress, total);
    boolean complete = progress.size() == 1 ? run.copy(0) : run.copyConcurrently();
    if (!complete) {
      return null;
    }
    metrics.snapshotDone();
    log.info(
        "Snapshot of {} done: {} documents copied in {} s",
        namespace,
        run.copied.get(),
        Math.round((System.nanoTime() - run.started) / 1e9));
    if (sweep != null) {
      // Once the last end marker is stored the copy is over: under snapshot_only a restart then
      // reads nothing more (a stream position would make it stream), else it streams from the
      // copy's start position.
      // The stream continues with the copy's window (CopyWindow): a restart right after the end
      // markers still knows where the copy ended.
      SourceOffset after =
          settings.startupMode() == StartupMode.SNAPSHOT_ONLY
              ? progress.complete()
              : SourceOffset.stream(progress.startToken(), endPosition());
      return publisher.sweepMarkers(SweepMarker.Phase.END, sweep, after) && state.active()
          ? after
          : null;
    }
    // Also when nothing was copied, this offset says where the stream starts.
    SourceOffset after = progress.offset();
    publisher.continueFrom(after);
    return state.active() ? after : null;
  }

  /**
   * The stream position once the copy ended, for its window; an empty document when the server
   * gives none (then only catching up closes the window).
   */
  private BsonDocument endPosition() {
    BsonDocument end = opener.currentPosition();
    return end == null ? new BsonDocument() : end;
  }

  /** Whether a fresh copy of this collection deletes the Ditto documents it does not copy. */
  private boolean sweeps(boolean historyLost) {
    return switch (config.snapshotSweep()) {
      case ALWAYS -> true;
      case HISTORY_LOST -> historyLost;
      case NEVER -> false;
    };
  }

  /**
   * For progress only: the documents a continued copy already handed on in earlier runs, as the
   * estimated total minus what its unfinished ranges still hold (one count per range, once).
   */
  private long copiedBefore(
      MongoCollection<BsonDocument> collection, SnapshotProgress progress, long total) {
    long remaining = 0;
    for (int i = 0; i < progress.size(); i++) {
      SnapshotProgress.Range r = progress.range(i);
      if (!r.done) {
        remaining +=
            collection.countDocuments(FilteredReads.snapshotQuery(r.filter(), settings.rules()));
      }
    }
    return Math.max(0, total - remaining);
  }

  /**
   * Split points for snapshot.parallelism ranges of about equal size (none for small collections).
   */
  private List<BsonValue> boundaries(MongoCollection<BsonDocument> collection, long total) {
    int parts = config.snapshotParallelism();
    List<BsonValue> points = new ArrayList<>();
    if (parts < 2 || total < 2L * config.snapshotChunkSize()) {
      return points;
    }
    for (int i = 1; i < parts; i++) {
      BsonDocument at =
          collection
              .find()
              .sort(Sorts.ascending("_id"))
              .skip((int) (total * i / parts))
              .projection(new BsonDocument("_id", new org.bson.BsonInt32(1)))
              .limit(1)
              .first();
      if (at != null
          && (points.isEmpty() || !points.get(points.size() - 1).equals(at.get("_id")))) {
        points.add(at.get("_id"));
      }
    }
    return points;
  }

  /** One copy of one collection, by one or more threads. */
  private final class SnapshotRun {
    final MongoCollection<BsonDocument> collection;
    final SnapshotProgress progress;
    final long total;
    final AtomicLong copied = new AtomicLong();
    final long started = System.nanoTime();
    volatile long lastLog = started;
    volatile boolean aborted;

    SnapshotRun(MongoCollection<BsonDocument> collection, SnapshotProgress progress, long total) {
      this.collection = collection;
      this.progress = progress;
      this.total = total;
    }

    boolean copyConcurrently() throws InterruptedException {
      List<Thread> threads = new ArrayList<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean allDone = new AtomicBoolean(true);
      for (int i = 0; i < progress.size(); i++) {
        int index = i;
        Thread t =
            new Thread(
                () -> {
                  try {
                    if (!copy(index)) {
                      allDone.set(false);
                    }
                  } catch (Throwable e) {
                    aborted = true;
                    failure.compareAndSet(null, e);
                    allDone.set(false);
                  }
                },
                Thread.currentThread().getName() + "-range-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      Throwable e = failure.get();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      if (e != null) {
        throw new IllegalStateException(e);
      }
      return allDone.get();
    }

    /** Copies what is left of one range; false when stopping. */
    boolean copy(int index) throws InterruptedException {
      if (progress.range(index).done) {
        return true;
      }
      snapshotPermits.acquire();
      try {
        int failures = 0;
        long backoff = 1000;
        while (state.active() && !aborted) {
          BsonValue lastBefore = progress.range(index).last;
          // One cursor per range, read in batches of a chunk: one find and then getMores, instead
          // of a sorted, limited find per chunk (a re-scan per chunk on the local MongoDB).
          try (MongoCursor<RawBsonDocument> cursor =
              collection
                  .withDocumentClass(RawBsonDocument.class)
                  .find(
                      FilteredReads.snapshotQuery(progress.range(index).filter(), settings.rules()))
                  .sort(Sorts.ascending("_id"))
                  .batchSize(config.snapshotChunkSize())
                  .cursor()) {
            return copy(index, cursor);
          } catch (com.mongodb.MongoCursorNotFoundException e) {
            // The server dropped the cursor (idle longer than its cursor timeout while the
            // buffer was full): open it again after the last copied _id.
            log.info(
                "Snapshot cursor of {} was closed by the server; reopening it after the last copied _id",
                namespace);
          } catch (MongoException e) {
            // The driver retries a failed find but never a getMore (a cut connection, a cleared
            // pool, an election): reopen after the last copied _id. Only repeated failures
            // without progress go on to the reader's own handling.
            failures = Objects.equals(lastBefore, progress.range(index).last) ? failures + 1 : 1;
            if (!state.active()
                || e instanceof MongoInterruptedException
                || failures > MAX_SNAPSHOT_READ_FAILURES) {
              throw e;
            }
            log.warn(
                "Snapshot read of {} failed ({}: {}); reopening after the last copied _id in {} ms",
                namespace,
                e.getClass().getSimpleName(),
                e.getMessage(),
                backoff);
            if (!state.sleep(backoff)) {
              return false;
            }
            backoff = Math.min(backoff * 2, MAX_RETRY_BACKOFF_MS);
          }
        }
        return false;
      } finally {
        snapshotPermits.release();
      }
    }

    /**
     * Copies from an open cursor of range {@code index}; true when the range is done, false when
     * stopping.
     */
    private boolean copy(int index, MongoCursor<RawBsonDocument> cursor)
        throws InterruptedException {
      int chunkSize = config.snapshotChunkSize();
      while (state.active() && !aborted) {
        List<BsonDocument> chunk = new ArrayList<>(chunkSize);
        long bytes = 0;
        while (chunk.size() < chunkSize && cursor.hasNext()) {
          RawBsonDocument raw = cursor.next();
          bytes += RawDocuments.size(raw);
          chunk.add(RawDocuments.decode(raw));
        }
        long readTime = System.currentTimeMillis();
        for (BsonDocument doc : chunk) {
          MappingResult mapped = mapSnapshot(doc, readTime);
          synchronized (progress) {
            if (!publisher.publish(mapped, doc, progress.advance(index, doc.get("_id")))) {
              return false;
            }
          }
        }
        if (!chunk.isEmpty()) {
          metrics.snapshotCopied(chunk.size(), bytes);
          logProgress(copied.addAndGet(chunk.size()));
        }
        if (chunk.size() < chunkSize) {
          progress.done(index);
          return true;
        }
      }
      return false;
    }

    private void logProgress(long n) {
      long now = System.nanoTime();
      if (now - lastLog > TimeUnit.SECONDS.toNanos(10)) {
        lastLog = now;
        double rate = n / Math.max(0.001, (now - started) / 1e9);
        // The summary lines (log.summary.interval.ms) report progress at INFO.
        log.debug(
            "Snapshot of {}: {} of about {} documents copied, {} docs/s, ETA {} s",
            namespace,
            n,
            total,
            Math.round(rate),
            rate > 0 ? Math.max(0, Math.round((total - n) / rate)) : "?");
      }
    }
  }

  private MappingResult mapSnapshot(BsonDocument doc, long readTime) {
    try {
      return mapper.mapSnapshot(doc, readTime);
    } catch (RuntimeException e) {
      log.error("Mapping a snapshot document of {} threw", namespace, e);
      return MappingResult.failed(
          new MappingError(
              settings.name(), DittoIds.sourceId(doc.get("_id")), null, "mapping failed: " + e));
    }
  }
}
