package io.mongoditto.mapping;

import org.bson.BsonDocument;

/**
 * Whether a MongoDB document (as stored, before any field transformation) belongs in Ditto. Must be
 * pure and thread-safe. {@link QueryFilter} builds one from a filter in MongoDB query language.
 */
@FunctionalInterface
public interface DocumentFilter {

  /** Every document belongs in Ditto (no filter configured). */
  DocumentFilter ALL = doc -> true;

  boolean matches(BsonDocument mongoDocument);
}
