package io.mongoditto.mapping;

/**
 * Raised inside the mapping code when one document or value cannot be mapped; {@link
 * ChangeEventMapper} turns it into a {@link MappingError} that names the collection and the Mongo
 * {@code _id}; the Ditto -> MongoDB direction reports it with the Ditto id.
 */
public final class MappingException extends RuntimeException {

  private final String field;

  MappingException(String field, String reason) {
    super(reason, null, false, false);
    this.field = field;
  }

  /** The field at fault as a dotted path, or null when the whole document is at fault. */
  public String field() {
    return field;
  }

  public String reason() {
    return getMessage();
  }
}
