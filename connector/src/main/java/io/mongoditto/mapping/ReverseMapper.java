package io.mongoditto.mapping;

import io.mongoditto.change.DittoMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Decides what MongoDB must do for one change of a Ditto document: the Ditto -> MongoDB direction's
 * mapping, run backwards from the same {@link CollectionMapping} and {@link SyncRules} as the
 * forward one (whose {@link ChangeEventMapper} it uses to see a MongoDB document as Ditto would).
 * Pure: the caller reads the MongoDB document and executes the plan.
 *
 * <p>The rule (docs/design.md, "Two directions"): Ditto is the arbiter. For every path a Ditto
 * change touched, with M the MongoDB document as Ditto would hold it: M already equals the new
 * value: nothing; M equals the old value: MongoDB takes the new value; otherwise MongoDB holds an
 * edit of that path Ditto has not seen yet, which is on its way to Ditto and is decided there: the
 * change is not applied to that path (a conflict, counted). A document new in Ditto becomes a new
 * MongoDB document; a removed one is deleted unless MongoDB changed it since. Values are compared
 * after normalising both through MongoDB's types, so a Ditto value that MongoDB keeps in another
 * form does not look like a difference forever.
 */
public final class ReverseMapper {

  private static final Object MISSING = DittoValues.ABSENT;

  /** In {@link #withoutSinkWrites}: MongoDB's own value goes there. */
  private static final Object KEEP = new Object();

  private final CollectionMapping mapping;
  private final ChangeEventMapper forward;
  private final ReverseIds ids;
  private final ReverseDocument documents;
  private final Set<String> fixedFields;

  public ReverseMapper(CollectionMapping mapping, SyncRules rules) {
    this.mapping = mapping;
    this.forward = rules.mapper(mapping, new ConversionStats());
    this.ids = new ReverseIds(mapping);
    this.documents = new ReverseDocument(rules.transforms(), mapping.mode());
    Set<String> fixed = new java.util.HashSet<>(mapping.idFields());
    fixed.add(DittoIds.MONGO_ID);
    fixed.add(DittoMetadata.FIELD); // the sink's metadata: never synced back
    if (mapping.idMode() != IdMode.MATCH_IDS && mapping.keepMongoId()) {
      fixed.add(CollectionMapping.MONGO_ID_FIELD);
    }
    this.fixedFields = Set.copyOf(fixed);
  }

  public CollectionMapping mapping() {
    return mapping;
  }

  /**
   * The Ditto id a MongoDB document maps to (to match documents read with {@link #filterFor}).
   *
   * @throws IllegalArgumentException when the document has no valid id under this mapping
   */
  public Object dittoIdOf(BsonDocument mongoDocument) {
    return forward.dittoIdOf(mongoDocument);
  }

  /** The MongoDB query that finds the document of a Ditto id (see {@link ReverseIds#filter}). */
  public BsonDocument filterFor(Object dittoId) {
    return ids.filter(dittoId);
  }

  /**
   * For a change the Ditto sink made (MongoDB's state when it was read, which may be older than
   * MongoDB's now, e.g. a copy's record landing after a device edit MongoDB already took): the
   * paths it changed where MongoDB holds something else now, as values to write into Ditto only
   * while Ditto still holds what the sink wrote, and its token. Nothing when MongoDB holds what the
   * sink wrote (the usual echo) or holds one outside the filter (the forward direction removes it
   * from Ditto). Where the sink wrote a document MongoDB lacks (a copy's record landing after a
   * device deleted the document, and this direction deleted it in MongoDB; or MongoDB deleted it
   * since, and its delete is on its way), the document is removed from Ditto while it holds that
   * write, whether the write created it or wrote it again.
   *
   * @param current the MongoDB document now, or null
   */
  public List<ReversePlan.Normalization> corrections(
      Map<String, Object> before, Map<String, Object> after, BsonDocument current) {
    return corrections(before, after, current, Set.of());
  }

