package io.mongoditto.mapping;

import org.bson.BsonValue;

/**
 * The other way of {@link ValueConverter}: a Ditto value back to BSON, for the Ditto -> MongoDB
 * direction, per {@link ValueMode}. Guarantee both directions rest on: when the MongoDB value at
 * the same path ({@code hint}) maps to exactly the Ditto value, the hint itself comes back (no type
 * or precision is lost for anything Ditto did not change), and for every value the forward
 * conversion can produce, {@code forward(value(v, hint)) == v}.
 */
public interface DittoToBson {

  /**
   * @param dittoValue a Ditto value: String, Number, Boolean, null, Map or List
   * @param hint the MongoDB value now at the same path, or null for a new field
   * @param path for errors
   * @throws MappingException naming the path when the value has no BSON form
   */
  BsonValue value(Object dittoValue, BsonValue hint, String path);

  static DittoToBson of(ValueMode mode) {
    return mode == ValueMode.EJSON ? new EjsonToBson() : new JsonToBson();
  }
}
