package io.mongoditto.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DittoResponse;
import io.mongoditto.ditto.IdKinds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Applies one collection's collapsed batch with few statements, in this order: (a) one INSERT ...
 * ON ID CONFLICT DO NOTHING of the documents whose upsert needs the stored state (a replace, paths
 * to unset) or is a delta: the ones Ditto did not have are then complete (a delta creates a missing
 * document whole) and need nothing more, which makes an initial sync into an empty app one
 * statement per batch; (b) one SELECT of the rest that need the stored state; (c) one UNSET per
 * distinct set of paths; (d) one multi-document INSERT ... ON ID CONFLICT DO UPDATE (a delta
 * carries only its changed paths, which Ditto merges into the stored document); (e) one DELETE.
 * Each {@code _id} has exactly one final op, so this order keeps every document's own order. Ids
 * are split by kind (string, number, object) because the engine matches {@code _id IN :ids} only
 * among ids of one kind (a mixed list matched nothing on 5.1.0).
 *
 * <p>An upsert whose change names its source ({@link DittoChange#origin()}) writes the metadata
 * field {@link DittoMetadata#FIELD}; no diff ever removes that field.
 */
final class CollectionWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DittoHttpClient client;
  private final SinkMetrics metrics;
  private final WriterSettings settings;

  /** New with every batch: the Ditto -> MongoDB direction tells this sink's writes by it. */
  private String writeToken = "";

  CollectionWriter(DittoHttpClient client, SinkMetrics metrics, WriterSettings settings) {
    this.client = client;
    this.metrics = metrics;
    this.settings = settings;
  }

  /** As {@link #apply(String, List, long)}, with the client's whole retry window. */
  void apply(String collection, List<FinalOp> ops) {
    apply(collection, ops, client.deadline());
  }

  /**
   * @param deadlineNanos retries of a failing statement stop here (see {@link
   *     DittoHttpClient#deadlineAfter})
   * @throws io.mongoditto.ditto.DittoException as the client classifies it
   */
  void apply(String collection, List<FinalOp> ops, long deadlineNanos) {
    writeToken = newToken();
    Statements s = new Statements(collection, deadlineNanos);
    List<FinalOp.Upsert> upserts = new ArrayList<>();
    List<Object> deletes = new ArrayList<>();
    for (FinalOp op : ops) {
      if (op instanceof FinalOp.Upsert u) {
        upserts.add(u);
      } else {
        deletes.add(op.id());
      }
    }
    upserts = insertNew(s, upserts);
    Map<Object, Map<String, Object>> stored = readStored(s, upserts);
    unsetRemovedPaths(s, upserts, stored);
    if (!upserts.isEmpty()) {
      List<Map<String, Object>> docs = new ArrayList<>(upserts.size());
      for (FinalOp.Upsert u : upserts) {
        docs.add(written(u));
      }
      for (List<Object> chunk : bySize(docs)) {
        s.execute(Dql.upsert(collection), Map.of(Dql.DOCS, chunk));
        s.m.upserts.add(chunk.size());
      }
    }
    for (List<Object> ids : IdKinds.split(deletes, settings.idsPerStatement())) {
      s.execute(Dql.delete(collection), Map.of(Dql.IDS, ids));
      s.m.deletes.add(ids.size());
    }
  }

  private static String newToken() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  /** What one step of a sweep did. */
  record SweepStep(int kept, int deleted, int undecided, boolean done) {}

  /**
   * Deletes, chunk by chunk, the documents of {@code sweep}'s source that it finds stale ({@link
   * OpenSweeps.Sweep#verdict}); stops after the chunk during which {@code deadlineNanos} passes
   * ({@code done} false): the next step reads Ditto again and continues, so a sweep interrupted
   * anywhere (a deadline, a failure, a redelivery) resumes where it was.
   */
  SweepStep sweep(OpenSweeps.Sweep sweep, long deadlineNanos) {
    String collection = sweep.collection;
    String origin = sweep.start.origin();
    Statements s = new Statements(collection, deadlineNanos);
    DittoResponse r = s.read(Dql.selectIdsWrittenBy(collection), Map.of(Dql.ORIGIN, origin));
    List<Object> stale = new ArrayList<>();
    int kept = 0;
    int undecided = 0;
    for (Map<String, Object> doc : r.items()) {
      Object id = doc.get("_id");
      if (id == null) {
        continue;
      }
      switch (sweep.verdict(id)) {
        case DELETE -> stale.add(DocumentId.normalize(id));
        case UNDECIDED -> undecided++;
        case KEEP -> kept++;
      }
    }
    int deleted = 0;
    for (List<Object> chunk : IdKinds.split(stale, settings.sweepDeletesPerStatement())) {
      if (deleted > 0 && client.passed(deadlineNanos)) {
        return new SweepStep(kept, deleted, undecided, false);
      }
      s.execute(Dql.deleteWrittenBy(collection), Map.of(Dql.IDS, chunk, Dql.ORIGIN, origin));
      s.m.deletes.add(chunk.size());
      s.m.swept.add(chunk.size());
      deleted += chunk.size();
    }
    s.m.sweepUndecided.add(undecided);
    return new SweepStep(kept, deleted, undecided, true);
  }

  /** One collection's statements under one deadline, counted in its metrics. */
  private final class Statements {
    final String collection;
    final SinkMetrics.Collection m;
    final long deadlineNanos;

    Statements(String collection, long deadlineNanos) {
      this.collection = collection;
      this.m = metrics.collection(collection);
      this.deadlineNanos = deadlineNanos;
    }

    DittoResponse execute(String statement, Map<String, Object> args) {
      return counted(false, statement, args);
    }

    /** A read that must see this task's earlier writes (X-DITTO-TXN-ID). */
    DittoResponse read(String statement, Map<String, Object> args) {
      return counted(true, statement, args);
    }

    private DittoResponse counted(boolean read, String statement, Map<String, Object> args) {
      try {
        DittoResponse r =
            read
                ? client.read(statement, args, m.observer, deadlineNanos)
                : client.execute(statement, args, m.observer, deadlineNanos);
        m.statements.increment();
        return r;
      } catch (DittoException e) {
        m.errors.increment();
        throw e;
      }
    }
  }

  /**
   * Creates the documents that need the stored state or are deltas but do not exist in Ditto yet,
   * and returns the upserts still to apply. Ditto names the created documents in {@code
   * mutatedDocumentIds}; an id it does not name is treated as existing, so a server that names
   * fewer only costs a read.
   */
  private List<FinalOp.Upsert> insertNew(Statements s, List<FinalOp.Upsert> upserts) {
    List<Map<String, Object>> candidates = new ArrayList<>();
    for (FinalOp.Upsert u : upserts) {
      if (createsFirst(u)) {
        candidates.add(whole(u));
      }
    }
    if (candidates.isEmpty()) {
      return upserts;
    }
    Set<Object> created = new HashSet<>();
    for (List<Object> chunk : bySize(candidates)) {
      DittoResponse r = s.execute(Dql.insertNew(s.collection), Map.of(Dql.DOCS, chunk));
      for (Object id : r.mutatedDocumentIds()) {
        created.add(DocumentId.normalize(id));
      }
    }
    if (created.isEmpty()) {
      return upserts;
    }
    s.m.upserts.add(created.size());
    List<FinalOp.Upsert> rest = new ArrayList<>(upserts.size() - created.size());
    for (FinalOp.Upsert u : upserts) {
      if (!(createsFirst(u) && created.contains(u.id()))) {
        rest.add(u);
      }
    }
    return rest;
  }

  /** Whether the upsert tries to create its document whole before anything else. */
  private boolean createsFirst(FinalOp.Upsert u) {
    return u.isDelta() || needsStored(u);
  }

  /**
   * Whether the upsert needs the stored document: to remove fields (a replace, unset paths) or, for
   * any delta on maps (v5), the keys a changed sub-object no longer has and the fields it turns
   * from a map into a non-map or back ({@link FieldPaths#kindChanges}). Every v5 delta is read, not
   * only those whose source saw a kind change: a redelivered delta meets what later records wrote
   * (a scalar where it sets a nested path, a map where it sets a scalar), and writing over that
   * without an UNSET leaves the later value hidden underneath, to reappear when the field is
   * dropped (fault suite bug 4).
   */
  private boolean needsStored(FinalOp.Upsert u) {
    if (u.replace() || !u.unsetPaths().isEmpty()) {
      return true;
    }
    return u.isDelta() && !settings.registersOnly();
  }

  /** The complete document, with its id and metadata. */
  private Map<String, Object> whole(FinalOp.Upsert u) {
    Map<String, Object> doc = u.document();
    if (doc.containsKey("_id") && u.origin() == null) {
      return doc;
    }
    Map<String, Object> copy = new LinkedHashMap<>(doc);
    copy.putIfAbsent("_id", u.id());
    if (u.origin() != null) {
      copy.put(DittoMetadata.FIELD, DittoMetadata.of(u.origin(), writeToken, u.id()));
    }
    return copy;
  }

  /** What the final upsert writes: the whole document, or a delta's changed paths. */
  private Map<String, Object> written(FinalOp.Upsert u) {
    if (!u.isDelta()) {
      return whole(u);
    }
    Map<String, Object> partial = new LinkedHashMap<>();
    partial.put("_id", u.id());
    for (List<String> p : changedSegments(u)) {
      if (settings.registersOnly()) {
        // a register is written whole: the top-level field holding the change
        partial.put(p.get(0), u.document().get(p.get(0)));
      } else {
        put(partial, p, valueAt(u.document(), p));
      }
    }
    if (u.origin() != null) {
      partial.put(DittoMetadata.FIELD, DittoMetadata.of(u.origin(), writeToken, u.id()));
    }
    return partial;
  }

  /**
   * The delta's changed paths as they exist in its document (a dotted path read against it), with
   * paths below another changed path dropped.
   */
  private static List<List<String>> changedSegments(FinalOp.Upsert u) {
    List<List<String>> paths = new ArrayList<>();
    for (String p : u.changedPaths()) {
      paths.addAll(FieldPaths.resolve(u.document(), p));
    }
    return FieldPaths.prune(paths);
  }

  private static Object valueAt(Map<?, ?> doc, List<String> path) {
    Object node = doc;
    for (String segment : path) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(segment);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> into, List<String> path, Object value) {
    Map<String, Object> node = into;
    for (String segment : path.subList(0, path.size() - 1)) {
      Object child = node.get(segment);
      if (!(child instanceof LinkedHashMap<?, ?>)) {
        child = new LinkedHashMap<String, Object>();
        node.put(segment, child);
      }
      node = (Map<String, Object>) child;
    }
    node.put(path.get(path.size() - 1), value);
  }

  private Map<Object, Map<String, Object>> readStored(Statements s, List<FinalOp.Upsert> upserts) {
    List<Object> ids = new ArrayList<>();
    for (FinalOp.Upsert u : upserts) {
      if (needsStored(u)) {
        ids.add(u.id());
      }
    }
    Map<Object, Map<String, Object>> stored = new HashMap<>();
    for (List<Object> group : IdKinds.split(ids, settings.idsPerStatement())) {
      DittoResponse r = s.read(Dql.select(s.collection), Map.of(Dql.IDS, group));
      for (Map<String, Object> doc : r.items()) {
        stored.put(DocumentId.normalize(doc.get("_id")), doc);
      }
    }
    return stored;
  }

  /** The paths one UNSET statement removes, and whether it stamps the write token. */
  private record UnsetGroup(List<List<String>> paths, boolean stamped) {}

  /**
   * Each UNSET statement of a document the sink writes with metadata also sets a write token of its
   * own (the upsert after it sets the batch's): without it, its change event would look like a
   * device's edit to the Ditto -> MongoDB direction. Strict mode (v4) refuses a SET below the
   * metadata register, so there the statement's event keeps the token it had.
   */
  private void unsetRemovedPaths(
      Statements s, List<FinalOp.Upsert> upserts, Map<Object, Map<String, Object>> stored) {
    Map<UnsetGroup, List<Object>> idsByPaths = new LinkedHashMap<>();
    for (FinalOp.Upsert u : upserts) {
      Map<String, Object> current = stored.get(u.id());
      if (current == null) {
        continue; // nothing stored: nothing to remove
      }
      List<List<String>> paths = new ArrayList<>();
      for (String p : u.unsetPaths()) {
        paths.addAll(FieldPaths.resolve(current, p));
      }
      Map<String, Object> next = written(u);
      if (u.replace()) {
        paths.addAll(FieldPaths.removed(current, next));
      } else {
        if (u.isDelta()) {
          // a changed sub-object is the whole new value: keys it lost go (v5 would merge them)
          for (List<String> p : changedSegments(u)) {
            if (valueAt(current, p) instanceof Map<?, ?> was
                && valueAt(u.document(), p) instanceof Map<?, ?> now) {
              paths.addAll(FieldPaths.removed(was, now, p));
            }
          }
        }
        // a field the upsert turns from a map into a non-map or back must go first, or the old
        // value stays hidden underneath and reappears when the field is unset (FieldPaths)
        paths.addAll(FieldPaths.kindChanges(current, next));
      }
      if (settings.registersOnly()) {
        paths = FieldPaths.topLevelAbsentFrom(paths, next);
      }
      List<List<String>> pruned = FieldPaths.prune(paths);
      if (!pruned.isEmpty()) {
        UnsetGroup group = new UnsetGroup(pruned, u.origin() != null && !settings.registersOnly());
        idsByPaths.computeIfAbsent(group, k -> new ArrayList<>()).add(u.id());
      }
    }
    for (Map.Entry<UnsetGroup, List<Object>> e : idsByPaths.entrySet()) {
      UnsetGroup group = e.getKey();
      for (List<Object> ids : IdKinds.split(e.getValue(), settings.idsPerStatement())) {
        Map<String, Object> args =
            group.stamped() ? Map.of(Dql.IDS, ids, Dql.TOKEN, newToken()) : Map.of(Dql.IDS, ids);
        s.execute(Dql.unset(s.collection, group.paths(), group.stamped()), args);
        s.m.unsetStatements.increment();
        s.m.unsetPaths.add((long) group.paths().size() * ids.size());
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
      if (!current.isEmpty() && bytes + size > settings.maxRequestBytes()) {
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
}
