package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.List;

/** The server errors change streams report, with a real MongoDB's codes, names and labels. */
final class ChangeStreamErrors {

  static final String NON_RESUMABLE = "NonResumableChangeStreamError";

  private ChangeStreamErrors() {}

  static MongoServerError historyLost() {
    return new MongoServerError(
        286,
        "ChangeStreamHistoryLost",
        "Resume of change stream was not possible, as the resume point may no longer be in the"
            + " oplog.");
  }

  static MongoServerError invalidResumeToken(String why) {
    return new MongoServerError(260, "InvalidResumeToken", why);
  }

  static MongoServerError fatal(String why) {
    return new MongoServerError(280, "ChangeStreamFatalError", why);
  }

  static MongoServerError badValue(String why) {
    return new MongoServerError(2, "BadValue", why);
  }

  static MongoServerError noMatchingDocument(String why) {
    return new MongoServerError(47, "NoMatchingDocument", why);
  }

  static MongoServerError namespaceNotFound(String why) {
    return new MongoServerError(26, "NamespaceNotFound", why);
  }

  /**
   * A command reply for the error. Built here (not thrown) because mongo-java-server's own error
   * replies cannot carry {@code errorLabels}.
   */
  static Document reply(MongoServerError e) {
    Document reply =
        new Document("ok", 0.0)
            .append("errmsg", e.getMessageWithoutErrorCode())
            .append("code", e.getCode())
            .append("codeName", e.getCodeName());
    if (e.getCode() == 280) {
      reply.append("errorLabels", List.of(NON_RESUMABLE));
    }
    return reply;
  }
}
