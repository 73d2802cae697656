package io.mongoditto.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A path into a MongoDB document as exact segments: a String is a field name (which may itself
 * contain dots), an Integer is an array index. MongoDB reports changed paths as dotted strings,
 * which are ambiguous when field names contain dots or are numeric; {@code disambiguatedPaths}
 * (MongoDB 6.1+, with {@code showExpandedEvents}) gives the exact segments.
 */
public record FieldPath(List<Object> segments) {

  public FieldPath {
    segments = List.copyOf(segments);
    for (Object s : segments) {
      if (!(s instanceof String) && !(s instanceof Integer)) {
        throw new IllegalArgumentException("a segment is a String or an Integer, not " + s);
      }
    }
  }

  public static FieldPath of(Object... segments) {
    return new FieldPath(List.of(segments));
  }

  /**
   * The path a change event reports as {@code dotted}. With its {@code disambiguatedPaths} entry
   * (an array of strings and integers) the segments are exact; without it the string is split on
   * dots, which is right unless a field name itself contains a dot.
   */
  static FieldPath parse(String dotted, BsonValue disambiguated) {
    List<Object> segments = new ArrayList<>();
    if (disambiguated instanceof BsonArray array) {
      for (BsonValue v : array) {
        if (v.isString()) {
          segments.add(v.asString().getValue());
        } else if (v.isNumber()) {
          segments.add(v.asNumber().intValue());
        } else {
          throw new MappingException(
              dotted, "disambiguatedPaths holds an unexpected " + v.getBsonType());
        }
      }
      return new FieldPath(segments);
    }
    for (String s : dotted.split("\\.", -1)) {
      segments.add(s);
    }
    return new FieldPath(segments);
  }

  public FieldPath child(Object segment) {
    List<Object> s = new ArrayList<>(segments);
    s.add(segment);
    return new FieldPath(s);
  }

  public String first() {
    return segments.isEmpty() ? null : Objects.toString(segments.get(0));
  }

  /**
   * Whether the path passes through an array (or names an array element) in {@code doc}: such a
   * path is never unset, because the whole array is set by the upsert (Ditto arrays are registers).
   */
  boolean throughArray(BsonDocument doc) {
    BsonValue current = doc;
    for (Object segment : segments) {
      if (segment instanceof Integer || current instanceof BsonArray) {
        return true;
      }
      if (!(current instanceof BsonDocument d)) {
        return false; // the rest of the path no longer exists in doc
      }
      current = d.get((String) segment);
      if (current == null) {
        return false;
      }
    }
    return false;
  }

  /**
   * This path up to the first array it meets in {@code doc}: the array field itself (Ditto arrays
   * are registers, so a change inside one is a change of the whole array), or the whole path.
   */
  FieldPath untilArray(BsonDocument doc) {
    List<Object> out = new ArrayList<>();
    BsonValue current = doc;
    for (Object segment : segments) {
      if (segment instanceof Integer || current instanceof BsonArray) {
        break;
      }
      out.add(segment);
      current = current instanceof BsonDocument d ? d.get((String) segment) : null;
      if (current instanceof BsonArray) {
        break;
      }
    }
    return new FieldPath(out);
  }

  /**
   * The dotted form handed to the sink, whose segments never contain a dot: this path itself when
   * every segment is a non-empty field name without dots; else its longest such prefix (unsetting
   * an ancestor is safe because the upsert then writes that ancestor's complete new value); null
   * when even the top-level field cannot be expressed.
   */
  String toSinkPath() {
    StringBuilder sb = new StringBuilder();
    for (Object segment : segments) {
      if (!(segment instanceof String s) || s.isEmpty() || s.indexOf('.') >= 0) {
        break;
      }
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(s);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Object segment : segments) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(segment);
    }
    return sb.toString();
  }
}
