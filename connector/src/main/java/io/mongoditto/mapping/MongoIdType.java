package io.mongoditto.mapping;

import java.util.Locale;

/**
 * The BSON type of a collection's MongoDB {@code _id} under match_ids, for the Ditto -> MongoDB
 * direction: a Ditto {@code _id} in json mode does not say whether "65a1..." was an ObjectId or a
 * string. {@link #AUTO} finds existing documents under every candidate type and gives new ones the
 * most specific type the text allows.
 */
public enum MongoIdType {
  AUTO,
  OBJECT_ID,
  STRING,
  UUID,
  INT32,
  INT64,
  DOUBLE;

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static MongoIdType parse(String text) {
    for (MongoIdType t : values()) {
      if (t.configValue().equalsIgnoreCase(text.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not one of auto, object_id, string, uuid, int32, int64, double");
  }
}
