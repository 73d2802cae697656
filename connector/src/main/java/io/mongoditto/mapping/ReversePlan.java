package io.mongoditto.mapping;

import java.util.List;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * What MongoDB must do for one change of a Ditto document (see {@link ReverseMapper}): insert,
 * update the changed paths, delete, or nothing, with what was decided on the way.
 *
 * @param action the write
 * @param document for INSERT the new document; for REPLACE the whole new document
 * @param set for UPDATE the dotted paths and their new values
 * @param unset for UPDATE the dotted paths to remove
 * @param mongoId the {@code _id} of the MongoDB document to update or delete (null for INSERT)
 * @param conflicts Ditto paths whose change was not applied because MongoDB holds a newer edit of
 *     them that has not reached Ditto yet (it will, and Ditto decides there)
 * @param refused Ditto paths a device changed that never go to MongoDB (excluded fields, id fields,
 *     metadata)
 * @param normalizations Ditto paths whose value MongoDB keeps in another form than Ditto holds (a
 *     date text without milliseconds kept as a Date): Ditto should hold the canonical form
 * @param reason why nothing is done, for logs and counts (null otherwise)
 */
public record ReversePlan(
    Action action,
    BsonDocument document,
    BsonDocument set,
    List<String> unset,
    BsonValue mongoId,
    List<String> conflicts,
    List<String> refused,
    List<Normalization> normalizations,
    String reason) {

  public enum Action {
    NOTHING,
    INSERT,
    UPDATE,
    REPLACE,
    DELETE
  }

  /**
   * Ditto should hold {@code canonical} at {@code path} where it holds {@code seen} (or, with
   * {@code seenAbsent}, where it holds nothing: an id field a device left out); with {@code unset},
   * nothing there (a field MongoDB's mapping never produces, e.g. an excluded one a device wrote).
   */
  public record Normalization(
      List<String> path,
      Object seen,
      boolean seenAbsent,
      Object canonical,
      boolean unset,
      Object writtenBy) {
    public Normalization(
        List<String> path, Object seen, boolean seenAbsent, Object canonical, boolean unset) {
      this(path, seen, seenAbsent, canonical, unset, null);
    }

    public Normalization(List<String> path, Object seen, Object canonical) {
      this(path, seen, false, canonical, false);
    }

    /**
     * This value given back only while Ditto's document still holds the Ditto sink's write {@code
     * token} (a sink write's correction): a later sink write carries MongoDB's newer state, and may
     * leave the same value at the path (a field both writes lack), so the value alone does not tell
     * that the correction is old.
     */
    public Normalization whileWrittenBy(Object token) {
      return new Normalization(path, seen, seenAbsent, canonical, unset, token);
    }

    public static Normalization remove(List<String> path, Object seen) {
      return new Normalization(path, seen, false, null, true);
    }

    /**
     * The whole document removed from Ditto, only while it holds the Ditto sink's write {@code
     * token} (its {@link #path} is empty): the sink re-created a document MongoDB no longer holds.
     */
    public static Normalization removeDocument(Object token) {
      return new Normalization(List.of(), token, false, null, true);
    }

    /** Whether this removes the whole document ({@link #removeDocument}). */
    public boolean wholeDocument() {
      return path.isEmpty();
    }

    /** {@code canonical} at {@code path} where Ditto holds nothing. */
    public static Normalization fill(List<String> path, Object canonical) {
      return new Normalization(path, null, true, canonical, false);
    }
  }

  public ReversePlan {
    Objects.requireNonNull(action, "action");
    unset = unset == null ? List.of() : List.copyOf(unset);
    conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
    refused = refused == null ? List.of() : List.copyOf(refused);
    normalizations = normalizations == null ? List.of() : List.copyOf(normalizations);
  }

  /** A plan that writes nothing to MongoDB, with why, and what to tell Ditto. */
  public static ReversePlan nothing(
      String reason,
      List<String> conflicts,
      List<String> refused,
      List<Normalization> normalizations) {
    return new ReversePlan(
        Action.NOTHING, null, null, null, null, conflicts, refused, normalizations, reason);
  }

  public boolean writes() {
    return action != Action.NOTHING;
  }
}
