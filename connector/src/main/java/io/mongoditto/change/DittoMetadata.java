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

  private DittoMetadata() {}

  /** The metadata value for documents written by {@code origin}. */
  public static Map<String, Object> of(String origin) {
    return Map.of(SOURCE, origin);
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
