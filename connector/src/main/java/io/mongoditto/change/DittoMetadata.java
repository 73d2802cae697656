package io.mongoditto.change;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The connector's metadata field in Ditto documents: {@code _mongoditto: {"source": "<origin>"}}
 * names the source connector that wrote the document ({@link DittoChange#origin()}), so a sweep
 * deletes only documents its own source wrote. Ditto's own MongoDB connector keeps {@code
 * _}-prefixed metadata in documents the same way. The field is not part of the mapped document:
 * every comparison of a Ditto document with MongoDB leaves it out ({@link #without}).
 */
public final class DittoMetadata {

  /** The top-level field holding the metadata. */
  public static final String FIELD = "_mongoditto";

  /** The metadata key naming the writing source. */
  public static final String SOURCE = "source";

  /**
   * The metadata key holding a token new with every batch the sink writes: Ditto's CDC carries no
   * origin, so a change event whose token differs from the one before it is a write of the MongoDB
   * -> Ditto direction (MongoDB's state, which MongoDB already holds or has moved on from), never a
   * device's, which leaves the field as it was.
   */
  public static final String WRITE = "write";

  /**
   * The metadata key the MongoDB sink sets, new with every value it gives back to Ditto (MongoDB's
   * value where Ditto holds an older one, or a canonical form): its change event comes back on CDC
   * with the write token unchanged, and when it comes late (MongoDB changed the path again since)
   * it must not be taken for a device's edit of that path (the long two-way run wrote old values
   * into MongoDB that way).
   */
  public static final String BACK = "back";

  private DittoMetadata() {}

  /** The metadata value for documents written by {@code origin}. */
  public static Map<String, Object> of(String origin) {
    return Map.of(SOURCE, origin);
  }

  /**
   * The metadata key holding the id of the document the sink wrote ({@link CanonicalIds#text}): a
   * document an app creates from a copy of another, metadata included, names the other's id, so its
   * creation is not taken for the sink's write, while the sink's own re-creation of a document (a
   * copy's record landing after a device deleted the document) is.
   */
  public static final String ID = "id";

  /**
   * The metadata value for the document {@code dittoId} written by {@code origin} in the write
   * {@code token}.
   */
  public static Map<String, Object> of(String origin, String token, Object dittoId) {
    return Map.of(SOURCE, origin, WRITE, token, ID, CanonicalIds.text(dittoId));
  }

  /**
   * Whether a Ditto change from {@code before} to {@code after} (a CDC event's old and new value)
   * is a write of the MongoDB -> Ditto direction: the write token changed (see {@link #WRITE}), or,
   * for a document new in Ditto, its metadata names the document itself ({@link #ID}); an app may
   * create a document from a copy of another, metadata included, and that is not the sink's.
   */
  public static boolean writtenByTheSink(Map<String, ?> before, Map<String, ?> after) {
    Object token = tokenOf(after);
    if (token == null) {
      return false;
    }
    return before == null ? namesItself(after) : !token.equals(tokenOf(before));
  }

  /**
   * Whether a Ditto change from {@code before} to {@code after} is a value the MongoDB sink gave
   * back (see {@link #BACK}): MongoDB's state, as the sink's writes are.
   */
  public static boolean givenBack(Map<String, ?> before, Map<String, ?> after) {
    Object mark = metadata(after, BACK);
    return before != null && mark != null && !mark.equals(metadata(before, BACK));
  }

  /**
   * Whether the document's metadata names the document's own id (see {@link #ID}): the Ditto sink
   * wrote it from a MongoDB document.
   */
  public static boolean namesItself(Map<String, ?> dittoDocument) {
    if (!(dittoDocument.get(FIELD) instanceof Map<?, ?> meta
        && meta.get(ID) instanceof String id)) {
      return false;
    }
    try {
      return id.equals(CanonicalIds.text(dittoDocument.get("_id")));
    } catch (IllegalArgumentException noValidId) {
      return false;
    }
  }

  /** The write token of a document the sink wrote, or null. */
  public static Object tokenOf(Map<String, ?> dittoDocument) {
    return metadata(dittoDocument, WRITE);
  }

  private static Object metadata(Map<String, ?> dittoDocument, String key) {
    return dittoDocument != null && dittoDocument.get(FIELD) instanceof Map<?, ?> meta
        ? meta.get(key)
        : null;
  }

  /** The document as the mapping produced it: without the metadata field (a copy when needed). */
  public static Map<String, Object> without(Map<String, Object> dittoDocument) {
    if (dittoDocument == null || !dittoDocument.containsKey(FIELD)) {
      return dittoDocument;
    }
    Map<String, Object> copy = new LinkedHashMap<>(dittoDocument);
    copy.remove(FIELD);
    return copy;
  }

  /** The source that wrote a Ditto document, or null when none of ours did. */
  public static String sourceOf(Map<String, ?> dittoDocument) {
    return dittoDocument != null
            && dittoDocument.get(FIELD) instanceof Map<?, ?> meta
            && meta.get(SOURCE) instanceof String s
        ? s
        : null;
  }
}
