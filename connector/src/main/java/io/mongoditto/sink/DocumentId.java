package io.mongoditto.sink;

import io.mongoditto.change.CanonicalIds;

/**
 * A Ditto {@code _id} normalized for equality: 7, 7L and 7.0 are one id, and composite ids are
 * compared key by key regardless of key order (as Ditto does).
 */
final class DocumentId {

  private DocumentId() {}

  /** The id value to send to Ditto (numbers made integral where exact) and to compare. */
  static Object normalize(Object id) {
    return CanonicalIds.normalize(id);
  }
}
