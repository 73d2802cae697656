package io.mongoditto.mapping;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The paths the sink must remove from a Ditto document before upserting an update's new state,
 * because Ditto upserts merge maps and never remove fields:
 *
 * <ul>
 *   <li>every {@code removedFields} path ({@code $unset});
 *   <li>every {@code updatedFields} path whose new value is an embedded document (a {@code $set} of
 *       a whole sub-object must not merge with the old one) or a value Ditto's JSON mode leaves out
 *       (the old value must not survive);
 *   <li>with a pre-image, every path present before and gone after, and every map that became
 *       something else (maps recurse; arrays and scalars are leaves).
 * </ul>
 *
 * <p>Why an object that became an array or a scalar must be cleared (seen on the Ditto engine
 * 5.1.0): upserting {@code n: 5} over {@code n: {p: 1}} shows {@code n: 5}, but the old map keys
 * survive underneath and come back when {@code n} becomes an object again ({@code {p: 1, r: 1}}),
 * even if {@code n} is unset while it holds the scalar. Unsetting {@code n} while it still holds
 * the map clears them. Without a pre-image such a change is invisible (only the new value is
 * reported), which docs/mapping.md lists as a limitation.
 *
 * <p>Paths through an array of the new document are dropped (the upsert sets arrays whole); paths
 * covered by an ancestor in the set are dropped; the Mongo {@code _id} never changes.
 */
final class RemovedPaths {

  private RemovedPaths() {}

  /**
   * @param updateDescription the event's updateDescription, or null
   * @param post the new document (fullDocument)
   * @param pre the pre-image (fullDocumentBeforeChange), or null
   * @param converter the collection's value mode, which decides what Ditto holds as a map
   */
  static List<FieldPath> of(
      BsonDocument updateDescription,
      BsonDocument post,
      BsonDocument pre,
      ValueConverter converter) {
    Set<FieldPath> paths = new LinkedHashSet<>();
    if (updateDescription != null) {
      BsonDocument disambiguated = documentOrEmpty(updateDescription, "disambiguatedPaths");
      BsonValue removed = updateDescription.get("removedFields");
      if (removed != null && removed.isArray()) {
        for (BsonValue r : removed.asArray()) {
          String dotted = r.asString().getValue();
          paths.add(FieldPath.parse(dotted, disambiguated.get(dotted)));
        }
      }
      for (Map.Entry<String, BsonValue> e :
          documentOrEmpty(updateDescription, "updatedFields").entrySet()) {
        BsonValue v = e.getValue();
        if (converter.isMapInDitto(v) || converter.omits(v)) {
          paths.add(FieldPath.parse(e.getKey(), disambiguated.get(e.getKey())));
        }
      }
    }
    if (pre != null) {
      diff(pre, post, FieldPath.of(), paths, converter);
    }
    List<FieldPath> kept = new ArrayList<>();
    for (FieldPath p : paths) {
      if (!p.segments().isEmpty()
          && !DittoIds.MONGO_ID.equals(p.first())
          && !p.throughArray(post)) {
        kept.add(p);
      }
    }
    return kept;
  }

  /** Renders paths for the sink (see {@link FieldPath#toSinkPath()}), dropping covered ones. */
  static Rendered render(List<FieldPath> paths) {
    Set<String> rendered = new LinkedHashSet<>();
    boolean inexpressible = false;
    for (FieldPath p : paths) {
      String s = p.toSinkPath();
      if (s == null) {
        inexpressible = true;
      } else {
        rendered.add(s);
      }
    }
    List<String> out = new ArrayList<>();
    for (String s : rendered) {
      if (!coveredByAncestor(s, rendered)) {
        out.add(s);
      }
    }
    return new Rendered(out, inexpressible);
  }

  /**
   * @param paths dotted paths without dots inside segments
   * @param inexpressible some removed top-level field name contains a dot or is empty: the sink
   *     cannot address it, so the change must be applied as a replace
   */
  record Rendered(List<String> paths, boolean inexpressible) {}

  private static boolean coveredByAncestor(String path, Set<String> all) {
    int dot = path.lastIndexOf('.');
    while (dot > 0) {
      if (all.contains(path.substring(0, dot))) {
        return true;
      }
      dot = path.lastIndexOf('.', dot - 1);
    }
    return false;
  }

  private static void diff(
      BsonDocument pre,
      BsonDocument post,
      FieldPath at,
      Set<FieldPath> out,
      ValueConverter converter) {
    for (Map.Entry<String, BsonValue> e : pre.entrySet()) {
      FieldPath path = at.child(e.getKey());
      BsonValue before = e.getValue();
      BsonValue after = post.get(e.getKey());
      if (after == null) {
        out.add(path);
      } else if (before.isDocument()) {
        if (after.isDocument()) {
          diff(before.asDocument(), after.asDocument(), path, out, converter);
        } else {
          out.add(path);
        }
      } else if (converter.omits(after) && !converter.omits(before)) {
        out.add(path);
      } else if (converter.isMapInDitto(before) && !before.equals(after)) {
        out.add(path); // e.g. {"$numberInt": ...} becoming {"$numberLong": ...} in ejson mode
      }
    }
  }

  private static BsonDocument documentOrEmpty(BsonDocument doc, String key) {
    BsonValue v = doc.get(key);
    return v != null && v.isDocument() ? v.asDocument() : new BsonDocument();
  }
}
