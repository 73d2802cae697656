package io.mongoditto.mapping;

import java.util.List;
import java.util.Objects;

/**
 * How one MongoDB collection maps to one Ditto collection. Immutable; built from the connector
 * configuration, validated there.
 *
 * @param mongoCollection the MongoDB collection name
 * @param dittoCollection the Ditto collection name (defaults to the MongoDB name)
 * @param idMode how the Ditto {@code _id} is derived
 * @param idFields the top-level fields for SINGLE_FIELD (exactly one) and MULTIPLE_FIELDS (two or
 *     more); empty for MATCH_IDS
 * @param keepMongoId with SINGLE_FIELD / MULTIPLE_FIELDS, copy the Mongo {@code _id} into the Ditto
 *     document as field {@code mongo_id}; ignored for MATCH_IDS
 */
public record CollectionMapping(
    String mongoCollection,
    String dittoCollection,
    IdMode idMode,
    List<String> idFields,
    boolean keepMongoId) {

  /** The Ditto document field that holds the Mongo {@code _id} when {@link #keepMongoId()} is set. */
  public static final String MONGO_ID_FIELD = "mongo_id";

  public CollectionMapping {
    Objects.requireNonNull(mongoCollection, "mongoCollection");
    Objects.requireNonNull(dittoCollection, "dittoCollection");
    Objects.requireNonNull(idMode, "idMode");
    idFields = idFields == null ? List.of() : List.copyOf(idFields);
  }

  public static CollectionMapping matchIds(String collection) {
    return new CollectionMapping(collection, collection, IdMode.MATCH_IDS, List.of(), false);
  }

  public static CollectionMapping singleField(String collection, String field) {
    return new CollectionMapping(collection, collection, IdMode.SINGLE_FIELD, List.of(field), false);
  }

  public static CollectionMapping multipleFields(String collection, List<String> fields) {
    return new CollectionMapping(collection, collection, IdMode.MULTIPLE_FIELDS, fields, false);
  }

  /** Whether the Ditto id of a deleted document can only be known from a pre-image. */
  public boolean needsPreImages() {
    return idMode != IdMode.MATCH_IDS;
  }
}
