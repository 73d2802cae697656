package io.mongoditto.sink;

import java.util.List;
import java.util.Map;

/** What one document's changes inside a batch amount to: one upsert or one delete. */
sealed interface FinalOp {

  /** The normalized Ditto {@code _id}. */
  Object id();

  /**
   * Remove {@code unsetPaths}, then upsert {@code document}; with {@code replace}, also remove
   * whatever else Ditto holds that the document lacks; with {@code changedPaths} (a delta), write
   * only those paths to a document Ditto holds, and the whole document to one it does not.
   *
   * @param document the complete mapped document (the latest of the batch)
   * @param changedPaths the dotted paths a delta writes, or null to write the whole document
   * @param origin the source to name in the document's metadata, or null for none
   */
  record Upsert(
      Object id,
      Map<String, Object> document,
      List<String> unsetPaths,
      boolean replace,
      List<String> changedPaths,
      String origin)
      implements FinalOp {

    Upsert(Object id, Map<String, Object> document, List<String> unsetPaths, boolean replace) {
      this(id, document, unsetPaths, replace, null, null);
    }

    boolean isDelta() {
      return changedPaths != null;
    }
  }

  record Delete(Object id) implements FinalOp {}
}
