package io.mongoditto.mapping;

/**
 * Why one MongoDB document could not be mapped: specific enough to find and fix it.
 *
 * @param collection the MongoDB collection
 * @param sourceId the Mongo {@code _id} rendered as text (relaxed Extended JSON), or null if absent
 * @param field the field at fault (a dotted path), or null if the whole document is at fault
 * @param reason what is wrong, for a person
 */
public record MappingError(String collection, String sourceId, String field, String reason) {

  public String describe() {
    return "collection '"
        + collection
        + "', document _id "
        + sourceId
        + (field == null ? "" : ", field '" + field + "'")
        + ": "
        + reason;
  }
}