  /**
   * As {@link #corrections(Map, Map, BsonDocument)}, also for the paths {@code alsoStale}, where an
   * earlier sink write left a stale value whose give-back, conditional on that write's token, can
   * no longer land.
   */
  public List<ReversePlan.Normalization> corrections(
      Map<String, Object> before,
      Map<String, Object> after,
      BsonDocument current,
      Set<List<String>> alsoStale) {
    if (after != null && current == null) {
      return List.of(ReversePlan.Normalization.removeDocument(DittoMetadata.tokenOf(after)));
    }
    if (after == null || current == null || !forward.matchesFilter(current)) {
      return List.of();
    }
    Map<String, Object> mine = mongoView(current);
    Map<String, Object> wrote = withoutFixed(after);
    Map<String, Object> old = before == null ? Map.of() : withoutFixed(before);
    List<ReversePlan.Normalization> out = new ArrayList<>();
    Object token = DittoMetadata.tokenOf(after);
    // Given back only while Ditto holds this write's token, so an earlier sink write's give-back
    // no longer lands once this write is in Ditto: this one carries the earlier writes' stale
    // paths too (an earlier write's stale count stayed in Ditto when this write changed another
    // field; two-way suite in CI, seed 20261125).
    List<List<String>> paths = changedPaths(old, wrote, List.of());
    for (List<String> path : alsoStale) {
      if (!paths.contains(path)) {
        paths.add(path);
      }
    }
    for (List<String> path : paths) {
      if (fixedOrMetadata(path)) {
        continue;
      }
      ReversePlan.Normalization back = giveBack(path, at(wrote, path), at(mine, path));
      if (back != null) {
        out.add(token == null ? back : back.whileWrittenBy(token));
      }
    }
    return out;
  }

  /** MongoDB's value {@code now} for Ditto where it holds {@code seen}; null when they agree. */
  private static ReversePlan.Normalization giveBack(List<String> path, Object seen, Object now) {
    if (same(seen, now)) {
      return null;
    }
    if (now == MISSING) {
      return ReversePlan.Normalization.remove(path, seen);
    }
    return seen == MISSING
        ? ReversePlan.Normalization.fill(path, now)
        : new ReversePlan.Normalization(path, seen, now);
  }

  /**
   * @param before the Ditto document before the change, null when it is new in Ditto
   * @param after the Ditto document after it, null when it was removed
   * @param current the MongoDB document now (found with {@link #filterFor}), or null
   * @throws MappingException naming the field when a document or value cannot be mapped
   */
  public ReversePlan plan(
      Map<String, Object> before, Map<String, Object> after, BsonDocument current) {
    return plan(before, after, current, Set.of());
  }

  /**
   * As {@link #plan(Map, Map, BsonDocument)}, where at the paths {@code staleInDitto} the old value
   * was the Ditto sink's write of an older MongoDB state: MongoDB holding something else there is
   * not a MongoDB edit on its way to Ditto, and the change's value is taken.
   */
  public ReversePlan plan(
      Map<String, Object> before,
      Map<String, Object> after,
      BsonDocument current,
      Set<List<String>> staleInDitto) {
    if (after == null) {
      return remove(before, current, staleInDitto);
    }
    if (current == null) {
      if (DittoMetadata.namesItself(after)) {
        // The Ditto sink wrote this document from MongoDB's, which MongoDB no longer holds: it
        // deleted it (that delete is on its way to Ditto), or this direction did after a removal.
        // Created again it would be a new MongoDB document the forward direction takes for its
        // own echo, and Ditto would lose it for good once MongoDB's delete arrives.
        return ReversePlan.nothing(
            "MongoDB deleted the document the Ditto sink wrote", null, null, null);
      }
      return insert(after);
    }
    Map<String, Object> mine = mongoView(current);
    Map<String, Object> oldState;
    if (before != null) {
      oldState = normalized(before, current, mine);
    } else if (forward.matchesFilter(current)) {
      oldState = Map.of(); // new in Ditto: only paths MongoDB lacks are taken (see rule)
    } else {
      oldState = mine; // MongoDB's document is not in Ditto's view: Ditto's insert wins
    }
    return update(List.of(oldState), before, after, current, mine, staleInDitto);
  }

