package io.mongoditto.mapping;

import org.bson.BsonValue;

/**
 * BSON values to what a collection's Ditto documents hold: Ditto's JSON types ({@link BsonToDitto})
 * or canonical Extended JSON ({@link BsonToEjson}), per {@link ValueMode}.
 */
public interface ValueConverter {

  /**
   * Converts one value found at {@code path}.
   *
   * @return the Ditto value (String, Long, Double, Boolean, null, Map, List), or {@link
   *     BsonToDitto#OMITTED} when this mode leaves the type out (already counted)
   * @throws MappingException naming the path when the value cannot be carried at all
   */
  Object value(BsonValue value, String path);

  /** Whether this mode leaves a value of this type out of Ditto documents. */
  boolean omits(BsonValue value);

  /**
   * Whether Ditto stores the value as a map (an embedded document, or a type this mode writes as an
   * object such as {@code {"$numberLong": "7"}}): Ditto merges maps key by key, so a path whose new
   * value is such a map must be cleared first or the old keys survive beside the new ones.
   */
  boolean isMapInDitto(BsonValue value);

  static ValueConverter of(ValueMode mode, ConversionStats stats) {
    return mode == ValueMode.EJSON ? new BsonToEjson() : new BsonToDitto(stats);
  }
}
