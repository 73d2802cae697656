package io.mongoditto.sink;

import io.mongoditto.change.DittoMetadata;
import io.mongoditto.ditto.DqlNames;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The DQL statements the sink sends. Every identifier is back-quoted ({@link DqlNames}), which the
 * engine accepts for any name: dots, spaces, {@code $}, non-ASCII, reserved words.
 */
final class Dql {

  static final String IDS = "ids";
  static final String DOCS = "docs";
  static final String ORIGIN = "origin";
  static final String TOKEN = "token";

  /** The metadata field naming the source that wrote a document. */
  private static final String SOURCE_FIELD =
      DqlNames.path(List.of(DittoMetadata.FIELD, DittoMetadata.SOURCE));

  /** The metadata field holding the sink's write token. */
  private static final String WRITE_FIELD =
      DqlNames.path(List.of(DittoMetadata.FIELD, DittoMetadata.WRITE));

  private Dql() {}

  static String quote(String identifier) {
    return DqlNames.quote(identifier);
  }

  static String path(List<String> segments) {
    return DqlNames.path(segments);
  }

  static String select(String collection) {
    return "SELECT * FROM " + quote(collection) + " WHERE _id IN :" + IDS;
  }

  /**
   * The ids of the documents one source wrote: what a sweep compares with the ids its records
   * touched. Only these can be swept, and the filter keeps the answer small where apps or other
   * sources write the same collection.
   */
  static String selectIdsWrittenBy(String collection) {
    return "SELECT _id FROM " + quote(collection) + " WHERE " + SOURCE_FIELD + " = :" + ORIGIN;
  }

  /** A sweep's delete: still only documents of that source, should one change hands meanwhile. */
  static String deleteWrittenBy(String collection) {
    return "DELETE FROM "
        + quote(collection)
        + " WHERE _id IN :"
        + IDS
        + " AND "
        + SOURCE_FIELD
        + " = :"
        + ORIGIN;
  }

  static String unset(String collection, List<List<String>> paths) {
    return unset(collection, paths, false);
  }

  /**
   * With {@code stamped}, the statement also sets the write token to {@code :token}, so its change
   * event is told from a device's edit as the upsert's is ({@link DittoMetadata#WRITE}).
   */
  static String unset(String collection, List<List<String>> paths, boolean stamped) {
    return "UPDATE "
        + quote(collection)
        + (stamped ? " SET " + WRITE_FIELD + " = :" + TOKEN : "")
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