  /**
   * As {@link #plan(Map, Map, BsonDocument)} for a change whose starting point is not known exactly
   * (events delivered again after a restart, old ones among them): {@code history} holds states
   * Ditto's document went through before {@code after}, oldest first. A path where MongoDB holds
   * the value of any of them takes Ditto's value (MongoDB holds it from this direction, or Ditto
   * had it from MongoDB); a path where MongoDB holds a value Ditto never had is MongoDB's own edit
   * and stays (a conflict). Judged against the first state alone, an old event delivered again made
   * every later device edit of its paths look like a conflict MongoDB wins.
   *
   * @param history at least one Ditto state of the document; null for "not in Ditto yet" (an
   *     insert's old state), which takes the paths MongoDB lacks as {@link #plan} does
   * @param staleInDitto paths where a state of the history held the Ditto sink's write of an older
   *     MongoDB state, as in {@link #plan(Map, Map, BsonDocument, Set)}
   */
  public ReversePlan planFromHistory(
      List<Map<String, Object>> history,
      Map<String, Object> after,
      BsonDocument current,
      Set<List<String>> staleInDitto) {
    if (current == null || after == null || history.size() < 2) {
      return plan(history.isEmpty() ? null : history.get(0), after, current, staleInDitto);
    }
    Map<String, Object> mine = mongoView(current);
    List<Map<String, Object>> oldStates = new ArrayList<>();
    Map<String, Object> first = null;
    for (Map<String, Object> state : history) {
      if (state != null) {
        first = first == null ? state : first;
        oldStates.add(normalized(state, current, mine));
      } else if (forward.matchesFilter(current)) {
        oldStates.add(Map.of());
      } else {
        oldStates.add(mine);
      }
    }
    return update(oldStates, first, after, current, mine, staleInDitto);
  }

  /** One change of a Ditto document: its old and new state, and whether the Ditto sink made it. */
  public record Step(Map<String, Object> before, Map<String, Object> after, boolean bySink) {}

  /**
   * {@code target} with each path a Ditto sink write among {@code steps} (oldest first) changed set
   * back, unless a later change of a device set the path again: to the value a device's change
   * among the steps left there before that write, and otherwise to MongoDB's own ({@code current},
   * null when MongoDB lacks the document). The sink's value is MongoDB's state as the sink read it,
   * possibly older than MongoDB's now (a copy's record landing after a device's edit MongoDB
   * already took): MongoDB is never planned to it; the write's corrections give MongoDB's value
   * back to Ditto instead. Nor to a value Ditto held before the steps or an earlier sink write
   * left: that can be an older MongoDB state too (the sink created the document, then wrote
   * MongoDB's replace of it: MongoDB went back to its first version).
   */
  public Map<String, Object> withoutSinkWrites(
      Map<String, Object> target, List<Step> steps, BsonDocument current) {
    Map<List<String>, Object> restored = new LinkedHashMap<>();
    Set<List<String>> setByDevice = new java.util.HashSet<>();
    boolean deviceCreated = false;
    for (Step step : steps) {
      if (step.before() == null || step.after() == null) {
        restored.clear(); // created or removed: that change's state decides
        setByDevice.clear();
        deviceCreated = !step.bySink() && step.after() != null;
        if (step.bySink() && step.after() != null) {
          for (List<String> path : decidedPathsChanged(Map.of(), step.after())) {
            restored.put(path, KEEP);
          }
        }
        continue;
      }
      for (List<String> path : decidedPathsChanged(step.before(), step.after())) {
        if (!step.bySink()) {
          restored.remove(path);
          setByDevice.add(path);
        } else if (!restored.containsKey(path)) {
          restored.put(
              path, deviceCreated || setByDevice.contains(path) ? at(step.before(), path) : KEEP);
        }
      }
    }
    if (target == null || restored.isEmpty()) {
      return target;
    }
    Map<String, Object> mine = current == null ? Map.of() : mongoView(current);
    Map<String, Object> out = deepCopy(target);
    restored.forEach((path, value) -> put(out, path, value == KEEP ? at(mine, path) : value));
    return out;
  }

  /** The paths where {@code a} and {@code b} differ that Ditto's changes decide in MongoDB. */
  public List<List<String>> decidedPathsChanged(Map<String, Object> a, Map<String, Object> b) {
    List<List<String>> out = changedPaths(a, b, List.of());
    out.removeIf(this::fixedOrMetadata);
    return out;
  }

  /** Paths Ditto's changes never decide in MongoDB: the ids and the sync's own metadata. */
  private boolean fixedOrMetadata(List<String> path) {
    return path.get(0).equals(DittoMetadata.FIELD) || fixedFields.contains(path.get(0));
  }

