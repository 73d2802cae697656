package io.mongoditto.mongosink;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import io.mongoditto.change.CanonicalIds;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.mapping.DittoValues;
import io.mongoditto.mapping.MappingException;
import io.mongoditto.mapping.MongoUpdates;
import io.mongoditto.mapping.ReverseMapper;
import io.mongoditto.mapping.ReversePlan;
import io.mongoditto.mongo.ConnectorSessions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Ditto's CDC events to MongoDB: per document, its events of the batch are planned one
 * after the other by the collection's {@link ReverseMapper} on the document as MongoDB holds it
 * (read once per batch), folded into one write, and all writes of the batch are committed in
 * transactions on the sessions {@link ConnectorSessions} recorded, so the source recognises them as
 * this direction's own. An event that cannot be mapped, or whose write MongoDB refuses (a duplicate
 * key), is returned as failed, with its reason, for the dead-letter path; the others are applied.
 *
 * @param <R> what each event came from (a SinkRecord, for the dead-letter queue)
 */
final class CdcApplier<R> implements AutoCloseable {

  /**
   * What each batch decides per document, at DEBUG (the fault suites turn it on: a lost change is
   * then traced to its event, dropped, planned as nothing, or written).
   */
  private static final Logger DECISIONS =
      LoggerFactory.getLogger("io.mongoditto.mongosink.decisions");

  /** Most documents read with one query. */
  private static final int READ_CHUNK = 500;

  /** Most documents written in one transaction. */
  private static final int WRITE_CHUNK = 200;

  private final MongoClient client;
  private final MongoDatabase database;
  private final Map<String, ReverseMapper> byDittoCollection;
  private final ConnectorSessions sessions;
  private final String connector;
  private final String task;
  private final AppliedTransactions applied = new AppliedTransactions(100_000);
  private final StaleSinkWrites staleWrites;
  private final AppliedMarks marks;

  /**
   * The highest {@code txnId} the connector applied ({@link AppliedMarks}), read when the task is
   * given partitions and kept up by its own batches: other tasks only apply events of partitions
   * this task does not hold until the next rebalance; {@link #UNREAD} until read.
   */
  private long appliedUpTo = UNREAD;

  private final DittoState dittoState;
  private ClientSession session;

  /**
   * The plan for a change the Ditto sink made: nothing in MongoDB, which holds that state or a
   * newer one; where it holds a newer one, Ditto is given it back (conditionally).
   */
  private static ReversePlan sinkWrite(List<ReversePlan.Normalization> corrections) {
    return ReversePlan.nothing(
        "a write of the MongoDB -> Ditto direction: MongoDB holds that state or a newer one",
        null,
        null,
        corrections);
  }

  /** One document's fold of events: where it was, where it ends, and what was decided. */
  private static final class Fold<R> {
    final DocumentChanges.Group<R> group;
    final ReverseMapper mapper;
    final BsonDocument original;
    BsonDocument state;
    final List<ReversePlan> plans = new ArrayList<>();
    final List<Failure<R>> failures = new ArrayList<>();

    /** Paths where a device's event of the batch changed the Ditto sink's stale write. */
    final Set<List<String>> stale = new HashSet<>();

    Fold(DocumentChanges.Group<R> group, ReverseMapper mapper, BsonDocument original) {
      this.group = group;
      this.mapper = mapper;
      this.original = original;
      this.state = original;
    }

    /** Drops what was planned: MongoDB keeps the document as it holds it, for {@code reason}. */
    void nothing(String reason) {
      plans.clear();
      state = original;
      plans.add(ReversePlan.nothing(reason, null, null, null));
    }

    /** Every event of the document fails, with what {@code bad} says. */
    void failAll(Exception bad) {
      group.items().forEach(i -> failures.add(new Failure<>(i, describe(group, bad))));
    }
  }

  /** An event that was not applied, and why. */
  record Failure<R>(DocumentChanges.Item<R> item, String reason) {}

  /** A value Ditto should hold in MongoDB's canonical form, in one Ditto document. */
  record Normalize(String dittoCollection, Object dittoId, ReversePlan.Normalization value) {}

