package io.mongoditto.source;

import io.mongoditto.mapping.ShortJson;
import java.util.HashMap;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The shape of the source's Connect offsets. One source partition per namespace ({@code {"ns":
 * "db.coll"}}). A streaming offset holds the resume token of the last event handed to Connect, as
 * canonical Extended JSON: {@code {"resume_token": "{\"_data\": \"...\"}"}}. While the initial
 * snapshot copies a collection, the offset holds the stream position taken before the copy began
 * and the last copied {@code _id}: {@code {"snapshot_start_token": "...", "snapshot_last_id":
 * "{\"_id\": ...}"}}; a restart continues the copy after that {@code _id}, then streams from the
 * start position. Values are strings so the offset survives any converter unchanged. The source
 * works with the typed {@link SourceOffset}; these are the map shapes it is rendered to and read
 * from.
 */
public final class SourceOffsets {

  public static final String NAMESPACE = "ns";
  public static final String RESUME_TOKEN = "resume_token";
  public static final String SNAPSHOT_START_TOKEN = "snapshot_start_token";
  public static final String SNAPSHOT_LAST_ID = "snapshot_last_id";

  /** With snapshot.parallelism above 1: the ranges copied concurrently and how far each got. */
  public static final String SNAPSHOT_RANGES = "snapshot_ranges";

  /** Set while a copy that sweeps ({@code snapshot.sweep}) is running: the copy's epoch. */
  public static final String SNAPSHOT_SWEEP = "snapshot_sweep";

  /**
   * "true" once a copy under startup mode snapshot_only is over: a restart reads nothing more (and
   * under another startup mode streams from the copy's start position).
   */
  public static final String SNAPSHOT_COMPLETE = "snapshot_complete";

  /**
   * In a streaming offset while the stream catches up over a copy: the stream position taken when
   * the copy ended (the Ditto -> MongoDB direction's writes up to there go to Ditto as what they
   * changed; docs/mapping.md, "Echoes"). Kept so a restart in the middle of the catch-up keeps it.
   */
  public static final String COPY_END_TOKEN = "copy_end_token";

  private static final JsonWriterSettings CANONICAL =
      JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

  private SourceOffsets() {}

  public static Map<String, String> partition(String database, String collection) {
    return Map.of(NAMESPACE, database + "." + collection);
  }

  public static Map<String, Object> streamOffset(BsonDocument resumeToken) {
    return Map.of(RESUME_TOKEN, json(resumeToken));
  }

  /** A streaming offset inside a copy's window ({@link #COPY_END_TOKEN}). */
  public static Map<String, Object> streamOffset(BsonDocument resumeToken, BsonDocument copyEnd) {
    return copyEnd == null
        ? streamOffset(resumeToken)
        : Map.of(RESUME_TOKEN, json(resumeToken), COPY_END_TOKEN, json(copyEnd));
  }

  /** The end of the copy a streaming offset is catching up over, or null. */
  public static BsonDocument copyEndToken(Map<String, ?> offset) {
    return document(offset, COPY_END_TOKEN);
  }

  /** An offset inside the snapshot; {@code lastId} null means nothing copied yet. */
  public static Map<String, Object> snapshotOffset(BsonDocument startToken, BsonValue lastId) {
    Map<String, Object> offset = new HashMap<>();
    offset.put(SNAPSHOT_START_TOKEN, json(startToken));
    if (lastId != null) {
      String id = ShortJson.field("_id", lastId);
      offset.put(
          SNAPSHOT_LAST_ID, id != null ? id : new BsonDocument("_id", lastId).toJson(CANONICAL));
    }
    return Map.copyOf(offset);
  }

  public static Map<String, Object> snapshotRangesOffset(
      BsonDocument startToken, BsonArray ranges) {
    return Map.of(
        SNAPSHOT_START_TOKEN,
        json(startToken),
        SNAPSHOT_RANGES,
        new BsonDocument("ranges", ranges).toJson(CANONICAL));
  }

  /** The epoch of the sweeping copy a snapshot offset belongs to, or null. */
  public static String snapshotSweep(Map<String, ?> offset) {
    return offset != null && offset.get(SNAPSHOT_SWEEP) instanceof String epoch && !epoch.isBlank()
        ? epoch
        : null;
  }

  /** The ranges of a parallel snapshot offset, or null. */
  public static BsonArray snapshotRanges(Map<String, ?> offset) {
    BsonDocument d = document(offset, SNAPSHOT_RANGES);
    return d == null ? null : d.getArray("ranges");
  }

  /** The resume token of a streaming offset, or null when the offset holds none. */
  public static BsonDocument resumeToken(Map<String, ?> offset) {
    return document(offset, RESUME_TOKEN);
  }

  /** Where the stream of a snapshot offset starts, or null when the offset is not a snapshot's. */
  public static BsonDocument snapshotStartToken(Map<String, ?> offset) {
    return document(offset, SNAPSHOT_START_TOKEN);
  }

  /** The last copied {@code _id} of a snapshot offset, or null. */
  public static BsonValue snapshotLastId(Map<String, ?> offset) {
    BsonDocument d = document(offset, SNAPSHOT_LAST_ID);
    return d == null ? null : d.get("_id");
  }

  /**
   * Canonical Extended JSON of a document; a resume token ({@code {"_data": "<hex>"}}) takes the
   * short path, because one is written per record.
   */
  private static String json(BsonDocument doc) {
    String fast = ShortJson.document(doc);
    return fast != null ? fast : doc.toJson(CANONICAL);
  }

  private static BsonDocument document(Map<String, ?> offset, String key) {
    if (offset == null || !(offset.get(key) instanceof String json) || json.isBlank()) {
      return null;
    }
    return BsonDocument.parse(json);
  }
}
