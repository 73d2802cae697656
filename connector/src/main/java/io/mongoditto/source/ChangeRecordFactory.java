package io.mongoditto.source;

import io.mongoditto.change.CanonicalIds;
import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoChangeCodec;
import io.mongoditto.change.SweepMarker;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mapping.MappingError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Turns mapped changes of one collection into schemaless Connect records: key = the Ditto {@code
 * _id}, value = {@link DittoChangeCodec#toValue}, timestamp = source time, partition = {@link
 * CanonicalIds#partition} of the id (so every record of one document is on one partition the sink
 * can compute). Bad documents become a record for the errors topic. Offsets, typed until here,
 * carry the collection's rules fingerprint ({@link SyncRulesChange}). Changes and sweep markers of
 * a source whose copies can sweep carry its origin (the source id), so a sweep deletes only what
 * this source wrote.
 */
final class ChangeRecordFactory {

  static final String HEADER_REASON = "mongoditto.error.reason";
  static final String HEADER_COLLECTION = "mongoditto.error.collection";
  static final String HEADER_MONGO_ID = "mongoditto.error.mongo_id";
  static final String HEADER_FIELD = "mongoditto.error.field";
  static final String HEADER_DATABASE = "mongoditto.error.database";

  private static final JsonWriterSettings RELAXED =
      JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

  private final CollectionConfig settings;
  private final String database;
  private final Map<String, String> partition;
  private final String errorsTopic;
  private final int topicPartitions;
  private final long recordMaxBytes;
  private final String origin;

  /**
   * @param origin the source id records and markers carry, or null (copies never sweep)
   */
  ChangeRecordFactory(
      CollectionConfig settings,
      String database,
      String errorsTopic,
      int topicPartitions,
      long recordMaxBytes,
      String origin) {
    this.origin = origin;
    this.topicPartitions = topicPartitions;
    this.recordMaxBytes = recordMaxBytes;
    this.settings = settings;
    this.database = database;
    this.partition = SourceOffsets.partition(database, settings.name());
    this.errorsTopic = errorsTopic;
  }

  Map<String, String> partition() {
    return partition;
  }

  int topicPartitions() {
    return topicPartitions;
  }

  /**
   * Records for the changes of one event. Only the last carries the event's offset; earlier ones
   * carry the offset before the event (when known), so a crash between them replays the event
   * instead of skipping its tail.
   */
  List<SourceRecord> changeRecords(
      List<DittoChange> changes, SourceOffset offset, SourceOffset previousOffset) {
    List<SourceRecord> records = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      boolean last = i == changes.size() - 1;
      SourceOffset o = last || previousOffset == null ? offset : previousOffset;
      records.add(changeRecord(changes.get(i), o));
    }
    return records;
  }

  SourceRecord changeRecord(DittoChange change, SourceOffset offset) {
    Long ts = change.sourceTimeMillis() > 0 ? change.sourceTimeMillis() : null;
    if (origin != null) {
      change = change.withOrigin(origin);
    }
    return new SourceRecord(
        partition,
        offsetMap(offset),
        settings.topic(),
        CanonicalIds.partition(change.id(), topicPartitions),
        null,
        change.id(),
        null,
        DittoChangeCodec.toValue(change),
        ts);
  }

  /**
   * One marker per partition of the collection's topic. Only the last carries {@code offset}; the
   * others carry {@code previousOffset}, so a stored {@code offset} means every marker was
   * delivered.
   */
  List<SourceRecord> sweepMarkers(
      SweepMarker.Phase phase, String epoch, SourceOffset offset, SourceOffset previousOffset) {
    List<SourceRecord> markers = new ArrayList<>(topicPartitions);
    Map<String, ?> last = offsetMap(offset);
    Map<String, ?> previous = offsetMap(previousOffset);
    for (int p = 0; p < topicPartitions; p++) {
      SweepMarker marker =
          new SweepMarker(
              settings.mapping().dittoCollection(), phase, epoch, p, topicPartitions, origin);
      markers.add(
          new SourceRecord(
              partition,
              p == topicPartitions - 1 ? last : previous,
              settings.topic(),
              p,
              null,
              marker.key(),
              null,
              marker.toValue(),
              System.currentTimeMillis()));
    }
    return markers;
  }

  /** A heartbeat: carries the stream's position as offset; the sink never reads this topic. */
  SourceRecord heartbeatRecord(String topic, SourceOffset offset) {
    String ns = partition.get(SourceOffsets.NAMESPACE);
    long now = System.currentTimeMillis();
    return new SourceRecord(
        partition,
        offsetMap(offset),
        topic,
        null,
        null,
        ns,
        null,
        Map.of(SourceOffsets.NAMESPACE, ns, "ts", now),
        now);
  }

  /** A record for the errors topic, or null when none is configured. */
  SourceRecord errorRecord(MappingError error, BsonDocument rawEvent, SourceOffset offset) {
    if (errorsTopic == null) {
      return null;
    }
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString(HEADER_REASON, error.reason());
    headers.addString(HEADER_DATABASE, database);
    headers.addString(HEADER_COLLECTION, settings.name());
    if (error.sourceId() != null) {
      headers.addString(HEADER_MONGO_ID, error.sourceId());
    }
    if (error.field() != null) {
      headers.addString(HEADER_FIELD, error.field());
    }
    return new SourceRecord(
        partition,
        offsetMap(offset),
        errorsTopic,
        null,
        null,
        error.sourceId(),
        null,
        errorValue(rawEvent),
        null,
        headers);
  }

  /** Connect's offset map of {@code offset}, with the rules' fingerprint. */
  private Map<String, ?> offsetMap(SourceOffset offset) {
    return offset == null ? null : SyncRulesChange.stamped(offset.toMap(), settings.rules());
  }

  /** The raw event as JSON; without its documents when that would be over the record size limit. */
  private String errorValue(BsonDocument rawEvent) {
    String json = rawEvent.toJson(RELAXED);
    if (json.length() <= recordMaxBytes / 2) {
      return json;
    }
    BsonDocument shortened = new BsonDocument();
    for (String key : List.of("_id", "operationType", "ns", "documentKey", "clusterTime")) {
      if (rawEvent.containsKey(key)) {
        shortened.put(key, rawEvent.get(key));
      }
    }
    shortened.put(
        "mongoditto_note",
        new BsonString(
            "the event's documents ("
                + json.length()
                + " characters of JSON) are left out: over "
                + MongoSourceConfigDef.RECORD_MAX_BYTES));
    return shortened.toJson(RELAXED);
  }
}