  /**
   * What a batch did.
   *
   * @param written documents written in MongoDB
   * @param echoes events that needed no write (MongoDB already held their values)
   * @param duplicates events dropped as duplicates or older than what was applied
   * @param unknownCollection events of collections this direction does not sync
   * @param plans every plan made, for metrics and logs (conflicts, refused paths, normalizations)
   * @param normalize the values to write back to Ditto in canonical form
   * @param failures events not applied, for the dead-letter path
   */
  record Result<R>(
      int written,
      int echoes,
      int duplicates,
      int unknownCollection,
      List<ReversePlan> plans,
      List<Normalize> normalize,
      List<Failure<R>> failures) {}

  CdcApplier(
      MongoClient client,
      MongoDatabase database,
      Map<String, ReverseMapper> byDittoCollection,
      ConnectorSessions sessions,
      String connector,
      String task) {
    this(client, database, byDittoCollection, sessions, connector, task, null);
  }

  /**
   * @param dittoState what Ditto holds now, to create documents from (null: the events are trusted,
   *     for tests without a Ditto)
   */
  CdcApplier(
      MongoClient client,
      MongoDatabase database,
      Map<String, ReverseMapper> byDittoCollection,
      ConnectorSessions sessions,
      String connector,
      String task,
      DittoState dittoState) {
    this.dittoState = dittoState;
    this.client = client;
    this.database = database;
    this.staleWrites = new StaleSinkWrites(100_000, new StaleWriteStore(database));
    this.marks = new AppliedMarks(database, connector, task);
    this.byDittoCollection = Map.copyOf(byDittoCollection);
    this.sessions = sessions;
    this.connector = connector;
    this.task = task;
  }

  /**
   * Applies the document changes of a batch (requeryRequired is the caller's).
   *
   * @throws MongoException when MongoDB cannot be written (the caller retries the batch)
   */
  Result<R> apply(List<DocumentChanges.Item<R>> items) {
    List<DocumentChanges.Item<R>> known = new ArrayList<>();
    int unknown = 0;
    for (DocumentChanges.Item<R> item : items) {
      if (byDittoCollection.containsKey(item.event().collection())) {
        known.add(item);
      } else {
        unknown++;
      }
    }
    List<DocumentChanges.Item<R>> dropped = new ArrayList<>();
    if (appliedUpTo == UNREAD) {
      appliedUpTo = marks.highest();
    }
    List<DocumentChanges.Group<R>> groups =
        DocumentChanges.group(known, applied, appliedUpTo, dropped);
    staleWrites.load(groups.stream().map(CdcApplier::keyOf).toList());
    List<Fold<R>> folds = read(groups);
    List<Failure<R>> failures = new ArrayList<>();
    List<ReversePlan> plans = new ArrayList<>();
    List<Normalize> normalize = new ArrayList<>();
    int echoes = 0;
    List<Fold<R>> toWrite = new ArrayList<>();
    for (Fold<R> fold : folds) {
      plan(fold);
    }
    checkAgainstDitto(folds);
    if (DECISIONS.isDebugEnabled()) {
      folds.forEach(CdcApplier::logDecision);
      for (DocumentChanges.Item<R> d : dropped) {
        DECISIONS.debug(
            "Ditto collection {}, _id {}: event {} dropped (a duplicate, or older than one applied)",
            d.event().collection(),
            CanonicalIds.text(d.event().documentId()),
            d.event().txnId());
      }
    }
    for (Fold<R> fold : folds) {
      if (fold.failures.isEmpty()) {
        staleWrites.settle(keyOf(fold.group), newest(fold));
      }
      failures.addAll(fold.failures);
      plans.addAll(fold.plans);
      for (ReversePlan p : fold.plans) {
        echoes += p.writes() ? 0 : 1;
        for (ReversePlan.Normalization n : p.normalizations()) {
          normalize.add(new Normalize(fold.group.collection(), fold.group.dittoId(), n));
        }
      }
      if (!sameDocument(fold.original, fold.state)) {
        toWrite.add(fold);
      }
    }
    int written = 0;
    long newest = items.stream().mapToLong(i -> i.event().txnId()).max().orElse(NO_MARK);
    Progress progress =
        new Progress(
            staleWrites.changes(),
            appliedUpTo == AppliedMarks.NONE || newest > appliedUpTo ? newest : NO_MARK);
    try {
      if (toWrite.isEmpty() && !progress.isEmpty()) {
        saveProgress(progress);
      }
      for (int from = 0; from < toWrite.size(); from += WRITE_CHUNK) {
        int to = Math.min(toWrite.size(), from + WRITE_CHUNK);
        written +=
            write(toWrite.subList(from, to), failures, to == toWrite.size() ? progress : null);
      }
    } catch (RuntimeException notWritten) {
      staleWrites.unsaved();
      throw notWritten;
    }
    staleWrites.saved();
    if (progress.mark() != NO_MARK) {
      appliedUpTo =
          appliedUpTo == AppliedMarks.NONE
              ? progress.mark()
              : Math.max(appliedUpTo, progress.mark());
    }
    for (Fold<R> fold : folds) {
      applied.applied(keyOf(fold.group), fold.group.newestTxnId());
    }
    return new Result<>(written, echoes, dropped.size(), unknown, plans, normalize, failures);
  }

