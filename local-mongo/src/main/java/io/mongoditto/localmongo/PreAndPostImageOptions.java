package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;

/** Parses the {@code changeStreamPreAndPostImages} option of {@code create} and {@code collMod}. */
final class PreAndPostImageOptions {

  static final String FIELD = "changeStreamPreAndPostImages";

  private PreAndPostImageOptions() {}

  /** Whether the option asks for images: {@code {enabled: <bool>}} is the only accepted form. */
  static boolean enabled(Object option) {
    if (!(option instanceof Document doc)) {
      throw new MongoServerError(
          14,
          "TypeMismatch",
          "BSON field '" + FIELD + "' is the wrong type, expected type 'object'");
    }
    Object enabled = doc.get("enabled");
    if (enabled == null) {
      throw new MongoServerError(
          40414,
          "Location40414",
          "BSON field '" + FIELD + ".enabled' is missing but a required field");
    }
    if (!(enabled instanceof Boolean b)) {
      throw new MongoServerError(
          14,
          "TypeMismatch",
          "BSON field '" + FIELD + ".enabled' is the wrong type, expected type 'bool'");
    }
    for (String key : doc.keySet()) {
      if (!key.equals("enabled")) {
        throw new MongoServerError(
            40415, "Location40415", "BSON field '" + FIELD + "." + key + "' is an unknown field.");
      }
    }
    return b;
  }

  /** How {@code listCollections} shows the option of a collection that has it. */
  static Document asListed() {
    return new Document("enabled", true);
  }
}
