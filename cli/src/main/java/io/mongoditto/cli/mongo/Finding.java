package io.mongoditto.cli.mongo;

/**
 * One result of {@code check}: what was looked at, what was found and, for a problem, how to fix
 * it.
 *
 * @param level OK, a warning (works, but not as recommended) or an error (the sync will not work)
 * @param subject what it is about: "connection", "replica set", a collection name
 * @param message what was found
 * @param fix what to do about it; null when nothing is to be done
 */
public record Finding(Level level, String subject, String message, String fix) {

  public enum Level {
    OK,
    WARN,
    ERROR
  }

  public static Finding ok(String subject, String message) {
    return new Finding(Level.OK, subject, message, null);
  }

  public static Finding warn(String subject, String message, String fix) {
    return new Finding(Level.WARN, subject, message, fix);
  }

  public static Finding error(String subject, String message, String fix) {
    return new Finding(Level.ERROR, subject, message, fix);
  }

  public boolean isError() {
    return level == Level.ERROR;
  }
}