  /**
   * Forgets what this task knows of documents' histories, when it is given partitions: while a
   * partition was away, another task applied its events, so what was known of its documents is old,
   * and an event delivered again (from that task's last committed offset) would look newer than the
   * last one applied here and revert MongoDB. Their events are then checked against what Ditto
   * holds, as after a restart.
   */
  void forgetHistory() {
    applied.clear();
    staleWrites.clear();
    appliedUpTo = UNREAD;
  }

  private static String keyOf(DocumentChanges.Group<?> group) {
    return AppliedTransactions.key(group.collection(), group.idKey());
  }

  /** Reads, per collection, the MongoDB documents of the batch's Ditto ids. */
  private List<Fold<R>> read(List<DocumentChanges.Group<R>> groups) {
    Map<String, List<DocumentChanges.Group<R>>> byCollection = new LinkedHashMap<>();
    for (DocumentChanges.Group<R> g : groups) {
      byCollection.computeIfAbsent(g.collection(), k -> new ArrayList<>()).add(g);
    }
    List<Fold<R>> folds = new ArrayList<>();
    for (Map.Entry<String, List<DocumentChanges.Group<R>>> e : byCollection.entrySet()) {
      ReverseMapper mapper = byDittoCollection.get(e.getKey());
      MongoCollection<BsonDocument> collection = collectionOf(mapper);
      List<DocumentChanges.Group<R>> list = e.getValue();
      for (int from = 0; from < list.size(); from += READ_CHUNK) {
        List<DocumentChanges.Group<R>> chunk =
            list.subList(from, Math.min(list.size(), from + READ_CHUNK));
        Map<String, BsonDocument> found = new HashMap<>();
        List<BsonDocument> any = new ArrayList<>();
        List<DocumentChanges.Group<R>> readable = new ArrayList<>();
        for (DocumentChanges.Group<R> g : chunk) {
          try {
            any.add(mapper.filterFor(g.dittoId()));
            readable.add(g);
          } catch (MappingException bad) {
            Fold<R> fold = new Fold<>(g, mapper, null);
            fold.failAll(bad);
            folds.add(fold);
          }
        }
        if (!any.isEmpty()) {
          // every document of the chunk in the first reply: no getMore round trip
          for (BsonDocument doc : collection.find(anyOf(any)).batchSize(READ_CHUNK)) {
            try {
              found.putIfAbsent(CanonicalIds.text(mapper.dittoIdOf(doc)), doc);
            } catch (IllegalArgumentException notMappable) {
              // a MongoDB document without a valid id under this mapping: not any Ditto document
            }
          }
        }
        for (DocumentChanges.Group<R> g : readable) {
          folds.add(new Fold<>(g, mapper, found.get(g.idKey())));
        }
      }
    }
    return folds;
  }

