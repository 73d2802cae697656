package io.mongoditto.ditto;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Identifiers in DQL text: every one back-quoted (a back quote inside doubled), which the engine
 * accepts for any name: dots, spaces, {@code $}, non-ASCII, reserved words.
 */
public final class DqlNames {

  private DqlNames() {}

  public static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  /** A field path of segments, each quoted. */
  public static String path(List<String> segments) {
    return segments.stream().map(DqlNames::quote).collect(Collectors.joining("."));
  }
}
