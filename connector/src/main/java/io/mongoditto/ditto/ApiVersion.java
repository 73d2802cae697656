package io.mongoditto.ditto;

import java.util.Locale;

/** Which execute API to call: v5 (DQL strict mode off: maps merge) or v4 (strict mode on). */
public enum ApiVersion {
  V5,
  V4;

  public String path() {
    return "/api/" + name().toLowerCase(Locale.ROOT) + "/store/execute";
  }

  public static ApiVersion parse(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