  /**
   * One query for the documents of a chunk. Where every filter is on the same single field (the
   * match_ids and single_field modes), one {@code $in} of all their values: MongoDB answers it from
   * that field's index in one pass, while a {@code $or} of hundreds of clauses is planned clause by
   * clause (and the local MongoDB uses no index for a {@code $or} at all: it scanned the collection
   * once per batch, the sink's main cost in the benchmark). Otherwise their {@code $or}.
   */
  static BsonDocument anyOf(List<BsonDocument> filters) {
    String field = null;
    BsonArray values = new BsonArray();
    for (BsonDocument filter : filters) {
      if (filter.size() != 1 || (field != null && !field.equals(filter.getFirstKey()))) {
        return new BsonDocument("$or", new BsonArray(filters));
      }
      field = filter.getFirstKey();
      BsonValue condition = filter.get(field);
      BsonDocument operator = condition.isDocument() ? condition.asDocument() : null;
      if (operator != null && operator.size() == 1 && operator.isArray("$in")) {
        values.addAll(operator.getArray("$in"));
      } else if (operator != null && operator.size() == 1 && operator.containsKey("$eq")) {
        values.add(operator.get("$eq"));
      } else {
        return new BsonDocument("$or", new BsonArray(filters));
      }
    }
    return field == null
        ? new BsonDocument("$or", new BsonArray(filters))
        : new BsonDocument(field, new BsonDocument("$in", values));
  }

  /**
   * Events whose place in the document's history this task does not know are checked against what
   * Ditto holds now before MongoDB is written. Events can be old: redelivered after a restart (when
   * {@link AppliedTransactions} is empty), delivered twice out of order, or late from another
   * partition. Applied as they are, an old event of a document Ditto removed since would bring it
   * back in MongoDB (where the forward direction, seeing this direction's own write, would never
   * remove it again), and an old edit would revert a path whose MongoDB value happens to equal the
   * event's old one. So, for such documents whose plan writes:
   *
   * <ul>
   *   <li>one MongoDB lacks is created only as Ditto holds it now, and not at all when Ditto no
   *       longer holds it (its removal is on its way, or was applied);
   *   <li>one MongoDB holds and Ditto holds is planned as the change to Ditto's current state from
   *       the states the events show: a path the event changed but Ditto has changed again since
   *       takes Ditto's current value (or nothing, when MongoDB holds it already), never the
   *       event's; a path where MongoDB holds a value none of those states had is MongoDB's own
   *       edit and stays;
   *   <li>one MongoDB holds and Ditto no longer holds is planned event by event, as its removal (in
   *       this batch or on its way) compares MongoDB with the state Ditto removed.
   * </ul>
   *
   * Events of a document whose last applied transaction is known are newer than it (older ones were
   * dropped), and events above every one the connector applied ({@link AppliedMarks}) are newer
   * than anything applied, so they are applied as they come, and a document Ditto created in such
   * an event is created as it shows it: one read of Ditto per batch only where needed.
   */
  private void checkAgainstDitto(List<Fold<R>> folds) {
    if (dittoState == null) {
      return;
    }
    Map<String, List<Fold<R>>> unsure = new LinkedHashMap<>();
    for (Fold<R> fold : folds) {
      // A document the events create in Ditto, newer than everything applied to it, is created as
      // they say: should Ditto have removed it since, that removal follows.
      boolean createdInDitto =
          fold.group.historyKnown() && fold.group.items().get(0).event().before() == null;
      boolean creation = fold.original == null && fold.state != null && !createdInDitto;
      boolean unknownHistory =
          !fold.group.historyKnown() && !sameDocument(fold.original, fold.state);
      if (fold.failures.isEmpty() && (creation || unknownHistory)) {
        unsure.computeIfAbsent(fold.group.collection(), k -> new ArrayList<>()).add(fold);
      }
    }
    for (Map.Entry<String, List<Fold<R>>> e : unsure.entrySet()) {
      List<Object> ids = new ArrayList<>();
      e.getValue().forEach(f -> ids.add(f.group.dittoId()));
      Map<String, Map<String, Object>> now = dittoState.current(e.getKey(), ids);
      for (Fold<R> fold : e.getValue()) {
        replan(fold, now.get(fold.group.idKey()));
      }
    }
  }

