package io.mongoditto.source;

import java.util.Map;
import org.bson.BsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The shape of the source's Connect offsets. One source partition per namespace ({@code {"ns":
 * "db.coll"}}); the offset is the resume token of the last event handed to Connect as canonical
 * Extended JSON ({@code {"resume_token": "{\"_data\": \"...\"}"}}). The initial snapshot adds its
 * own keys (e.g. the last copied {@code _id}) beside it, so stream offsets stay readable.
 */
public final class SourceOffsets {

  public static final String NAMESPACE = "ns";
  public static final String RESUME_TOKEN = "resume_token";

  private static final JsonWriterSettings CANONICAL =
      JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

  private SourceOffsets() {}

  public static Map<String, String> partition(String database, String collection) {
    return Map.of(NAMESPACE, database + "." + collection);
  }

  public static Map<String, Object> streamOffset(BsonDocument resumeToken) {
    return Map.of(RESUME_TOKEN, resumeToken.toJson(CANONICAL));
  }

  /** The resume token stored in an offset, or null when the offset holds none. */
  public static BsonDocument resumeToken(Map<String, ?> offset) {
    if (offset == null || !(offset.get(RESUME_TOKEN) instanceof String json) || json.isBlank()) {
      return null;
    }
    return BsonDocument.parse(json);
  }
}
