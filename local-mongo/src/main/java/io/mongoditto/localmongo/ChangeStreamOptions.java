package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Set;

/**
 * The parsed {@code $changeStream} stage.
 *
 * @param db the watched database, or null for a whole-cluster stream
 * @param coll the watched collection, or null for a database or cluster stream
 */
record ChangeStreamOptions(
    String db,
    String coll,
    String fullDocument,
    String fullDocumentBeforeChange,
    Object resumeAfter,
    Object startAfter,
    BsonTimestamp startAtOperationTime,
    boolean showExpandedEvents) {

  private static final Set<String> FULL_DOCUMENT =
      Set.of("default", "updateLookup", "whenAvailable", "required");
  private static final Set<String> BEFORE_CHANGE = Set.of("off", "whenAvailable", "required");
  private static final Set<String> KNOWN =
      Set.of(
          "fullDocument",
          "fullDocumentBeforeChange",
          "resumeAfter",
          "startAfter",
          "startAtOperationTime",
          "allChangesForCluster",
          "showExpandedEvents",
          "allowToRunOnConfigDB",
          "allowToRunOnSystemNS");

  static ChangeStreamOptions parse(String db, String coll, Object stage) {
    if (!(stage instanceof Document spec)) {
      throw new de.bwaldvogel.mongo.exception.MongoServerError(
          50808, "Location50808", "$changeStream stage expects a document as argument");
    }
    for (String key : spec.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new de.bwaldvogel.mongo.exception.MongoServerError(
            40415, "Location40415", "BSON field '$changeStream." + key + "' is an unknown field.");
      }
    }
    String fullDocument = String.valueOf(spec.getOrDefault("fullDocument", "default"));
    if (!FULL_DOCUMENT.contains(fullDocument)) {
      throw ChangeStreamErrors.badValue("unrecognized fullDocument mode: " + fullDocument);
    }
    String before = String.valueOf(spec.getOrDefault("fullDocumentBeforeChange", "off"));
    if (!BEFORE_CHANGE.contains(before)) {
      throw ChangeStreamErrors.badValue("unrecognized fullDocumentBeforeChange mode: " + before);
    }
    boolean cluster = Boolean.TRUE.equals(spec.get("allChangesForCluster"));
    if (cluster && !"admin".equals(db)) {
      throw ChangeStreamErrors.badValue(
          "A change stream with allChangesForCluster must be opened on the admin database");
    }
    Object resumeAfter = spec.get("resumeAfter");
    Object startAfter = spec.get("startAfter");
    Object atTime = spec.get("startAtOperationTime");
    int resumeOptions =
        (resumeAfter != null ? 1 : 0) + (startAfter != null ? 1 : 0) + (atTime != null ? 1 : 0);
    if (resumeOptions > 1) {
      throw new de.bwaldvogel.mongo.exception.MongoServerError(
          40674,
          "Location40674",
          "Only one type of resume option is allowed, but multiple were found.");
    }
    if (atTime != null && !(atTime instanceof BsonTimestamp)) {
      throw new de.bwaldvogel.mongo.exception.MongoServerError(
          14,
          "TypeMismatch",
          "BSON field '$changeStream.startAtOperationTime' is the wrong type, expected type"
              + " 'timestamp'");
    }
    return new ChangeStreamOptions(
        cluster ? null : db,
        coll,
        fullDocument,
        before,
        resumeAfter,
        startAfter,
        (BsonTimestamp) atTime,
        Boolean.TRUE.equals(spec.get("showExpandedEvents")));
  }

  boolean watches(ChangeEvent event) {
    if (event.expandedOnly() && !showExpandedEvents) {
      return false;
    }
    if (db == null) {
      return !isInternalDatabase(event.db());
    }
    return db.equals(event.db()) && (coll == null || coll.equals(event.coll()));
  }

  private static boolean isInternalDatabase(String name) {
    return name.equals("admin") || name.equals("config") || name.equals("local");
  }
}
