package io.mongoditto.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DittoResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies one collection's collapsed batch with few statements, in this order: (a) one INSERT ...
 * ON ID CONFLICT DO NOTHING of the documents whose upsert needs the stored state (a replace, or
 * paths to unset): the ones Ditto did not have are then complete and need nothing more, which makes
 * an initial sync into an empty app one statement per batch; (b) one SELECT of the rest; (c) one
 * UNSET per distinct set of paths; (d) one multi-document INSERT ... ON ID CONFLICT DO UPDATE; (e)
 * one DELETE. Each {@code _id} has exactly one final op, so this order keeps every document's own
 * order. Ids are split by kind (string, number, object) because the engine matches {@code _id IN
 * :ids} only among ids of one kind (a mixed list matched nothing on 5.1.0).
 */
final class CollectionWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Default longest {@code _id IN} list (0 = a batch's ids in one statement); see
   * docs/sink-connector.md.
   */
  static final int IDS_PER_STATEMENT = 0;

  /** Longest {@code _id IN} list of a sweep's DELETE (a sweep may delete a whole collection). */
  static final int SWEEP_DELETES_PER_STATEMENT = 1000;

  private final DittoHttpClient client;
  private final SinkCounters counters;
  private final boolean registersOnly;
  private final long maxRequestBytes;
  private final int idsPerStatement;
  private final SinkMetrics metrics;

  /**
   * @param registersOnly v4 (DQL strict mode): nested objects are registers, replaced whole by an
   *     upsert and refusing UNSET below them, so only top-level fields are unset
   */
  CollectionWriter(DittoHttpClient client, SinkCounters counters, boolean registersOnly) {
    this(client, counters, registersOnly, DittoSinkConfig.DEFAULT_MAX_REQUEST_BYTES);
  }

  /**
   * @param maxRequestBytes documents of one upsert statement, in JSON bytes (one larger document
   *     goes alone)
   */
  CollectionWriter(
      DittoHttpClient client, SinkCounters counters, boolean registersOnly, long maxRequestBytes) {
    this(client, counters, registersOnly, maxRequestBytes, IDS_PER_STATEMENT);
  }

  /**
   * @param idsPerStatement longest {@code _id IN :ids} list of one SELECT, UNSET or DELETE
   */
  CollectionWriter(
      DittoHttpClient client,
      SinkCounters counters,
      boolean registersOnly,
      long maxRequestBytes,
      int idsPerStatement) {
    this(client, counters, registersOnly, maxRequestBytes, idsPerStatement, new SinkMetrics(null));
  }

  /**
   * @param metrics per-collection metrics the statements are counted in
   */
  CollectionWriter(
      DittoHttpClient client,
      SinkCounters counters,
      boolean registersOnly,
      long maxRequestBytes,
      int idsPerStatement,
      SinkMetrics metrics) {
    this.metrics = metrics;
    this.idsPerStatement = idsPerStatement;
    this.client = client;
    this.counters = counters;
    this.registersOnly = registersOnly;
    this.maxRequestBytes = maxRequestBytes;
  }

  /**
   * @throws io.mongoditto.ditto.DittoException as the client classifies it
   */
  void apply(String collection, List<FinalOp> ops) {
    SinkMetrics.Collection m = metrics.collection(collection);
    List<FinalOp.Upsert> upserts = new ArrayList<>();
    List<Object> deletes = new ArrayList<>();
    for (FinalOp op : ops) {
      if (op instanceof FinalOp.Upsert u) {
        upserts.add(u);
      } else {
        deletes.add(op.id());
      }
    }
    upserts = insertNew(collection, upserts, m);
    Map<Object, Map<String, Object>> stored = readStored(collection, upserts, m);
    unsetRemovedPaths(collection, upserts, stored, m);
    if (!upserts.isEmpty()) {
      List<Map<String, Object>> docs = new ArrayList<>(upserts.size());
      for (FinalOp.Upsert u : upserts) {
        docs.add(withId(u));
      }
      for (List<Object> chunk : bySize(docs)) {
        execute(Dql.upsert(collection), Map.of(Dql.DOCS, chunk), m);
        m.upserts.add(chunk.size());
      }
      counters.documentsUpserted.addAndGet(docs.size());
    }
    for (List<Object> ids : byKind(deletes)) {
      execute(Dql.delete(collection), Map.of(Dql.IDS, ids), m);
      m.deletes.add(ids.size());
    }
    counters.documentsDeleted.addAndGet(deletes.size());
  }

  /**
   * Deletes the collection's documents that {@code stale} selects (it is given normalized ids) and
   * returns how many; for a sweep after a copy, see {@link OpenSweeps}.
   */
  int deleteWhere(String collection, java.util.function.Predicate<Object> stale) {
    SinkMetrics.Collection m = metrics.collection(collection);
    DittoResponse r = execute(Dql.selectIds(collection), Map.of(), m);
    List<Object> ids = new ArrayList<>();
    for (Map<String, Object> doc : r.items()) {
      Object id = doc.get("_id");
      if (id != null && stale.test(DocumentId.normalize(id))) {
        ids.add(DocumentId.normalize(id));
      }
    }
    for (List<Object> group : byKind(ids)) {
      for (int from = 0; from < group.size(); from += SWEEP_DELETES_PER_STATEMENT) {
        List<Object> chunk =
            group.subList(from, Math.min(group.size(), from + SWEEP_DELETES_PER_STATEMENT));
        execute(Dql.delete(collection), Map.of(Dql.IDS, chunk), m);
        m.deletes.add(chunk.size());
      }
    }
    counters.documentsDeleted.addAndGet(ids.size());
    return ids.size();
  }

  /**
   * Creates the documents that need the stored state but do not exist in Ditto yet, and returns the
   * upserts still to apply. Ditto names the created documents in {@code mutatedDocumentIds}; an id
   * it does not name is treated as existing, so a server that names fewer only costs a read.
   */
  private List<FinalOp.Upsert> insertNew(
      String collection, List<FinalOp.Upsert> upserts, SinkMetrics.Collection m) {
    List<Map<String, Object>> candidates = new ArrayList<>();
    for (FinalOp.Upsert u : upserts) {
      if (needsStored(u)) {
        candidates.add(withId(u));
      }
    }
    if (candidates.isEmpty()) {
      return upserts;
    }
    Set<Object> created = new HashSet<>();
    for (List<Object> chunk : bySize(candidates)) {
      DittoResponse r = execute(Dql.insertNew(collection), Map.of(Dql.DOCS, chunk), m);
      for (Object id : r.mutatedDocumentIds()) {
        created.add(DocumentId.normalize(id));
      }
    }
    if (created.isEmpty()) {
      return upserts;
    }
    m.upserts.add(created.size());
    counters.documentsUpserted.addAndGet(created.size());
    List<FinalOp.Upsert> rest = new ArrayList<>(upserts.size() - created.size());
    for (FinalOp.Upsert u : upserts) {
      if (!(needsStored(u) && created.contains(u.id()))) {
        rest.add(u);
      }
    }
    return rest;
  }

  private static boolean needsStored(FinalOp.Upsert u) {
    return u.replace() || !u.unsetPaths().isEmpty();
  }

  private static Map<String, Object> withId(FinalOp.Upsert u) {
    Map<String, Object> doc = u.document();
    if (doc.containsKey("_id")) {
      return doc;
    }
    Map<String, Object> copy = new LinkedHashMap<>(doc);
    copy.put("_id", u.id());
    return copy;
  }

  private Map<Object, Map<String, Object>> readStored(
      String collection, List<FinalOp.Upsert> upserts, SinkMetrics.Collection m) {
    List<Object> ids = new ArrayList<>();
    for (FinalOp.Upsert u : upserts) {
      if (needsStored(u)) {
        ids.add(u.id());
      }
    }
    Map<Object, Map<String, Object>> stored = new HashMap<>();
    for (List<Object> group : byKind(ids)) {
      DittoResponse r = execute(Dql.select(collection), Map.of(Dql.IDS, group), m);
      for (Map<String, Object> doc : r.items()) {
        stored.put(DocumentId.normalize(doc.get("_id")), doc);
      }
    }
    return stored;
  }

  private void unsetRemovedPaths(
      String collection,
      List<FinalOp.Upsert> upserts,
      Map<Object, Map<String, Object>> stored,
      SinkMetrics.Collection m) {
    Map<List<List<String>>, List<Object>> idsByPaths = new LinkedHashMap<>();
    for (FinalOp.Upsert u : upserts) {
      Map<String, Object> current = stored.get(u.id());
      if (current == null) {
        continue; // nothing stored: nothing to remove
      }
      List<List<String>> paths = new ArrayList<>();
      for (String p : u.unsetPaths()) {
        paths.addAll(FieldPaths.resolve(current, p));
      }
      // a map the upsert turns into a scalar/array must go first, or its keys reappear later
      paths.addAll(
          u.replace()
              ? FieldPaths.removed(current, u.document())
              : FieldPaths.mapsTurnedNonMaps(current, u.document()));
      if (registersOnly) {
        paths = FieldPaths.topLevelAbsentFrom(paths, u.document());
      }
      List<List<String>> pruned = FieldPaths.prune(paths);
      if (!pruned.isEmpty()) {
        idsByPaths.computeIfAbsent(pruned, k -> new ArrayList<>()).add(u.id());
      }
    }
    for (Map.Entry<List<List<String>>, List<Object>> e : idsByPaths.entrySet()) {
      for (List<Object> ids : byKind(e.getValue())) {
        execute(Dql.unset(collection, e.getKey()), Map.of(Dql.IDS, ids), m);
        counters.unsetStatements.incrementAndGet();
        m.unsetStatements.increment();
        m.unsetPaths.add((long) e.getKey().size() * ids.size());
      }
    }
  }

  /**
   * Splits the upsert so no request grows past the byte budget (large documents, big batches). Each
   * document is serialized once, here, to measure it: the chunks hold that JSON as a {@link
   * RawValue}, which the client's encoder writes as it is (serializing twice cost a fifth of the
   * embedded runner's sink thread in a profile).
   */
  private List<List<Object>> bySize(List<Map<String, Object>> docs) {
    List<List<Object>> chunks = new ArrayList<>();
    List<Object> current = new ArrayList<>();
    long bytes = 0;
    for (Map<String, Object> doc : docs) {
      byte[] json = json(doc);
      long size = json == null ? 0 : json.length;
      if (!current.isEmpty() && bytes + size > maxRequestBytes) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      // A document that cannot be encoded stays a map: the client reports the encoding error with
      // the statement.
      current.add(json == null ? doc : new RawValue(new String(json, StandardCharsets.UTF_8)));
      bytes += size;
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  private static byte[] json(Map<String, Object> doc) {
    try {
      return JSON.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private DittoResponse execute(
      String statement, Map<String, Object> args, SinkMetrics.Collection m) {
    counters.statements.incrementAndGet();
    try {
      return client.execute(statement, args, m.observer);
    } catch (DittoException e) {
      m.errors.increment();
      throw e;
    }
  }

  /**
   * The ids grouped by kind (a mixed list matches nothing), each group cut to {@link
   * #idsPerStatement}.
   */
  private List<List<Object>> byKind(List<Object> ids) {
    Map<DocumentId.Kind, List<Object>> kinds = new EnumMap<>(DocumentId.Kind.class);
    for (Object id : ids) {
      kinds.computeIfAbsent(DocumentId.kind(id), k -> new ArrayList<>()).add(id);
    }
    List<List<Object>> out = new ArrayList<>();
    for (List<Object> group : kinds.values()) {
      int step = idsPerStatement > 0 ? idsPerStatement : group.size();
      for (int from = 0; from < group.size(); from += step) {
        out.add(group.subList(from, Math.min(group.size(), from + step)));
      }
    }
    return out;
  }
}