  /**
   * Plans the document's change from the states its events show to Ditto's {@code current}; when
   * the batch ends with the Ditto sink's writes, to the state the last other event left instead.
   * Either way without the values the sink's writes in the batch left there (Ditto then holds
   * MongoDB's state as the sink read it, which may predate a device's edit MongoDB took: a copy's
   * record landing after it), followed by those writes' corrections.
   */
  private void replan(Fold<R> fold, Map<String, Object> current) {
    List<DocumentChanges.Item<R>> items = fold.group.items();
    int own = items.size();
    while (own > 0 && sinkWrote(items.get(own - 1))) {
      own--;
    }
    if (own == 0) {
      return; // only the sink's writes: their corrections stand
    }
    boolean sinkWroteLast = own < items.size();
    if (sinkWroteLast && fold.original == null && newest(fold) != null) {
      // The batch ends with a write of the MongoDB -> Ditto direction of a document MongoDB no
      // longer holds: MongoDB had it when that write was made (a copy's record, maybe delivered
      // again), so it was deleted since, in MongoDB or by this direction applying a device's
      // removal. The events before that write are older: none creates it again. The write's
      // correction removes it from Ditto.
      fold.nothing("MongoDB deleted the document since the MongoDB -> Ditto direction wrote it");
      try {
        correctSinkWrites(fold, keyOf(fold.group));
      } catch (MappingException | IllegalArgumentException bad) {
        fold.failAll(bad);
      }
      return;
    }
    List<ReverseMapper.Step> steps = new ArrayList<>();
    for (DocumentChanges.Item<R> item : items.subList(0, own)) {
      steps.add(
          new ReverseMapper.Step(item.event().before(), item.event().after(), sinkWrote(item)));
    }
    // Ditto's current state holds a later write of the MongoDB -> Ditto direction (its token),
    // whose event this task has not read: possibly a copy's record of an older MongoDB state.
    boolean unseenSinkWrite =
        !sinkWroteLast && fold.original != null && sinkWroteSince(fold, current);
    Map<String, Object> base = sinkWroteLast ? items.get(own - 1).event().after() : current;
    if (base == null && (fold.original != null || sinkWroteLast)) {
      // Ditto removed it since. Its removal compares MongoDB with the state it removed, so the
      // events before it (a consumer catching up after a restart) are applied as they come, and
      // so are the corrections of the sink's writes after it.
      return;
    }
    if (base == null) {
      fold.nothing("Ditto no longer holds the document: an old event is not applied");
      return;
    }
    fold.plans.clear();
    fold.state = fold.original;
    // Every state the events show Ditto's document in: which of them MongoDB holds is not known
    // (some events may be old ones delivered again), so MongoDB holding any of them at a path
    // means it has not edited that path itself.
    List<Map<String, Object>> history = new ArrayList<>();
    if (fold.original != null) {
      for (DocumentChanges.Item<R> item : items.subList(0, own)) {
        // null: an insert's "not in Ditto yet"; not after an unseen sink write, which wrote the
        // document from MongoDB's, so a path MongoDB lacks now it removed since
        if (item.event().before() != null || !unseenSinkWrite) {
          history.add(item.event().before());
        }
        if (item.event().after() != null) {
          history.add(item.event().after());
        }
      }
    }
    String key = keyOf(fold.group);
    try {
      Map<String, Object> target = fold.mapper.withoutSinkWrites(base, steps, fold.original);
      if (unseenSinkWrite) {
        // What changed after the batch's events keeps MongoDB's value: their own events decide.
        // The events' values there are not applied, so a device's later change made on them is
        // no MongoDB edit's conflict when its event comes (bug 19).
        staleWrites.notApplied(
            key, newest(fold), fold.mapper.decidedPathsChanged(newest(fold), current));
        target =
            fold.mapper.withoutSinkWrites(
                target,
                List.of(new ReverseMapper.Step(newest(fold), current, true)),
                fold.original);
      }
      ReversePlan plan = fold.mapper.planFromHistory(history, target, fold.original, fold.stale);
      fold.plans.add(plan);
      fold.state = after(fold.original, plan);
      correctSinkWrites(fold, key);
    } catch (MappingException | IllegalArgumentException bad) {
      fold.failAll(bad);
    }
  }

  /** Plans the corrections of the batch's sink writes on the document as planned so far. */
  private void correctSinkWrites(Fold<R> fold, String key) {
    for (DocumentChanges.Item<R> item : fold.group.items()) {
      if (sinkWrote(item)) {
        correctSinkWrite(fold, item, key);
      }
    }
  }

