package io.mongoditto.sink;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The DQL statements the sink sends. Every identifier is back-quoted (a back quote inside doubled),
 * which the engine accepts for any name: dots, spaces, {@code $}, non-ASCII, reserved words.
 */
final class Dql {

  static final String IDS = "ids";
  static final String DOCS = "docs";

  private Dql() {}

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  static String path(List<String> segments) {
    return segments.stream().map(Dql::quote).collect(Collectors.joining("."));
  }

  static String select(String collection) {
    return "SELECT * FROM " + quote(collection) + " WHERE _id IN :" + IDS;
  }

  /** Every document's {@code _id}: what a sweep compares with the ids a copy touched. */
  static String selectIds(String collection) {
    return "SELECT _id FROM " + quote(collection);
  }

  static String unset(String collection, List<List<String>> paths) {
    return "UPDATE "
        + quote(collection)
        + " UNSET "
        + paths.stream().map(Dql::path).collect(Collectors.joining(", "))
        + " WHERE _id IN :"
        + IDS;
  }

  static String upsert(String collection) {
    return "INSERT INTO "
        + quote(collection)
        + " DOCUMENTS (:"
        + DOCS
        + ") ON ID CONFLICT DO UPDATE";
  }

  /**
   * Creates the documents that do not exist yet; {@code mutatedDocumentIds} names exactly those.
   */
  static String insertNew(String collection) {
    return "INSERT INTO "
        + quote(collection)
        + " DOCUMENTS (:"
        + DOCS
        + ") ON ID CONFLICT DO NOTHING";
  }

  static String delete(String collection) {
    return "DELETE FROM " + quote(collection) + " WHERE _id IN :" + IDS;
  }
}
