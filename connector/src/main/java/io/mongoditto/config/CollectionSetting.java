package io.mongoditto.config;

import io.mongoditto.mapping.CollectionMapping;

/**
 * The settings of one collection, {@code collection.<name>.<setting>}: their key, documentation
 * (for {@code validate()} and the generated docs) and which connectors read them. Flat keys, so
 * they can be set through the REST API one by one.
 */
public enum CollectionSetting {
  ENABLED(
      "enabled", Direction.BOTH, "true (default) or false. A disabled collection is not synced."),
  DIRECTION(
      "direction",
      Direction.BOTH,
      "both (default), mongo_to_ditto or ditto_to_mongo. The MongoDB source streams only"
          + " collections whose direction includes mongo_to_ditto, the Ditto -> MongoDB sink writes"
          + " only those whose direction includes ditto_to_mongo."),
  ID_MODE(
      "id.mode",
      Direction.BOTH,
      "How the Ditto _id is derived: match_ids (default; Ditto _id = Mongo _id, which"
          + " must not be null, an array or an object), single_field (Ditto _id = the one top-level"
          + " field in id.fields) or multiple_fields (Ditto _id = an object of the top-level fields in"
          + " id.fields). single_field and multiple_fields need changeStreamPreAndPostImages on the"
          + " collection."),
  ID_FIELDS(
      "id.fields",
      Direction.BOTH,
      "Comma-separated top-level fields (not _id): exactly one for single_field,"
          + " two or more for multiple_fields, none for match_ids. The fields stay in the document"
          + " body; they must be present and never change."),
  ID_KEEP_MONGO_ID(
      "id.keep.mongo.id",
      Direction.BOTH,
      "false (default) or true: with single_field/multiple_fields, also copy the"
          + " Mongo _id into the Ditto document as field '"
          + CollectionMapping.MONGO_ID_FIELD
          + "'."),
  ID_MONGO_TYPE(
      "id.mongo.type",
      Direction.DITTO_TO_MONGO,
      "match_ids only: the BSON type of the MongoDB _id of a document written from Ditto: auto"
          + " (default: an existing document is found under every type its Ditto _id can stand for;"
          + " a new one gets an ObjectId for 24 hex digits, a UUID for a canonical UUID, Int32 or"
          + " Int64 by range for an integer, else a string), object_id, string, uuid, int32, int64 or"
          + " double. An error with single_field and multiple_fields, which give new MongoDB documents"
          + " ObjectId _ids."),
  MODE(
      "mode",
      Direction.BOTH,
      "How values are stored in Ditto, with the names of Ditto's own MongoDB connector: json"
          + " (default; Ditto's JSON types: dates and decimals as strings, some BSON types left out)"
          + " or ejson (every value, _id included, as MongoDB canonical Extended JSON, so every BSON"
          + " type comes back exactly)."),
  DITTO_COLLECTION(
      "ditto.collection",
      Direction.BOTH,
      "The Ditto collection name. Default: the MongoDB collection name. Two enabled"
          + " collections may share one only with snapshot.sweep=never."),
  TOPIC(
      "topic",
      Direction.MONGO_TO_DITTO,
      "The Kafka topic for this collection's changes. Default: <topic.prefix>.<collection>."),
  STARTUP_MODE(
      "startup.mode",
      Direction.MONGO_TO_DITTO,
      "Overrides the connector's startup.mode for this collection:"
          + " initial, latest, timestamp or snapshot_only."),
  FILTER(
      "filter",
      Direction.BOTH,
      "Only documents matching this MongoDB query (JSON) go to Ditto, e.g. {\"deleted\": false,"
          + " \"active\": true}. Applied to the snapshot (server-side find) and the stream (a document"
          + " that stops matching is deleted from Ditto, one that starts matching is upserted whole)."
          + " Evaluated on the stored document, before field transformations. Operators: $and, $or,"
          + " $nor, $not, $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists, $type, $regex/$options,"
          + " $mod, $all, $elemMatch, $size. Default: every document."),
  FIELDS_EXCLUDE(
      "fields.exclude",
      Direction.BOTH,
      "Comma-separated dotted paths left out of Ditto, e.g. internal_notes,audit.by"
          + " (through arrays: in every element)."),
  FIELDS_RENAME(
      "fields.rename",
      Direction.BOTH,
      "Comma-separated path:newName, e.g. cust_id:customer_ref,address.zip:postal (the"
          + " field keeps its place: address.postal)."),
  FIELDS_CONVERT(
      "fields.convert",
      Direction.BOTH,
      "Comma-separated path:conversion with toISOString, toString or toNumber, e.g."
          + " order_date:toISOString,total:toString,qty:toNumber. A value that cannot be converted"
          + " makes the document a bad document.");

  private final String key;
  private final Direction usedBy;
  private final String documentation;

  CollectionSetting(String key, Direction usedBy, String documentation) {
    this.key = key;
    this.usedBy = usedBy;
    this.documentation = documentation;
  }

  /** The setting's name after {@code collection.<name>.}. */
  public String key() {
    return key;
  }

  public String documentation() {
    return documentation;
  }

  /**
   * Which connectors read this setting: the source ({@link Direction#MONGO_TO_DITTO}), the Ditto ->
   * MongoDB sink ({@link Direction#DITTO_TO_MONGO}) or both.
   */
  public Direction usedBy() {
    return usedBy;
  }

  /** The full key for {@code collection}: {@code collection.<collection>.<setting>}. */
  public String keyFor(String collection) {
    return CollectionsParser.COLLECTION_PREFIX + collection + "." + key;
  }

  /** The setting named {@code key}, or null. */
  public static CollectionSetting of(String key) {
    for (CollectionSetting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }
}
