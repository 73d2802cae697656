package io.mongoditto.mongosink;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest Ditto transaction applied per document, for recently changed documents (bounded, least
 * recently used dropped first): an event at or below it is a duplicate or arrived late and is not
 * applied again. After a restart this memory is empty: {@link CdcApplier} then checks a document's
 * first events against what Ditto holds now, so a replayed old event changes nothing.
 */
final class AppliedTransactions {

  private final Map<String, Long> newest;

  AppliedTransactions(int capacity) {
    this.newest =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > capacity;
          }
        };
  }

  static String key(String collection, String canonicalId) {
    return collection + "\u0000" + canonicalId;
  }

  synchronized long lastApplied(String key) {
    Long txn = newest.get(key);
    return txn == null ? Long.MIN_VALUE : txn;
  }

  /** Forgets every document: what others applied since is not known here. */
  synchronized void clear() {
    newest.clear();
  }

  synchronized void applied(String key, long txnId) {
    newest.merge(key, txnId, Math::max);
  }
}
