package io.mongoditto.mapping;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The paths whose values an update changed, so the sink writes only those into the Ditto document
 * and fields the update did not touch keep what Ditto holds (a device's concurrent edit of another
 * field survives): every {@code updatedFields} path (a path into an array stands for the whole
 * array: Ditto arrays are registers) and, with a pre-image, every path whose value differs between
 * pre-image and document (updates by pipeline do not always list them). Paths covered by an
 * ancestor in the set are dropped.
 */
final class ChangedPaths {

  private ChangedPaths() {}

  static List<FieldPath> of(BsonDocument updateDescription, BsonDocument post, BsonDocument pre) {
    Set<FieldPath> paths = new LinkedHashSet<>();
    if (updateDescription != null) {
      BsonValue disambiguatedValue = updateDescription.get("disambiguatedPaths");
      BsonDocument disambiguated =
          disambiguatedValue != null && disambiguatedValue.isDocument()
              ? disambiguatedValue.asDocument()
              : new BsonDocument();
      BsonValue updated = updateDescription.get("updatedFields");
      if (updated != null && updated.isDocument()) {
        for (String dotted : updated.asDocument().keySet()) {
          paths.add(FieldPath.parse(dotted, disambiguated.get(dotted)).untilArray(post));
        }
      }
    }
    if (pre != null) {
      diff(pre, post, FieldPath.of(), paths);
    }
    List<FieldPath> kept = new ArrayList<>();
    for (FieldPath p : paths) {
      if (!p.segments().isEmpty() && !DittoIds.MONGO_ID.equals(p.first())) {
        kept.add(p);
      }
    }
    return kept;
  }

  private static void diff(BsonDocument pre, BsonDocument post, FieldPath at, Set<FieldPath> out) {
    for (Map.Entry<String, BsonValue> e : post.entrySet()) {
      FieldPath path = at.child(e.getKey());
      BsonValue after = e.getValue();
      BsonValue before = pre.get(e.getKey());
      if (before != null && before.isDocument() && after.isDocument()) {
        diff(before.asDocument(), after.asDocument(), path, out);
      } else if (!after.equals(before)) {
        out.add(path);
      }
    }
  }
}
