package io.mongoditto.cdc;

import java.util.Map;
import java.util.Objects;

/**
 * One message of Ditto's Change Data Capture (a Data Bridge's Kafka topic): the record type of the
 * Ditto -> MongoDB direction, as {@code change.DittoChange} is of the other. Ditto documents it as
 *
 * <pre>{@code
 * {"txnId": 552789, "type": "documentChanged", "collection": "people",
 *  "change": {"method": "upsert", "oldValue": null | {...}, "newValue": {...}}}
 * {"txnId": 552790, "type": "documentChanged", "collection": "people",
 *  "change": {"method": "remove", "value": {...the document when it was removed...}}}
 * {"txnId": 552791, "type": "requeryRequired", "documents": []}
 * }</pre>
 *
 * {@link CdcEvents} reads every spelling Ditto's documentation has used.
 *
 * @param txnId Ditto's transaction id: increases monotonically; {@code txnId} and the document's
 *     {@code _id} identify an event
 * @param type what the message says
 * @param collection the Ditto collection (null for requeryRequired)
 * @param before the document before the change: null for a document new in Ditto
 * @param after the document after the change: null when it was removed
 */
public record CdcEvent(
    long txnId,
    Type type,
    String collection,
    Map<String, Object> before,
    Map<String, Object> after) {

  public enum Type {
    /** A document was inserted, updated or removed. */
    DOCUMENT_CHANGED,
    /** The producer lost track: the consumer must re-read the whole data set, then go on. */
    REQUERY_REQUIRED
  }

  public CdcEvent {
    Objects.requireNonNull(type, "type");
    if (type == Type.DOCUMENT_CHANGED) {
      Objects.requireNonNull(collection, "collection");
      if (before == null && after == null) {
        throw new IllegalArgumentException("a document change needs a document before or after");
      }
    }
  }

  public static CdcEvent requery(long txnId) {
    return new CdcEvent(txnId, Type.REQUERY_REQUIRED, null, null, null);
  }

  public boolean isRemove() {
    return type == Type.DOCUMENT_CHANGED && after == null;
  }

  public boolean isRequery() {
    return type == Type.REQUERY_REQUIRED;
  }

  /** The Ditto {@code _id} of the changed document (null for requeryRequired). */
  public Object documentId() {
    Map<String, Object> doc = after != null ? after : before;
    return doc == null ? null : doc.get("_id");
  }
}
