package io.mongoditto.mapping;

import java.util.Locale;

/**
 * How BSON values are stored in Ditto, per collection (the values of Ditto's own connector's {@code
 * mode} option).
 */
public enum ValueMode {
  /** Ditto's JSON types (lossy: dates and decimals become strings, some types are left out). */
  JSON,
  /** MongoDB's canonical Extended JSON, so every BSON type comes back exactly. */
  EJSON;

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ValueMode parse(String text) {
    for (ValueMode m : values()) {
      if (m.configValue().equalsIgnoreCase(text.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not one of json, ejson");
  }
}