  /** Plans the corrections of one sink write on the document as planned so far. */
  private void correctSinkWrite(Fold<R> fold, DocumentChanges.Item<R> item, String key) {
    List<ReversePlan.Normalization> giveBacks =
        fold.mapper.corrections(
            item.event().before(), item.event().after(), fold.state, staleWrites.paths(key));
    staleWrites.gaveBack(key, giveBacks);
    fold.plans.add(sinkWrite(stillHeld(giveBacks, newest(fold))));
  }

  /**
   * The give-backs of a sink write Ditto can still take. Each is conditional on Ditto holding what
   * the write left at its path, and on its token; where a later event of the batch shows another
   * value there, or a later sink write's token, it cannot apply and is not sent (a document the
   * sink wrote many times in a batch had its paths given back once per write, one request each: the
   * long fault run's MongoDB sink fell behind).
   */
  private static List<ReversePlan.Normalization> stillHeld(
      List<ReversePlan.Normalization> giveBacks, Map<String, Object> newest) {
    List<ReversePlan.Normalization> out = new ArrayList<>();
    Object newestToken = newest == null ? null : DittoMetadata.tokenOf(newest);
    for (ReversePlan.Normalization n : giveBacks) {
      Object now = newest == null ? DittoValues.ABSENT : DittoValues.at(newest, n.path());
      boolean held =
          n.seenAbsent()
              ? now == DittoValues.ABSENT
              : now != DittoValues.ABSENT && DittoValues.same(now, n.seen());
      // conditional on a token a later sink write of the batch replaced: that write's own
      // corrections carry the path
      boolean replaced = n.writtenBy() != null && !n.writtenBy().equals(newestToken);
      if (n.wholeDocument() || (newest != null && held && !replaced)) {
        out.add(n);
      }
    }
    return out;
  }

  private static void logDecision(Fold<?> fold) {
    StringBuilder events = new StringBuilder();
    for (DocumentChanges.Item<?> item : fold.group.items()) {
      events
          .append(events.length() == 0 ? "" : ", ")
          .append(item.event().txnId())
          .append(item.event().after() == null ? " remove" : " upsert")
          .append(sinkWrote(item) ? " (ours)" : "");
    }
    StringBuilder plans = new StringBuilder();
    for (ReversePlan p : fold.plans) {
      plans
          .append(plans.length() == 0 ? "" : "; ")
          .append(p.action())
          .append(p.reason() == null ? "" : " (" + p.reason() + ")")
          .append(p.conflicts().isEmpty() ? "" : " conflicts " + p.conflicts())
          .append(p.normalizations().isEmpty() ? "" : " give back " + p.normalizations().size());
    }
    DECISIONS.debug(
        "Ditto collection {}, _id {}: events [{}], history {}; plans [{}]; MongoDB {}{}",
        fold.group.collection(),
        fold.group.idKey(),
        events,
        fold.group.historyKnown() ? "known" : "unknown",
        plans,
        sameDocument(fold.original, fold.state)
            ? "unchanged"
            : fold.state == null ? "deleted" : fold.original == null ? "created" : "updated",
        fold.failures.isEmpty() ? "" : ", failed: " + fold.failures.get(0).reason());
  }

  /**
   * Whether Ditto's {@code current} document carries another write token than the batch's newest
   * event shows: the Ditto sink wrote it since (devices' edits and give-backs keep the token).
   */
  private static boolean sinkWroteSince(Fold<?> fold, Map<String, Object> current) {
    return current != null
        && !java.util.Objects.equals(
            DittoMetadata.tokenOf(current), DittoMetadata.tokenOf(newest(fold)));
  }

  /** The document as the newest event of the batch shows Ditto holding it (null: removed). */
  private static Map<String, Object> newest(Fold<?> fold) {
    List<? extends DocumentChanges.Item<?>> items = fold.group.items();
    return items.get(items.size() - 1).event().after();
  }

