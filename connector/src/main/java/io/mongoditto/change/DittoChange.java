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
 *   <li>{@link #changedPaths()} non-null (a delta, from an update): only these dotted paths of the
 *       document are written to a Ditto document that exists (with the unset paths), so fields the
 *       update did not touch keep whatever Ditto holds (a device's concurrent edit survives); a
 *       document Ditto does not hold is created from the complete {@link #document()}.
 *   <li>{@link Operation#TOUCH}: nothing is written. The MongoDB change came from Ditto (the Ditto
 *       -> MongoDB direction wrote it), so Ditto already holds it; the record only tells an open
 *       sweep that the document exists.
 * </ul>
 *
 * @param collection the Ditto collection
 * @param operation upsert, delete or touch
 * @param id the Ditto {@code _id}: a String, a Number, or a Map of field to value (multiple_fields)
 * @param document the mapped document for an upsert (with {@code _id}); null otherwise
 * @param unsetPaths dotted paths removed before the upsert; empty for deletes
 * @param replace the document is the whole state of the Ditto document
 * @param sourceTimeMillis when the change was committed in the source (epoch millis), 0 if unknown
 * @param sourceId the source's own id of the document rendered as text, for errors and logs; may be
 *     null
 * @param changedPaths for a delta upsert, the dotted paths whose values changed; null when the
 *     whole document is written
 * @param origin the id of the source that wrote the change, kept in the Ditto document so a sweep
 *     deletes only what its own source wrote; null when the collection never sweeps
 */
public record DittoChange(
    String collection,
    Operation operation,
    Object id,
    Map<String, Object> document,
    List<String> unsetPaths,
    boolean replace,
    long sourceTimeMillis,
    String sourceId,
    List<String> changedPaths,
    String origin) {

  public enum Operation {
    UPSERT,
    DELETE,
    TOUCH
  }

  public DittoChange {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(id, "id");
    if (operation == Operation.UPSERT) {
      Objects.requireNonNull(document, "document of an upsert");
    } else if (document != null) {
      throw new IllegalArgumentException("only an upsert carries a document");
    }
    unsetPaths = unsetPaths == null ? List.of() : List.copyOf(unsetPaths);
    if (changedPaths != null) {
      if (operation != Operation.UPSERT || replace) {
        throw new IllegalArgumentException("only an upsert that is not a replace is a delta");
      }
      changedPaths = List.copyOf(changedPaths);
    }
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
        sourceId,
        null,
        null);
  }

  /** An update: only {@code changedPaths} and {@code unsetPaths} change in an existing document. */
  public static DittoChange delta(
      String collection,
      Object id,
      Map<String, Object> document,
      List<String> changedPaths,
      List<String> unsetPaths,
      long sourceTimeMillis,
      String sourceId) {
    return new DittoChange(
        collection,
        Operation.UPSERT,
        id,
        document,
        unsetPaths,
        false,
        sourceTimeMillis,
        sourceId,
        Objects.requireNonNull(changedPaths, "changedPaths"),
        null);
  }

  public static DittoChange delete(
      String collection, Object id, long sourceTimeMillis, String sourceId) {
    return new DittoChange(
        collection,
        Operation.DELETE,
        id,
        null,
        List.of(),
        false,
        sourceTimeMillis,
        sourceId,
        null,
        null);
  }

  /** A MongoDB change that came from Ditto: nothing to write, the document exists. */
  public static DittoChange touch(
      String collection, Object id, long sourceTimeMillis, String sourceId) {
    return new DittoChange(
        collection,
        Operation.TOUCH,
        id,
        null,
        List.of(),
        false,
        sourceTimeMillis,
        sourceId,
        null,
        null);
  }

  /** This change as written by the source {@code newOrigin} (see {@link #origin()}). */
  public DittoChange withOrigin(String newOrigin) {
    return new DittoChange(
        collection,
        operation,
        id,
        document,
        unsetPaths,
        replace,
        sourceTimeMillis,
        sourceId,
        changedPaths,
        newOrigin);
  }

  public boolean isDelete() {
    return operation == Operation.DELETE;
  }

  public boolean isTouch() {
    return operation == Operation.TOUCH;
  }

  /** Whether only {@link #changedPaths()} change (an update), rather than the whole document. */
  public boolean isDelta() {
    return changedPaths != null;
  }
}
