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
 * @param mode how values are stored in Ditto (json or ejson)
 * @param mongoIdType under MATCH_IDS, the BSON type of MongoDB {@code _id}s made from Ditto ids
 */
public record CollectionMapping(
    String mongoCollection,
    String dittoCollection,
    IdMode idMode,
    List<String> idFields,
    boolean keepMongoId,
    ValueMode mode,
    MongoIdType mongoIdType) {

  /**
   * The Ditto document field that holds the Mongo {@code _id} when {@link #keepMongoId()} is set.
   */
  public static final String MONGO_ID_FIELD = "mongo_id";

  public CollectionMapping {
    Objects.requireNonNull(mongoCollection, "mongoCollection");
    Objects.requireNonNull(dittoCollection, "dittoCollection");
    Objects.requireNonNull(idMode, "idMode");
    idFields = idFields == null ? List.of() : List.copyOf(idFields);
    mode = mode == null ? ValueMode.JSON : mode;
    mongoIdType = mongoIdType == null ? MongoIdType.AUTO : mongoIdType;
  }

  /** A json-mode mapping whose MongoDB id type is found automatically. */
  public CollectionMapping(
      String mongoCollection,
      String dittoCollection,
      IdMode idMode,
      List<String> idFields,
      boolean keepMongoId) {
    this(mongoCollection, dittoCollection, idMode, idFields, keepMongoId, ValueMode.JSON, null);
  }

  public CollectionMapping withMode(ValueMode newMode) {
    return new CollectionMapping(
        mongoCollection, dittoCollection, idMode, idFields, keepMongoId, newMode, mongoIdType);
  }

  public CollectionMapping withMongoIdType(MongoIdType newType) {
    return new CollectionMapping(
        mongoCollection, dittoCollection, idMode, idFields, keepMongoId, mode, newType);
  }

  public static CollectionMapping matchIds(String collection) {
    return new CollectionMapping(collection, collection, IdMode.MATCH_IDS, List.of(), false);
  }

  public static CollectionMapping singleField(String collection, String field) {
    return new CollectionMapping(
        collection, collection, IdMode.SINGLE_FIELD, List.of(field), false);
  }

  public static CollectionMapping multipleFields(String collection, List<String> fields) {
    return new CollectionMapping(collection, collection, IdMode.MULTIPLE_FIELDS, fields, false);
  }

  /**
   * What is wrong with this mapping, for the connector's config validation, or null when it is
   * usable: SINGLE_FIELD needs exactly one field, MULTIPLE_FIELDS at least one, and id fields are
   * distinct, non-blank, top-level (no dots) and not {@code _id}.
   */
  public String problem() {
    if (idMode == IdMode.MATCH_IDS) {
      return null; // idFields are ignored
    }
    String modeName = idMode.name().toLowerCase(java.util.Locale.ROOT);
    if (mongoIdType != MongoIdType.AUTO) {
      return "the MongoDB _id type applies to match_ids only; "
          + modeName
          + " makes new MongoDB documents with ObjectId _ids";
    }
    if (idMode == IdMode.SINGLE_FIELD && idFields.size() != 1) {
      return modeName + " needs exactly one id field, got " + idFields;
    }
    if (idFields.isEmpty()) {
      return modeName + " needs at least one id field";
    }
    if (new java.util.HashSet<>(idFields).size() != idFields.size()) {
      return modeName + " lists an id field twice: " + idFields;
    }
    for (String f : idFields) {
      if (f == null || f.isBlank()) {
        return modeName + " has a blank id field";
      }
      if (f.equals("_id")) {
        return modeName + " cannot use _id as an id field (use match_ids)";
      }
      if (f.contains(".")) {
        return modeName + " id field '" + f + "' must be a top-level field (no dots)";
      }
    }
    return null;
  }

  /** Whether the Ditto id of a deleted document can only be known from a pre-image. */
  public boolean needsPreImages() {
    return idMode != IdMode.MATCH_IDS;
  }
}