  private ReversePlan update(
      List<Map<String, Object>> oldStates,
      Map<String, Object> before,
      Map<String, Object> after,
      BsonDocument current,
      Map<String, Object> mine,
      Set<List<String>> staleInDitto) {
    Normal normal = normal(after, current, mine);
    Map<String, Object> newState = normal.view();
    Map<String, Object> target = deepCopy(mine);
    List<String> conflicts = new ArrayList<>();
    java.util.Set<List<String>> paths = new java.util.LinkedHashSet<>();
    for (Map<String, Object> oldState : oldStates) {
      paths.addAll(changedPaths(oldState, newState, List.of()));
    }
    for (List<String> path : paths) {
      Object m = at(mine, path);
      Object n = at(newState, path);
      if (same(m, n)) {
        continue;
      }
      if (staleInDitto.contains(path)
          || oldStates.stream().anyMatch(old -> same(m, at(old, path)))) {
        put(target, path, n);
      } else {
        conflicts.add(String.join(".", path));
      }
    }
    List<String> refused = refused(before, after, newState);
    BsonDocument updated;
    if (normal.bson() != null && target.equals(newState)) {
      updated = normal.bson(); // the new state is taken whole: its MongoDB form is made already
    } else {
      updated = documents.toBson(target, current);
      updated.put(DittoIds.MONGO_ID, current.get(DittoIds.MONGO_ID));
      restoreIdFields(updated, current);
    }
    List<ReversePlan.Normalization> normalizations = normalizations(after, newState, target);
    if (!refused.isEmpty()) {
      normalizations.addAll(restores(refused, after, forward.dittoDocument(updated)));
    }
    BsonDocument set = new BsonDocument();
    List<String> unset = new ArrayList<>();
    if (!MongoUpdates.diff(current, updated, "", set, unset)) {
      return new ReversePlan(
          ReversePlan.Action.REPLACE,
          updated,
          null,
          null,
          current.get(DittoIds.MONGO_ID),
          conflicts,
          refused,
          normalizations,
          null);
    }
    if (set.isEmpty() && unset.isEmpty()) {
      return ReversePlan.nothing(
          conflicts.isEmpty() ? "MongoDB already holds this state" : "MongoDB holds newer edits",
          conflicts,
          refused,
          normalizations);
    }
    return new ReversePlan(
        ReversePlan.Action.UPDATE,
        null,
        set,
        unset,
        current.get(DittoIds.MONGO_ID),
        conflicts,
        refused,
        normalizations,
        null);
  }

  private ReversePlan insert(Map<String, Object> after) {
    Map<String, Object> body = withoutFixed(after);
    // An id field stays in the body (the forward mapping keeps it there).
    for (String f : mapping.idFields()) {
      if (after.containsKey(f)) {
        body.put(f, after.get(f));
      }
    }
    BsonDocument doc = documents.toBson(body, null);
    BsonDocument idFields = ids.newDocumentIdFields(after.get(DittoIds.MONGO_ID));
    BsonDocument out = new BsonDocument();
    if (idFields.containsKey(DittoIds.MONGO_ID)) {
      out.put(DittoIds.MONGO_ID, idFields.get(DittoIds.MONGO_ID));
    }
    out.putAll(doc);
    idFields.forEach(out::put);
    Map<String, Object> whole = forward.dittoDocument(withTempId(out));
    Map<String, Object> canonical = withoutFixed(whole);
    List<String> refused = refused(null, after, canonical);
    List<ReversePlan.Normalization> normalizations = normalizations(after, canonical, canonical);
    normalizations.addAll(restores(refused, after, whole));
    for (String f : mapping.idFields()) {
      if (!after.containsKey(f) && whole.containsKey(f)) {
        // MongoDB's document gets the field from the Ditto _id; Ditto's must hold it too
        normalizations.add(ReversePlan.Normalization.fill(List.of(f), whole.get(f)));
      }
    }
    return new ReversePlan(
        ReversePlan.Action.INSERT, out, null, null, null, null, refused, normalizations, null);
  }

