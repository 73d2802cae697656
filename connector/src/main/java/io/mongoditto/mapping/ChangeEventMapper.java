package io.mongoditto.mapping;

import io.mongoditto.change.DittoChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Turns MongoDB change events and snapshot documents of one collection into Ditto changes. Pure: no
 * I/O. Fed with events exactly as the server sends them (see MongoDB's change-streams spec).
 *
 * <p>Rules (docs/mapping.md explains them for users): an insert, a replace and a snapshot document
 * become an upsert with {@code replace=true}; an update becomes an upsert of the complete new
 * document ({@code fullDocument}) with the paths the sink must remove first (see {@link
 * RemovedPaths}); an update whose document is gone ({@code fullDocument: null}) becomes nothing,
 * because its delete event follows; a delete becomes a delete of the Ditto id, which under
 * single_field / multiple_fields comes from the pre-image. A changed mapped id becomes a delete of
 * the old Ditto document and an upsert of the new one.
 */
public final class ChangeEventMapper {

  private final CollectionMapping mapping;
  private final ConversionStats stats;
  private final ValueConverter converter;
  private final DittoIds ids;
  private final DocumentFilter filter;
  private final FieldTransforms transforms;
  private final DocumentSizeLimit sizeLimit;

  /**
   * @throws IllegalArgumentException when {@link CollectionMapping#problem()} reports one
   */
  public ChangeEventMapper(CollectionMapping mapping, ConversionStats stats) {
    this(mapping, stats, DocumentFilter.ALL, FieldTransforms.NONE);
  }

  /**
   * A mapper that also filters documents (a document that stops matching is deleted from Ditto, one
   * that starts matching is upserted whole) and transforms fields.
   *
   * @throws IllegalArgumentException when {@link CollectionMapping#problem()} reports one
   */
  public ChangeEventMapper(
      CollectionMapping mapping,
      ConversionStats stats,
      DocumentFilter filter,
      FieldTransforms transforms) {
    this(mapping, stats, filter, transforms, DocumentSizeLimit.DITTO);
  }

  /**
   * A filtering, transforming mapper whose larger documents are bad documents ({@code sizeLimit}).
   *
   * @throws IllegalArgumentException when {@link CollectionMapping#problem()} reports one
   */
  public ChangeEventMapper(
      CollectionMapping mapping,
      ConversionStats stats,
      DocumentFilter filter,
      FieldTransforms transforms,
      DocumentSizeLimit sizeLimit) {
    String problem = mapping.problem();
    if (problem != null) {
      throw new IllegalArgumentException(
          "collection '" + mapping.mongoCollection() + "': " + problem);
    }
    this.mapping = mapping;
    this.stats = stats;
    this.converter = ValueConverter.of(mapping.mode(), stats);
    this.ids = new DittoIds(mapping);
    this.filter = java.util.Objects.requireNonNull(filter, "filter");
    this.transforms = java.util.Objects.requireNonNull(transforms, "transforms");
    this.sizeLimit = java.util.Objects.requireNonNull(sizeLimit, "sizeLimit");
  }

  public CollectionMapping mapping() {
    return mapping;
  }

  public ConversionStats stats() {
    return stats;
  }

  /**
   * Maps one data change event ({@code insert}, {@code update}, {@code replace}, {@code delete}).
   * Other operation types ({@code drop}, {@code invalidate}, {@code rename}, ...) are the caller's
   * business and must not be passed here; if they are, the result is an error saying so.
   */
  public MappingResult map(BsonDocument changeEvent) {
    BsonValue mongoId = mongoIdOf(changeEvent);
    long time = sourceTimeMillis(changeEvent);
    try {
      BsonValue op = changeEvent.get("operationType");
      String operation = op != null && op.isString() ? op.asString().getValue() : null;
      if (operation == null) {
        throw new MappingException("operationType", "the change event has no operationType");
      }
      return switch (operation) {
        case "insert" -> insert(changeEvent, time);
        case "replace" -> replace(changeEvent, time);
        case "update" -> update(changeEvent, time);
        case "delete" -> delete(changeEvent, time);
        default ->
            throw new MappingException(
                "operationType",
                "'"
                    + operation
                    + "' is not a data change (insert, update, replace, delete); the source"
                    + " must handle it");
      };
    } catch (MappingException e) {
      return MappingResult.failed(error(mongoId, e));
    } catch (org.bson.BsonInvalidOperationException e) {
      // A field of the event has an unexpected type: not an event MongoDB sends; never crash on it.
      return MappingResult.failed(
          error(mongoId, new MappingException(null, "malformed change event: " + e.getMessage())));
    }
  }

  /**
   * Maps a change the Ditto -> MongoDB direction made itself (in one of its own sessions): it came
   * from Ditto, so Ditto already holds it and nothing is written but a TOUCH (so an open sweep
   * knows the document exists), except what only MongoDB's side can make: a document the change
   * made stop matching the filter is deleted from Ditto, and a document the direction created under
   * keepMongoId gets its {@code mongo_id}. Writing anything else would send Ditto a state that may
   * already be older than Ditto's (the echo race docs/design.md describes). The source maps its own
   * writes with {@link #map} instead while its stream catches up over a copy, whose older records
   * of the same documents reach Ditto before them (docs/mapping.md, "Echoes").
   */
  public MappingResult mapEcho(BsonDocument changeEvent) {
    BsonValue mongoId = mongoIdOf(changeEvent);
    long time = sourceTimeMillis(changeEvent);
    try {
      BsonValue op = changeEvent.get("operationType");
      String operation = op != null && op.isString() ? op.asString().getValue() : "";
      BsonDocument post = documentOrNull(changeEvent, "fullDocument");
      if (operation.equals("delete") || post == null) {
        return MappingResult.nothing(); // Ditto removed it first, or it is gone since
      }
      Object id = ids.idOf(post);
      if (!matches(post)) {
        return deleteOf(id, post, time);
      }
      if (operation.equals("insert")
          && mapping.idMode() != IdMode.MATCH_IDS
          && mapping.keepMongoId()) {
        return MappingResult.of(
            delta(post, List.of(CollectionMapping.MONGO_ID_FIELD), List.of(), time));
      }
      return MappingResult.of(
          DittoChange.touch(
              mapping.dittoCollection(), id, time, DittoIds.sourceId(post.get(DittoIds.MONGO_ID))));
    } catch (MappingException e) {
      return MappingResult.failed(error(mongoId, e));
    }
  }

  /**
   * Maps a change the Ditto -> MongoDB direction made while a copy ran, read as the stream catches
   * up over the copy: the copy's record of the document may hold an older state and reach Ditto
   * after the device's write, so the change goes to Ditto as what it changed ({@link #map}: an
   * update as a delta of the values it wrote and the paths it removed, an insert or replace whole,
   * a delete as a delete), after that record. A document the change left outside the filter is
   * deleted from Ditto, as for any echo ({@link #mapEcho}): Ditto holds only matching documents.
   */
  public MappingResult mapOwnWriteOverCopy(BsonDocument changeEvent) {
    BsonDocument post = documentOrNull(changeEvent, "fullDocument");
    BsonValue op = changeEvent.get("operationType");
    boolean delete = op != null && op.isString() && op.asString().getValue().equals("delete");
    if (!delete && post != null) {
      try {
        if (!matches(post)) {
          return mapEcho(changeEvent);
        }
      } catch (MappingException e) {
        return MappingResult.failed(error(mongoIdOf(changeEvent), e));
      }
    }
    return map(changeEvent);
  }

  /** Maps one document read by the snapshot: an upsert with {@code replace=true}. */
  public MappingResult mapSnapshot(BsonDocument document, long readTimeMillis) {
    try {
      if (!matches(document)) {
        return MappingResult.nothing(); // the snapshot query filters on the server too
      }
      return MappingResult.of(upsert(document, List.of(), true, readTimeMillis));
    } catch (MappingException e) {
      return MappingResult.failed(error(document.get(DittoIds.MONGO_ID), e));
    }
  }

  /**
   * The Ditto id of a MongoDB document under this collection's mapping, for callers that need it
   * without mapping a change (for example, to key an error record).
   *
   * @throws IllegalArgumentException with the specific reason when the document has no valid id
   */
  public Object dittoIdOf(BsonDocument document) {
    try {
      return ids.idOf(document);
    } catch (MappingException e) {
      throw new IllegalArgumentException(error(document.get(DittoIds.MONGO_ID), e).describe());
    }
  }

  /** The exact command that enables the pre-images this collection's deletes need. */
  public static String preImagesCommand(String mongoCollection) {
    return "db.runCommand({collMod: \""
        + mongoCollection
        + "\", changeStreamPreAndPostImages: {enabled: true}})";
  }

  private MappingResult insert(BsonDocument event, long time) {
    BsonDocument post = requireFullDocument(event, "insert");
    if (!matches(post)) {
      return MappingResult.nothing();
    }
    return MappingResult.of(upsert(post, List.of(), true, time));
  }

  private MappingResult replace(BsonDocument event, long time) {
    BsonDocument post = requireFullDocument(event, "replace");
    BsonDocument pre = preImage(event);
    Object newId = ids.idOf(post);
    Object oldId = pre == null ? null : idOrNull(pre);
    if (oldId != null && !oldId.equals(newId)) {
      return idChange(oldId, pre, post, time);
    }
    if (!matches(post)) {
      return pre != null && !matches(pre) ? MappingResult.nothing() : deleteOf(newId, post, time);
    }
    // With a pre-image the removed paths are exact: the sink can clear them (objects while they
    // are still objects, see RemovedPaths) instead of inferring them from replace=true alone.
    List<String> removed =
        oldId == null || !matches(pre)
            ? List.of()
            : sinkPaths(RemovedPaths.of(null, post, pre, converter)).paths();
    return MappingResult.of(upsert(post, newId, removed, true, time));
  }

  private MappingResult update(BsonDocument event, long time) {
    if (!event.containsKey("fullDocument")) {
      throw new MappingException(
          "fullDocument",
          "the update event carries no fullDocument: open the change stream with"
              + " fullDocument=updateLookup (or required/whenAvailable with post-images)");
    }
    BsonValue full = event.get("fullDocument");
    if (full.isNull()) {
      return MappingResult.nothing(); // deleted since: its delete event follows
    }
    if (!full.isDocument()) {
      throw new MappingException("fullDocument", "is a " + full.getBsonType() + ", not a document");
    }
    BsonDocument post = full.asDocument();
    BsonDocument pre = preImage(event);
    BsonValue description = event.get("updateDescription");
    BsonDocument updateDescription =
        description != null && description.isDocument() ? description.asDocument() : null;
    Object newId = ids.idOf(post);
    boolean postMatches = matches(post);
    if (pre != null) {
      Object oldId = idOrNull(pre);
      if (oldId == null) {
        // The old state had no valid id, so Ditto never got it: the new state is whole and new.
        return postMatches
            ? MappingResult.of(upsert(post, List.of(), true, time))
            : MappingResult.nothing();
      }
      if (!oldId.equals(newId)) {
        return idChange(oldId, pre, post, time);
      }
      boolean preMatches = matches(pre);
      if (!postMatches) {
        return preMatches ? deleteOf(newId, post, time) : MappingResult.nothing(); // stops matching
      }
      if (!preMatches) {
        return MappingResult.of(upsert(post, newId, List.of(), true, time)); // starts matching
      }
    } else if (touchesIdField(updateDescription)) {
      // Without a pre-image the old Ditto id is unknown: the old Ditto document may remain.
      List<DittoChange> changes =
          List.of(postMatches ? upsert(post, List.of(), true, time) : delete(newId, post, time));
      return new MappingResult(changes, null, true);
    } else if (!postMatches) {
      return deleteOf(newId, post, time); // may have matched before: a harmless delete if not
    }
    if (updateDescription == null && pre == null) {
      // No way to know what was removed: the complete document replaces the Ditto one.
      return MappingResult.of(upsert(post, newId, List.of(), true, time));
    }
    RemovedPaths.Rendered removed =
        sinkPaths(RemovedPaths.of(updateDescription, post, pre, converter));
    RemovedPaths.Rendered changed = sinkPaths(ChangedPaths.of(updateDescription, post, pre));
    if (removed.inexpressible() || changed.inexpressible()) {
      // A top-level field name no dotted path can name: the whole document replaces Ditto's.
      return MappingResult.of(upsert(post, newId, removed.paths(), true, time));
    }
    BsonDocument exact = withExactValues(post, updateDescription);
    // The values the update wrote cannot change an immutable _id: its id is the one derived above.
    Object id = exact == post || mapping.idMode() == IdMode.MATCH_IDS ? newId : ids.idOf(exact);
    return MappingResult.of(delta(exact, id, changed.paths(), removed.paths(), time));
  }

  /**
   * The document with the values the update itself wrote ({@code updatedFields}): with updateLookup
   * the full document is read later and may already hold a newer write (for example one the Ditto
   * -> MongoDB direction made since), which must not reach Ditto as this change.
   */
  private static BsonDocument withExactValues(BsonDocument post, BsonDocument updateDescription) {
    BsonDocument updated = documentOrNull(updateDescription, "updatedFields");
    if (updated == null || updated.isEmpty()) {
      return post;
    }
    BsonDocument disambiguated = documentOrNull(updateDescription, "disambiguatedPaths");
    BsonDocument exact = post.clone();
    for (Map.Entry<String, BsonValue> e : updated.entrySet()) {
      FieldPath path =
          FieldPath.parse(e.getKey(), disambiguated == null ? null : disambiguated.get(e.getKey()));
      if (!path.throughArray(post)) {
        put(exact, path.segments(), e.getValue());
      }
    }
    return exact;
  }

  private static void put(BsonDocument doc, List<Object> segments, BsonValue value) {
    BsonDocument node = doc;
    for (int i = 0; i < segments.size() - 1; i++) {
      BsonValue child = node.get((String) segments.get(i));
      if (!(child instanceof BsonDocument d)) {
        return; // the document no longer has this shape: keep the looked-up value
      }
      node = d;
    }
    node.put((String) segments.get(segments.size() - 1), value);
  }

  private MappingResult delete(BsonDocument event, long time) {
    BsonDocument key = documentOrNull(event, "documentKey");
    BsonDocument pre = preImage(event);
    if (pre != null && !matches(pre)) {
      return MappingResult.nothing(); // it never reached Ditto
    }
    if (key != null && ids.hasIdFields(key)) {
      return MappingResult.of(
          DittoChange.delete(
              mapping.dittoCollection(),
              ids.idOf(key),
              time,
              DittoIds.sourceId(key.get(DittoIds.MONGO_ID))));
    }
    if (pre != null) {
      return MappingResult.of(
          DittoChange.delete(
              mapping.dittoCollection(),
              ids.idOf(pre),
              time,
              DittoIds.sourceId(pre.get(DittoIds.MONGO_ID))));
    }
    if (mapping.idMode() == IdMode.MATCH_IDS) {
      throw new MappingException("documentKey", "the delete event carries no documentKey._id");
    }
    throw new MappingException(
        String.join(",", ids.idFields()),
        "a delete under "
            + mapping.idMode().name().toLowerCase(java.util.Locale.ROOT)
            + " needs the pre-image to know the Ditto id, and the event has none: run "
            + preImagesCommand(mapping.mongoCollection())
            + " and open the change stream with fullDocumentBeforeChange=whenAvailable");
  }

  private MappingResult idChange(Object oldId, BsonDocument pre, BsonDocument post, long time) {
    List<DittoChange> changes = new ArrayList<>(2);
    if (matches(pre)) {
      changes.add(delete(oldId, post, time));
    }
    if (matches(post)) {
      changes.add(upsert(post, List.of(), true, time));
    }
    return new MappingResult(changes, null, true);
  }

  private MappingResult deleteOf(Object id, BsonDocument doc, long time) {
    return MappingResult.of(delete(id, doc, time));
  }

  private DittoChange delete(Object id, BsonDocument doc, long time) {
    return DittoChange.delete(
        mapping.dittoCollection(), id, time, DittoIds.sourceId(doc.get(DittoIds.MONGO_ID)));
  }

  /** Removed source paths as the sink sees them: rendered, then excluded or renamed. */
  private RemovedPaths.Rendered sinkPaths(List<FieldPath> paths) {
    RemovedPaths.Rendered rendered = RemovedPaths.render(paths);
    if (transforms.isEmpty()) {
      return rendered;
    }
    List<String> out = new ArrayList<>();
    for (String p : rendered.paths()) {
      String t = transforms.transformPath(p);
      if (t != null && !out.contains(t)) {
        out.add(t);
      }
    }
    return new RemovedPaths.Rendered(out, rendered.inexpressible());
  }

  private boolean matches(BsonDocument doc) {
    try {
      return filter.matches(doc);
    } catch (RuntimeException e) {
      throw new MappingException(null, "the collection filter could not be evaluated: " + e);
    }
  }

  private DittoChange delta(
      BsonDocument doc, List<String> changedPaths, List<String> unsetPaths, long time) {
    return delta(doc, ids.idOf(doc), changedPaths, unsetPaths, time);
  }

  private DittoChange delta(
      BsonDocument doc, Object id, List<String> changedPaths, List<String> unsetPaths, long time) {
    Map<String, Object> body = sizeChecked(body(doc, id));
    return DittoChange.delta(
        mapping.dittoCollection(),
        body.get(DittoIds.MONGO_ID),
        body,
        changedPaths,
        unsetPaths,
        time,
        DittoIds.sourceId(doc.get(DittoIds.MONGO_ID)));
  }

  private Map<String, Object> sizeChecked(Map<String, Object> body) {
    if (JsonSize.exceeds(body, sizeLimit.bytes())) {
      throw new MappingException(
          null,
          "the mapped document is "
              + JsonSize.of(body)
              + " bytes of JSON, above "
              + sizeLimit.reason());
    }
    return body;
  }

  private DittoChange upsert(
      BsonDocument doc, List<String> unsetPaths, boolean replace, long time) {
    return upsert(doc, ids.idOf(doc), unsetPaths, replace, time);
  }

  /** As above, with the Ditto id of {@code doc} already derived (not derived twice per event). */
  private DittoChange upsert(
      BsonDocument doc, Object id, List<String> unsetPaths, boolean replace, long time) {
    Map<String, Object> body = sizeChecked(body(doc, id));
    return DittoChange.upsert(
        mapping.dittoCollection(),
        body.get(DittoIds.MONGO_ID),
        body,
        unsetPaths,
        replace,
        time,
        DittoIds.sourceId(doc.get(DittoIds.MONGO_ID)));
  }

  /**
   * The Ditto document a MongoDB document maps to, whether or not it passes the filter: its Ditto
   * id, its fields transformed and converted. The Ditto -> MongoDB direction compares Ditto's
   * changes with it.
   *
   * @throws MappingException naming the field when the document cannot be mapped
   */
  public Map<String, Object> dittoDocument(BsonDocument doc) {
    return body(doc);
  }

  private Map<String, Object> body(BsonDocument source) {
    return body(source, ids.idOf(source));
  }

  private Map<String, Object> body(BsonDocument source, Object id) {
    BsonDocument doc = transforms.apply(source);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(DittoIds.MONGO_ID, id);
    boolean matchIds = mapping.idMode() == IdMode.MATCH_IDS;
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      String field = e.getKey();
      if (field.equals(DittoIds.MONGO_ID)) {
        continue; // already the Ditto id (match_ids), or kept below as mongo_id
      }
      if (!matchIds && mapping.keepMongoId() && field.equals(CollectionMapping.MONGO_ID_FIELD)) {
        throw new MappingException(
            field,
            "the document already has a field '"
                + field
                + "', where keepMongoId puts the Mongo _id");
      }
      Object v = converter.value(e.getValue(), field);
      if (v != BsonToDitto.OMITTED) {
        body.put(field, v);
      }
    }
    if (!matchIds && mapping.keepMongoId() && source.containsKey(DittoIds.MONGO_ID)) {
      Object v = converter.value(source.get(DittoIds.MONGO_ID), CollectionMapping.MONGO_ID_FIELD);
      if (v != BsonToDitto.OMITTED) {
        body.put(CollectionMapping.MONGO_ID_FIELD, v);
      }
    }
    return body;
  }

  /** Whether a MongoDB document belongs in Ditto (passes the collection's filter). */
  public boolean matchesFilter(BsonDocument doc) {
    return matches(doc);
  }

  private boolean touchesIdField(BsonDocument updateDescription) {
    if (updateDescription == null || mapping.idMode() == IdMode.MATCH_IDS) {
      return false; // the Mongo _id is immutable
    }
    BsonDocument disambiguated = documentOrNull(updateDescription, "disambiguatedPaths");
    List<String> changed = new ArrayList<>();
    BsonDocument updated = documentOrNull(updateDescription, "updatedFields");
    if (updated != null) {
      changed.addAll(updated.keySet());
    }
    BsonValue removed = updateDescription.get("removedFields");
    if (removed != null && removed.isArray()) {
      removed.asArray().forEach(v -> changed.add(v.asString().getValue()));
    }
    for (String dotted : changed) {
      FieldPath path =
          FieldPath.parse(dotted, disambiguated == null ? null : disambiguated.get(dotted));
      if (ids.idFields().contains(path.first())) {
        return true;
      }
    }
    return false;
  }

  private Object idOrNull(BsonDocument doc) {
    try {
      return ids.idOf(doc);
    } catch (MappingException e) {
      return null;
    }
  }

  private static BsonDocument requireFullDocument(BsonDocument event, String operation) {
    BsonDocument full = documentOrNull(event, "fullDocument");
    if (full == null) {
      throw new MappingException(
          "fullDocument", "the " + operation + " event carries no fullDocument");
    }
    return full;
  }

  private static BsonDocument preImage(BsonDocument event) {
    return documentOrNull(event, "fullDocumentBeforeChange");
  }

  private static BsonDocument documentOrNull(BsonDocument doc, String key) {
    BsonValue v = doc.get(key);
    return v != null && v.isDocument() ? v.asDocument() : null;
  }

  private static BsonValue mongoIdOf(BsonDocument event) {
    for (String key : List.of("documentKey", "fullDocument", "fullDocumentBeforeChange")) {
      BsonDocument d = documentOrNull(event, key);
      if (d != null && d.containsKey(DittoIds.MONGO_ID)) {
        return d.get(DittoIds.MONGO_ID);
      }
    }
    return null;
  }

  /** When the change was committed: wallTime, else clusterTime (seconds), else 0 (unknown). */
  static long sourceTimeMillis(BsonDocument event) {
    BsonValue wall = event.get("wallTime");
    if (wall != null && wall.isDateTime()) {
      return wall.asDateTime().getValue();
    }
    BsonValue cluster = event.get("clusterTime");
    if (cluster != null && cluster.isTimestamp()) {
      return Integer.toUnsignedLong(cluster.asTimestamp().getTime()) * 1000L;
    }
    return 0L;
  }

  private MappingError error(BsonValue mongoId, MappingException e) {
    return new MappingError(
        mapping.mongoCollection(), DittoIds.sourceId(mongoId), e.field(), e.reason());
  }
}
