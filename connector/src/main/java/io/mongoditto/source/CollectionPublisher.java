package io.mongoditto.source;

import io.mongoditto.change.DittoChange;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mapping.MappingResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one collection's records to the task's buffer: mapped changes (or the errors record of a
 * bad document), stream positions and sweep markers, counting them. Knows the offset of the last
 * record it handed on, which is where a reopened stream resumes and the "previous" offset of an
 * event's earlier records. Shared by the collection's reader and its copier, which call nothing of
 * each other.
 */
final class CollectionPublisher {

  private static final Logger log = LoggerFactory.getLogger(CollectionPublisher.class);
  private static final int WARNED_IDS_LIMIT = 10_000;

  private final CollectionConfig settings;
  private final String namespace;
  private final SourceBuffer buffer;
  private final ChangeRecordFactory records;
  private final SourceTaskStats stats;
  private final CollectionMetrics metrics;
  private final String errorsTopic;
  private final String heartbeatTopic;

  /** Ids whose id-field change was already reported: WARN once per document, bounded. */
  private final Set<String> warnedIdChanges =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > WARNED_IDS_LIMIT;
                }
              }));

  private volatile SourceOffset lastOffset;

  /**
   * @param stored the collection's stored offset, or null
   */
  CollectionPublisher(
      CollectionConfig settings,
      String namespace,
      SourceBuffer buffer,
      ChangeRecordFactory records,
      SourceTaskStats stats,
      String errorsTopic,
      String heartbeatTopic,
      SourceOffset stored) {
    this.settings = settings;
    this.namespace = namespace;
    this.buffer = buffer;
    this.records = records;
    this.stats = stats;
    this.metrics = stats.collection(settings.name());
    this.errorsTopic = errorsTopic;
    this.heartbeatTopic = heartbeatTopic;
    this.lastOffset = stored;
  }

  /** The offset of the last record handed on (or the stored one, or the last position noted). */
  SourceOffset lastOffset() {
    return lastOffset;
  }

  /** Notes where the records that follow continue from, without a record (a copy that ended). */
  void continueFrom(SourceOffset offset) {
    lastOffset = offset;
  }

  /** Forgets the position: lost history, the collection is copied again. */
  void forget() {
    lastOffset = null;
  }

  /**
   * Hands on the records of one event or snapshot document, or its errors record; false when the
   * task is stopping.
   */
  boolean publish(MappingResult result, BsonDocument raw, SourceOffset offset)
      throws InterruptedException {
    if (result.failed()) {
      stats.badDocument(settings.name());
      SourceRecord errorRecord = records.errorRecord(result.error(), raw, offset);
      if (errorRecord == null) {
        log.warn(
            "Bad document skipped (no {} configured): {}",
            MongoSourceConfigDef.ERRORS_TOPIC,
            result.error().describe());
      } else {
        log.warn("Bad document sent to {}: {}", errorsTopic, result.error().describe());
        if (!buffer.put(errorRecord)) {
          return false;
        }
        metrics.errorRecords.increment();
      }
      lastOffset = offset;
      return true;
    }
    List<DittoChange> changes = result.changes();
    if (result.idChanged()) {
      stats.idChange(settings.name());
      String id = changes.isEmpty() ? null : changes.get(0).sourceId();
      if (warnedIdChanges.add(String.valueOf(id))) {
        log.warn(
            "A mapped id field of document _id {} in {} changed (id fields must be immutable):"
                + " deleting the old Ditto document and upserting the new one",
            id,
            namespace);
      }
    }
    for (SourceRecord r : records.changeRecords(changes, offset, lastOffset)) {
      if (!buffer.put(r)) {
        return false;
      }
    }
    stats.records(settings.name(), changes.size());
    if (log.isDebugEnabled()) {
      log.debug(
          "{}: {} record(s) for Ditto _id(s) {} to {}",
          namespace,
          changes.size(),
          changes.stream().map(DittoChange::id).toList(),
          settings.topic());
    }
    lastOffset = offset;
    return true;
  }

  /**
   * Hands on a record that carries only a position ({@code offset}) on the heartbeat topic, so the
   * runtime stores it; false when the task is stopping.
   */
  boolean position(SourceOffset offset) throws InterruptedException {
    if (!buffer.put(records.heartbeatRecord(heartbeatTopic, offset))) {
      return false;
    }
    lastOffset = offset;
    return true;
  }

  /**
   * Hands on one sweep marker per topic partition; only the last carries {@code offset}, so a
   * stored {@code offset} means every marker was delivered. False when the task is stopping.
   */
  boolean sweepMarkers(SweepMarker.Phase phase, String epoch, SourceOffset offset)
      throws InterruptedException {
    log.info(
        "Snapshot of {}: sweep {} marker(s) of copy {} to the {} partition(s) of {}",
        namespace,
        phase.name().toLowerCase(Locale.ROOT),
        epoch,
        records.topicPartitions(),
        settings.topic());
    for (SourceRecord marker : records.sweepMarkers(phase, epoch, offset, lastOffset)) {
      if (!buffer.put(marker)) {
        return false;
      }
    }
    lastOffset = offset;
    return true;
  }
}