  /**
   * A removal applies where MongoDB still holds the state Ditto removed; at the paths {@code
   * staleInDitto} that state held the Ditto sink's write of an older MongoDB state, so MongoDB's
   * value there is not an edit of its own and does not keep the document.
   */
  private ReversePlan remove(
      Map<String, Object> removed, BsonDocument current, Set<List<String>> staleInDitto) {
    if (current == null) {
      return ReversePlan.nothing("MongoDB has no such document", null, null, null);
    }
    if (!forward.matchesFilter(current)) {
      // Ditto only held it while it matched: the removal is the forward direction's own.
      return ReversePlan.nothing(
          "the MongoDB document does not match the filter", null, null, null);
    }
    Map<String, Object> mine = mongoView(current);
    Map<String, Object> gone = removed == null ? null : normalized(removed, current, mine);
    if (gone != null && !staleInDitto.isEmpty()) {
      mine = deepCopy(mine);
      for (List<String> path : staleInDitto) {
        put(mine, path, at(gone, path));
      }
    }
    if (gone != null && !same(mine, gone)) {
      return ReversePlan.nothing(
          "MongoDB changed the document since; that edit re-creates it in Ditto",
          List.of("(document)"),
          null,
          null);
    }
    return new ReversePlan(
        ReversePlan.Action.DELETE,
        null,
        null,
        null,
        current.get(DittoIds.MONGO_ID),
        null,
        null,
        null,
        null);
  }

  /**
   * A Ditto document as MongoDB would give it back: through MongoDB's types and back. One that
   * already equals {@code mine}, MongoDB's own document as Ditto holds it, comes back as it is: the
   * usual old state of a device's edit, whose trip through MongoDB's types and back was a third of
   * the sink's planning.
   */
  private Map<String, Object> normalized(
      Map<String, Object> ditto, BsonDocument current, Map<String, Object> mine) {
    return normal(ditto, current, mine).view();
  }

  /**
   * A Ditto document in MongoDB's form ({@code bson}, null where it equals {@code mine}) and as
   * Ditto would hold that ({@code view}).
   */
  private record Normal(Map<String, Object> view, BsonDocument bson) {}

  /** {@link #normalized}, with the MongoDB form it went through. */
  private Normal normal(Map<String, Object> ditto, BsonDocument current, Map<String, Object> mine) {
    if (sameOutsideFixed(ditto, mine)) {
      return new Normal(mine, null);
    }
    BsonDocument bson = documents.toBson(withoutFixed(ditto), current);
    bson.put(DittoIds.MONGO_ID, current.get(DittoIds.MONGO_ID));
    restoreIdFields(bson, current);
    return new Normal(mongoView(bson), bson);
  }

  /** Id fields never change from Ditto: the MongoDB document keeps its own. */
  private void restoreIdFields(BsonDocument doc, BsonDocument current) {
    for (String f : mapping.idFields()) {
      if (current.containsKey(f)) {
        doc.put(f, current.get(f));
      }
    }
  }

  private BsonDocument withTempId(BsonDocument doc) {
    if (doc.containsKey(DittoIds.MONGO_ID)) {
      return doc;
    }
    BsonDocument copy = new BsonDocument(DittoIds.MONGO_ID, new org.bson.BsonObjectId());
    copy.putAll(doc);
    return copy;
  }

  /**
   * Paths this change wrote that never go to MongoDB: id fields and {@code mongo_id} (MongoDB's to
   * decide), and fields the forward mapping cannot produce (excluded, or renamed away).
   */
  private List<String> refused(
      Map<String, Object> before, Map<String, Object> after, Map<String, Object> kept) {
    List<String> out = new ArrayList<>();
    Map<String, Object> old = before == null ? Map.of() : before;
    for (List<String> path : changedPaths(old, after, List.of())) {
      String first = path.get(0);
      if (first.equals(DittoIds.MONGO_ID) || first.equals(DittoMetadata.FIELD)) {
        continue;
      }
      boolean written = at(after, path) != MISSING;
      if ((fixedFields.contains(first) && before != null)
          || (written && !fixedFields.contains(first) && at(kept, path) == MISSING)) {
        out.add(String.join(".", path));
      }
    }
    return out;
  }

  /**
   * What makes Ditto hold MongoDB's view again at each refused path: MongoDB's value (an id field a
   * device changed), or nothing (a field the forward mapping never produces). Without it Ditto
   * would differ from the mapped MongoDB document until MongoDB changes that document.
   */
  private static List<ReversePlan.Normalization> restores(
      List<String> refused, Map<String, Object> dittoHolds, Map<String, Object> mongoView) {
    List<ReversePlan.Normalization> out = new ArrayList<>();
    for (String dotted : refused) {
      List<String> path = List.of(dotted.split("\\.", -1));
      Object seen = at(dittoHolds, path);
      Object canon = at(mongoView, path);
      if (seen == MISSING) {
        if (canon != MISSING) {
          out.add(ReversePlan.Normalization.fill(path, canon)); // the device removed it
        }
        continue;
      }
      out.add(
          canon == MISSING
              ? ReversePlan.Normalization.remove(path, seen)
              : new ReversePlan.Normalization(path, seen, canon));
    }
    return out;
  }

