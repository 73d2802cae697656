package io.mongoditto.ditto;

import java.util.Locale;

/** Which execute API to call: v5 (DQL strict mode off: maps merge) or v4 (strict mode on). */
public enum ApiVersion {
  V5,
  V4;

  /**
   * Whether DQL runs in strict mode: nested objects are registers, replaced whole, so a statement
   * may not SET or UNSET below one (the connector's metadata field included).
   */
  public boolean strictMode() {
    return this == V4;
  }

  public String path() {
    return "/api/" + name().toLowerCase(Locale.ROOT) + "/store/execute";
  }

  public static ApiVersion parse(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
