package io.mongoditto.mongosink;

import io.mongoditto.cdc.CdcEvent;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DittoResponse;
import io.mongoditto.ditto.DqlNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code requeryRequired} event asks for: Ditto's CDC lost track, so changes may be missing.
 * Every synced Ditto collection is read whole and each document is planned as a document new in
 * Ditto (no old value): MongoDB takes what it lacks (documents, fields), a value both sides hold
 * differently is a conflict left alone (the side that changed it last will send it again), and
 * nothing is deleted (a MongoDB document Ditto lacks may be one Ditto never had: deleting it would
 * be a blind overwrite). The reconciliation is the safe direction only; docs/ditto-to-mongodb.md
 * says how to re-copy for the rest.
 */
final class RequeryReconciler {

  private static final Logger LOG = LoggerFactory.getLogger(RequeryReconciler.class);
  private static final int APPLY_CHUNK = 1000;

  private final DittoHttpClient client;
  private final List<String> dittoCollections;

  RequeryReconciler(DittoHttpClient client, List<String> dittoCollections) {
    this.client = client;
    this.dittoCollections = List.copyOf(dittoCollections);
  }

  /** What one reconciliation did, summed over its collections. */
  record Outcome(int documents, int written, int conflicts, List<String> failures) {}

  /**
   * @param txnId the requery event's transaction id, given to the planned documents so later events
   *     of the same documents still apply and older ones are dropped
   */
  <R> Outcome reconcile(CdcApplier<R> applier, long txnId) {
    int documents = 0;
    int written = 0;
    int conflicts = 0;
    List<String> failures = new ArrayList<>();
    for (String collection : dittoCollections) {
      DittoResponse all =
          client.read(
              "SELECT * FROM " + DqlNames.quote(collection),
              Map.of(),
              DittoHttpClient.RequestObserver.NONE,
              client.deadline());
      List<DocumentChanges.Item<R>> items = new ArrayList<>();
      for (Map<String, Object> doc : all.items()) {
        items.add(
            new DocumentChanges.Item<>(
                new CdcEvent(txnId, CdcEvent.Type.DOCUMENT_CHANGED, collection, null, doc), null));
      }
      documents += items.size();
      for (int from = 0; from < items.size(); from += APPLY_CHUNK) {
        CdcApplier.Result<R> r =
            applier.apply(items.subList(from, Math.min(items.size(), from + APPLY_CHUNK)));
        written += r.written();
        conflicts += r.plans().stream().mapToInt(p -> p.conflicts().size()).sum();
        r.failures().forEach(f -> failures.add(f.reason()));
      }
      LOG.info(
          "requeryRequired: reconciled Ditto collection {} ({} documents read)",
          collection,
          all.items().size());
    }
    return new Outcome(documents, written, conflicts, failures);
  }
}