  private List<ReversePlan.Normalization> normalizations(
      Map<String, Object> dittoHolds, Map<String, Object> canonical, Map<String, Object> taken) {
    List<ReversePlan.Normalization> out = new ArrayList<>();
    // fixed paths need no filtering: canonical lacks them, so they are never given back
    for (List<String> path : changedPaths(dittoHolds, canonical, List.of())) {
      Object seen = at(dittoHolds, path);
      Object canon = at(canonical, path);
      if (seen != MISSING && canon != MISSING && same(at(taken, path), canon)) {
        out.add(new ReversePlan.Normalization(path, seen, canon));
      }
    }
    return out;
  }

  /** A MongoDB document as Ditto holds it, without the paths Ditto's changes never decide. */
  private Map<String, Object> mongoView(BsonDocument doc) {
    Map<String, Object> view = forward.dittoDocument(doc); // a new map: changed in place
    view.keySet().removeAll(fixedFields);
    return view;
  }

  /** Whether {@code ditto} holds what {@code view} (without fixed paths) does, outside them. */
  private boolean sameOutsideFixed(Map<String, Object> ditto, Map<String, Object> view) {
    int compared = 0;
    for (Map.Entry<String, Object> e : ditto.entrySet()) {
      if (fixedFields.contains(e.getKey())) {
        continue;
      }
      compared++;
      if (!view.containsKey(e.getKey()) || !DittoValues.same(e.getValue(), view.get(e.getKey()))) {
        return false;
      }
    }
    return compared == view.size();
  }

  private Map<String, Object> withoutFixed(Map<String, Object> doc) {
    Map<String, Object> out = new LinkedHashMap<>(doc);
    out.keySet().removeAll(fixedFields);
    return out;
  }

  /**
   * The paths where two Ditto documents differ: maps are compared key by key (Ditto merges them);
   * lists, scalars and Extended JSON values ({@code {"$numberLong": ...}}) are leaves.
   */
  static List<List<String>> changedPaths(Object a, Object b, List<String> at) {
    List<List<String>> out = new ArrayList<>();
    collectChanged(a, b, new ArrayList<>(at), out);
    return out;
  }

  /** {@link #changedPaths} on one path list, copied only where a difference is found. */
  private static void collectChanged(
      Object a, Object b, List<String> path, List<List<String>> out) {
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y && !isValue(x) && !isValue(y)) {
      for (Map.Entry<?, ?> e : x.entrySet()) {
        String k = String.valueOf(e.getKey());
        path.add(k);
        collectChanged(e.getValue(), y.containsKey(k) ? y.get(k) : MISSING, path, out);
        path.remove(path.size() - 1);
      }
      for (Map.Entry<?, ?> e : y.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (!x.containsKey(k)) {
          path.add(k);
          collectChanged(MISSING, e.getValue(), path, out);
          path.remove(path.size() - 1);
        }
      }
      return;
    }
    if (!same(a, b)) {
      out.add(new ArrayList<>(path));
    }
  }

  private static boolean isValue(Map<?, ?> m) {
    return EjsonToBson.isWrapper(m);
  }

  private static boolean same(Object a, Object b) {
    if (a == MISSING || b == MISSING) {
      return a == b;
    }
    return DittoValues.same(a, b);
  }

  private static Object at(Map<String, Object> doc, List<String> path) {
    return DittoValues.at(doc, path);
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> doc, List<String> path, Object value) {
    Map<String, Object> node = doc;
    for (int i = 0; i < path.size() - 1; i++) {
      Object child = node.get(path.get(i));
      if (!(child instanceof Map<?, ?>)) {
        child = new LinkedHashMap<String, Object>();
        node.put(path.get(i), child);
      }
      node = (Map<String, Object>) child;
    }
    String last = path.get(path.size() - 1);
    if (value == MISSING) {
      node.remove(last);
    } else {
      node.put(last, value);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> doc) {
    Map<String, Object> out = new LinkedHashMap<>();
    doc.forEach(
        (k, v) -> out.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v));
    return out;
  }

  /** For tests and logs: the candidate BSON values a Ditto id may have had. */
  List<BsonValue> idCandidates(Object dittoId) {
    return ids.candidates(dittoId, DittoIds.MONGO_ID);
  }
}
