package io.mongoditto.mapping;

/**
 * How the Ditto {@code _id} is derived from a MongoDB document (the modes of Ditto's own
 * connector).
 */
public enum IdMode {
  /** Ditto {@code _id} = Mongo {@code _id}; it must not be null, an array or an object. */
  MATCH_IDS,
  /** Ditto {@code _id} = the value of one top-level field other than {@code _id}. */
  SINGLE_FIELD,
  /** Ditto {@code _id} = an object of several top-level fields, in the configured order. */
  MULTIPLE_FIELDS
}
