package io.mongoditto.config;

import java.util.Locale;

/** What a collection without a stored offset does first. */
public enum StartupMode {
  /** Copy the existing documents (snapshot), then stream from a position taken before the copy. */
  INITIAL,
  /** Stream changes from now on; existing documents are not copied. */
  LATEST,
  /** Stream changes from a given cluster time ({@code startup.timestamp}). */
  TIMESTAMP,
  /** Copy the existing documents and stop; no streaming. */
  SNAPSHOT_ONLY;

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static StartupMode parse(String value) {
    for (StartupMode m : values()) {
      if (m.configValue().equalsIgnoreCase(value.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not one of initial, latest, timestamp, snapshot_only");
  }
}