  /**
   * Whether the event is a write of the MongoDB -> Ditto direction: the Ditto sink's, or a value
   * this sink gave back. Either holds MongoDB's state (now or older), never a device's edit.
   */
  private static boolean sinkWrote(DocumentChanges.Item<?> item) {
    Map<String, Object> before = item.event().before();
    Map<String, Object> after = item.event().after();
    return DittoMetadata.writtenByTheSink(before, after) || DittoMetadata.givenBack(before, after);
  }

  /** Reads what Ditto holds now for some of its documents. */
  interface DittoState {
    /**
     * @return the documents Ditto holds among {@code ids}, by canonical id text ({@link
     *     CanonicalIds#text})
     */
    Map<String, Map<String, Object>> current(String dittoCollection, List<Object> ids);
  }

  /** Plans the document's events one after the other on its state in MongoDB. */
  private void plan(Fold<R> fold) {
    if (!fold.failures.isEmpty()) {
      return;
    }
    String key = keyOf(fold.group);
    for (DocumentChanges.Item<R> item : fold.group.items()) {
      if (sinkWrote(item)) {
        try {
          correctSinkWrite(fold, item, key);
        } catch (MappingException | IllegalArgumentException bad) {
          fold.failures.add(new Failure<>(item, describe(fold.group, bad)));
        }
        continue;
      }
      try {
        Set<List<String>> stale =
            staleWrites.takeStale(key, item.event().before(), item.event().after());
        fold.stale.addAll(stale);
        ReversePlan plan =
            fold.mapper.plan(item.event().before(), item.event().after(), fold.state, stale);
        fold.plans.add(plan);
        fold.state = after(fold.state, plan);
      } catch (MappingException | IllegalArgumentException bad) {
        fold.failures.add(new Failure<>(item, describe(fold.group, bad)));
      }
    }
  }

  private static BsonDocument after(BsonDocument state, ReversePlan plan) {
    return switch (plan.action()) {
      case NOTHING -> state;
      case DELETE -> null;
      case REPLACE -> plan.document();
      case UPDATE -> MongoUpdates.apply(state, plan.set(), plan.unset());
      case INSERT -> {
        BsonDocument doc = plan.document();
        if (doc.containsKey("_id")) {
          yield doc;
        }
        // single_field / multiple_fields: MongoDB's _id is ours to choose; chosen now so later
        // events of the batch name the same document.
        BsonDocument withId = new BsonDocument("_id", new BsonObjectId());
        withId.putAll(doc);
        yield withId;
      }
    };
  }

  /** No event's mark to record. */
  private static final long NO_MARK = Long.MIN_VALUE;

  /** {@link #appliedUpTo} not read yet. */
  private static final long UNREAD = Long.MIN_VALUE + 1;

  /**
   * What a batch took in besides its documents' writes: what {@link StaleSinkWrites} learnt, and
   * the highest {@code txnId} of its events when above the {@link AppliedMarks} (else {@link
   * #NO_MARK}).
   */
  private record Progress(Map<String, Map<List<String>, Object>> stale, long mark) {
    boolean isEmpty() {
      return stale.isEmpty() && mark == NO_MARK;
    }
  }

  private void save(ClientSession s, Progress progress) {
    staleWrites.save(s, progress.stale());
    if (progress.mark() != NO_MARK) {
      marks.save(s, progress.mark());
    }
  }

  /** Writes the progress of a batch that writes no document. */
  private void saveProgress(Progress progress) {
    ClientSession s = session();
    sessions.register(s, connector, task);
    s.withTransaction(
        () -> {
          save(s, progress);
          return null;
        });
  }

