package io.mongoditto.change;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Ditto-shaped change: the only type that crosses Kafka between the source and the sink (and
 * the embedded runner). It knows nothing of MongoDB or of HTTP.
 *
 * <p>Semantics the sink applies, per document and in record order:
 *
 * <ul>
 *   <li>{@link Operation#DELETE}: the Ditto document with {@link #id()} is deleted.
 *   <li>{@link Operation#UPSERT}: first every path in {@link #unsetPaths()} is removed (this is how
 *       a {@code $unset}, or a {@code $set} that replaces a whole sub-object, reaches Ditto: Ditto
 *       upserts merge maps and never remove fields), then {@link #document()} is upserted. The
 *       document is always the complete mapped document, {@code _id} included.
 *   <li>{@link #replace()}: the document is known to be the complete state (an insert, a replace, a
 *       snapshot copy) and any field Ditto holds that is absent from it must go, also ones the
 *       source could not list in {@link #unsetPaths()}.
 * </ul>
 *
 * @param collection the Ditto collection
 * @param operation upsert or delete
 * @param id the Ditto {@code _id}: a String, a Number, or a Map of field to value (multiple_fields)
 * @param document the mapped document for an upsert (with {@code _id}); null for a delete
 * @param unsetPaths dotted paths removed before the upsert; empty for deletes
 * @param replace the document is the whole state of the Ditto document
 * @param sourceTimeMillis when the change was committed in the source (epoch millis), 0 if unknown
 * @param sourceId the source's own id of the document rendered as text, for errors and logs; may be
 *     null
 */
public record DittoChange(
    String collection,
    Operation operation,
    Object id,
    Map<String, Object> document,
    List<String> unsetPaths,
    boolean replace,
    long sourceTimeMillis,
    String sourceId) {

  public enum Operation {
    UPSERT,
    DELETE
  }

  public DittoChange {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(id, "id");
    if (operation == Operation.UPSERT) {
      Objects.requireNonNull(document, "document of an upsert");
    } else if (document != null) {
      throw new IllegalArgumentException("a delete carries no document");
    }
    unsetPaths = unsetPaths == null ? List.of() : List.copyOf(unsetPaths);
  }

  public static DittoChange upsert(
      String collection,
      Object id,
      Map<String, Object> document,
      List<String> unsetPaths,
      boolean replace,
      long sourceTimeMillis,
      String sourceId) {
    return new DittoChange(
        collection,
        Operation.UPSERT,
        id,
        document,
        unsetPaths,
        replace,
        sourceTimeMillis,
        sourceId);
  }

  public static DittoChange delete(
      String collection, Object id, long sourceTimeMillis, String sourceId) {
    return new DittoChange(
        collection, Operation.DELETE, id, null, List.of(), false, sourceTimeMillis, sourceId);
  }

  public boolean isDelete() {
    return operation == Operation.DELETE;
  }
}
