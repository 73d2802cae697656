package io.mongoditto.mongosink;

import io.mongoditto.cdc.CdcEvent;
import io.mongoditto.change.CanonicalIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CDC events of one batch grouped per Ditto document, each group in {@code txnId} order with
 * duplicates and events older than what was already applied dropped: events can arrive twice
 * (redelivery, two consumer groups) and, across partitions, out of order.
 *
 * @param <R> what each event came from (a SinkRecord, for the dead-letter queue)
 */
final class DocumentChanges<R> {

  /** One event and the record it came in. */
  record Item<R>(CdcEvent event, R source) {}

  /**
   * The events of one Ditto document, oldest first.
   *
   * @param historyKnown whether the first event is known to be newer than everything applied to
   *     this document before: an earlier event of it was applied by this task, or the first event
   *     is above every event the connector applied ({@link AppliedMarks}); false after a restart
   *     for events that may be old ones delivered again
   */
  record Group<R>(
      String collection, String idKey, Object dittoId, List<Item<R>> items, boolean historyKnown) {
    long newestTxnId() {
      return items.get(items.size() - 1).event().txnId();
    }
  }

  private DocumentChanges() {}

  /**
   * @param applied the last transaction applied per document ({@link AppliedTransactions#key})
   * @param appliedUpTo the highest transaction the connector applied ({@link AppliedMarks#highest})
   * @param dropped receives the items dropped as duplicates or older than what was applied
   */
  static <R> List<Group<R>> group(
      List<Item<R>> items, AppliedTransactions applied, long appliedUpTo, List<Item<R>> dropped) {
    Map<String, List<Item<R>>> byDocument = new LinkedHashMap<>();
    Map<String, Object> ids = new LinkedHashMap<>();
    for (Item<R> item : items) {
      Object id = item.event().documentId();
      String key = AppliedTransactions.key(item.event().collection(), CanonicalIds.text(id));
      byDocument.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
      ids.putIfAbsent(key, id);
    }
    List<Group<R>> groups = new ArrayList<>();
    for (Map.Entry<String, List<Item<R>>> e : byDocument.entrySet()) {
      List<Item<R>> ordered = new ArrayList<>(e.getValue());
      ordered.sort(Comparator.comparingLong(i -> i.event().txnId()));
      long last = applied.lastApplied(e.getKey());
      boolean historyKnown =
          last != Long.MIN_VALUE
              || (appliedUpTo != AppliedMarks.NONE && ordered.get(0).event().txnId() > appliedUpTo);
      List<Item<R>> kept = new ArrayList<>();
      for (Item<R> item : ordered) {
        if (item.event().txnId() <= last) {
          dropped.add(item);
        } else {
          kept.add(item);
          last = item.event().txnId();
        }
      }
      if (!kept.isEmpty()) {
        Item<R> first = kept.get(0);
        groups.add(
            new Group<>(
                first.event().collection(),
                CanonicalIds.text(ids.get(e.getKey())),
                ids.get(e.getKey()),
                kept,
                historyKnown));
      }
    }
    return groups;
  }
}
