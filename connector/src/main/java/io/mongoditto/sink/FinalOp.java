package io.mongoditto.sink;

import java.util.List;
import java.util.Map;

/** What one document's changes inside a batch amount to: one upsert or one delete. */
sealed interface FinalOp {

  /** The normalized Ditto {@code _id}. */
  Object id();

  /**
   * Remove {@code unsetPaths}, then upsert {@code document}; with {@code replace}, also remove
   * whatever else Ditto holds that the document lacks.
   */
  record Upsert(Object id, Map<String, Object> document, List<String> unsetPaths, boolean replace)
      implements FinalOp {}

  record Delete(Object id) implements FinalOp {}
}