  /**
   * Writes a chunk of folds in one transaction, with the batch's {@code progress} when it is not
   * null (the batch's last chunk); returns how many documents were written.
   */
  private int write(List<Fold<R>> folds, List<Failure<R>> failures, Progress progress) {
    List<Fold<R>> pending = new ArrayList<>(folds);
    while (!pending.isEmpty()) {
      Map<String, List<WriteModel<BsonDocument>>> ops = new LinkedHashMap<>();
      Map<String, List<Fold<R>>> opFolds = new LinkedHashMap<>();
      for (Fold<R> fold : pending) {
        String name = fold.mapper.mapping().mongoCollection();
        for (WriteModel<BsonDocument> op : writesOf(fold)) {
          ops.computeIfAbsent(name, k -> new ArrayList<>()).add(op);
          opFolds.computeIfAbsent(name, k -> new ArrayList<>()).add(fold);
        }
      }
      ClientSession s = session();
      sessions.register(s, connector, task);
      try {
        s.withTransaction(
            () -> {
              for (Map.Entry<String, List<WriteModel<BsonDocument>>> e : ops.entrySet()) {
                try {
                  database
                      .getCollection(e.getKey(), BsonDocument.class)
                      .bulkWrite(s, e.getValue(), new BulkWriteOptions().ordered(true));
                } catch (MongoBulkWriteException refused) {
                  throw new RefusedWrite(e.getKey(), refused);
                }
              }
              if (progress != null) {
                save(s, progress);
              }
              return null;
            });
        return pending.size();
      } catch (RefusedWrite refused) {
        // One document's write was refused (a duplicate key): it goes to the dead-letter path, the
        // transaction (already aborted) is tried again without it.
        BulkWriteError error = refused.cause.getWriteErrors().get(0);
        Fold<R> bad = opFolds.get(refused.collection).get(error.getIndex());
        for (DocumentChanges.Item<R> item : bad.group.items()) {
          failures.add(
              new Failure<>(
                  item,
                  describe(
                      bad.group,
                      new IllegalStateException(
                          "MongoDB refused the write (error "
                              + error.getCode()
                              + "): "
                              + error.getMessage()))));
        }
        pending.remove(bad);
      }
    }
    if (progress != null) {
      saveProgress(progress);
    }
    return 0;
  }

  /** A bulk write MongoDB refused, with the collection it was for. */
  private static final class RefusedWrite extends RuntimeException {
    final String collection;
    final MongoBulkWriteException cause;

    RefusedWrite(String collection, MongoBulkWriteException cause) {
      super(cause.getMessage(), cause, false, false);
      this.collection = collection;
      this.cause = cause;
    }
  }

  /** The writes that take one document from where it was to where it ends. */
  private static <R> List<WriteModel<BsonDocument>> writesOf(Fold<R> fold) {
    BsonDocument from = fold.original;
    BsonDocument to = fold.state;
    List<WriteModel<BsonDocument>> out = new ArrayList<>();
    if (from != null && (to == null || !from.get("_id").equals(to.get("_id")))) {
      out.add(new DeleteOneModel<>(byId(from)));
      from = null;
    }
    if (to == null) {
      return out;
    }
    if (from == null) {
      out.add(new InsertOneModel<>(to));
      return out;
    }
    BsonDocument set = new BsonDocument();
    List<String> unset = new ArrayList<>();
    if (!MongoUpdates.diff(from, to, "", set, unset)) {
      out.add(new ReplaceOneModel<>(byId(from), to));
      return out;
    }
    BsonDocument update = new BsonDocument();
    if (!set.isEmpty()) {
      update.put("$set", set);
    }
    if (!unset.isEmpty()) {
      BsonDocument fields = new BsonDocument();
      unset.forEach(p -> fields.put(p, new org.bson.BsonString("")));
      update.put("$unset", fields);
    }
    if (!update.isEmpty()) {
      out.add(new UpdateOneModel<>(byId(from), update));
    }
    return out;
  }

  private static BsonDocument byId(BsonDocument doc) {
    return new BsonDocument("_id", doc.get("_id"));
  }

  private static boolean sameDocument(BsonDocument a, BsonDocument b) {
    return a == null ? b == null : a.equals(b);
  }

  private MongoCollection<BsonDocument> collectionOf(ReverseMapper mapper) {
    return database.getCollection(mapper.mapping().mongoCollection(), BsonDocument.class);
  }

  private ClientSession session() {
    if (session == null) {
      session = client.startSession();
    }
    return session;
  }

  private static String describe(DocumentChanges.Group<?> g, Exception e) {
    String field =
        e instanceof MappingException m && m.field() != null ? ", field " + m.field() : "";
    return "Ditto collection "
        + g.collection()
        + ", _id "
        + g.idKey()
        + field
        + ": "
        + e.getMessage();
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
      session = null;
    }
  }
}
