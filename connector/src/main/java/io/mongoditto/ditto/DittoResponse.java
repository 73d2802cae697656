package io.mongoditto.ditto;

import java.util.List;
import java.util.Map;

/**
 * A successful answer of the execute endpoint.
 *
 * @param transactionId Ditto's transaction id (usable as {@code X-DITTO-TXN-ID}), or -1
 * @param queryType select, mutation or unknown
 * @param items the selected documents
 * @param mutatedDocumentIds ids a mutation touched
 * @param warnings warning texts (e.g. documents over the soft size limit)
 */
public record DittoResponse(
    long transactionId,
    String queryType,
    List<Map<String, Object>> items,
    List<Object> mutatedDocumentIds,
    List<String> warnings) {}
