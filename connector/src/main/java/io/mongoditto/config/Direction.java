package io.mongoditto.config;

import java.util.Locale;

/**
 * Which way one collection is synced ({@code collection.<name>.direction}): the MongoDB source
 * connector streams the collections whose direction includes {@link #MONGO_TO_DITTO}, the Ditto ->
 * MongoDB sink connector writes those whose direction includes {@link #DITTO_TO_MONGO}.
 */
public enum Direction {
  BOTH,
  MONGO_TO_DITTO,
  DITTO_TO_MONGO;

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a collection synced this way is also synced {@code oneWay}. */
  public boolean includes(Direction oneWay) {
    return this == BOTH || this == oneWay;
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Direction parse(String text) {
    for (Direction d : values()) {
      if (d.configValue().equalsIgnoreCase(text.trim())) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not one of both, mongo_to_ditto, ditto_to_mongo");
  }
}
