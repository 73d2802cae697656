package io.mongoditto.mongosink;

import io.mongoditto.change.CanonicalIds;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DqlNames;
import io.mongoditto.ditto.IdKinds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Ditto's current documents by id (sending the highest transaction id seen, so this task's
 * own write-backs are included): what {@link CdcApplier} checks events of unknown history against
 * and creates MongoDB documents from.
 */
final class DittoDocuments implements CdcApplier.DittoState {

  private static final int IDS_PER_READ = 500;

  private final DittoHttpClient client;

  DittoDocuments(DittoHttpClient client) {
    this.client = client;
  }

  @Override
  public Map<String, Map<String, Object>> current(String dittoCollection, List<Object> ids) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    List<Object> normalized = new ArrayList<>(ids.size());
    ids.forEach(id -> normalized.add(CanonicalIds.normalize(id)));
    for (List<Object> chunk : IdKinds.split(normalized, IDS_PER_READ)) {
      for (Map<String, Object> doc :
          client
              .read(
                  "SELECT * FROM " + DqlNames.quote(dittoCollection) + " WHERE _id IN :ids",
                  Map.of("ids", chunk),
                  DittoHttpClient.RequestObserver.NONE,
                  client.deadline())
              .items()) {
        out.put(CanonicalIds.text(doc.get("_id")), doc);
      }
    }
    return out;
  }
}
