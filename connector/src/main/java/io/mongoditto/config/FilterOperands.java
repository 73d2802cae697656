package io.mongoditto.config;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Checks the operands MongoDB parses only when it evaluates a filter against a document that has
 * the field: a {@code $regex} (and its {@code $options}) and a {@code $type} alias. On an empty
 * collection the server's own check passes, and later the snapshot or the stream fails with the
 * server's raw text; checked here, the error is ours and lands on the filter's key.
 */
final class FilterOperands {

  /** The aliases of MongoDB's {@code $type} operator (case-sensitive). */
  private static final Set<String> TYPE_ALIASES =
      Set.of(
          "double",
          "string",
          "object",
          "array",
          "binData",
          "undefined",
          "objectId",
          "bool",
          "date",
          "null",
          "regex",
          "dbPointer",
          "javascript",
          "symbol",
          "javascriptWithScope",
          "int",
          "timestamp",
          "long",
          "decimal",
          "minKey",
          "maxKey",
          "number");

  private static final Set<Integer> TYPE_NUMBERS =
      Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, -1, 127);

  private static final String REGEX_OPTIONS = "imxsu";

  private FilterOperands() {}

  /** What is wrong, naming the field, or null. */
  static String problem(BsonDocument query) {
    return query(query, "");
  }

  private static String query(BsonDocument query, String at) {
    for (Map.Entry<String, BsonValue> e : query.entrySet()) {
      String key = e.getKey();
      String problem;
      if (key.startsWith("$")) {
        problem = null;
        if (e.getValue().isArray()) {
          for (BsonValue part : e.getValue().asArray()) {
            problem = part.isDocument() ? query(part.asDocument(), at) : null;
            if (problem != null) {
              break;
            }
          }
        }
      } else {
        problem = condition(e.getValue(), at.isEmpty() ? key : at + "." + key);
      }
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** A field's condition: a value (a regex value is a pattern match) or an operator object. */
  private static String condition(BsonValue condition, String field) {
    if (condition.isRegularExpression()) {
      return regex(
          condition.asRegularExpression().getPattern(),
          condition.asRegularExpression().getOptions(),
          field);
    }
    if (!condition.isDocument()) {
      return null;
    }
    BsonDocument ops = condition.asDocument();
    if (ops.isEmpty() || !ops.getFirstKey().startsWith("$")) {
      return null; // equality with an embedded document
    }
    String options = null;
    if (ops.containsKey("$options")) {
      BsonValue o = ops.get("$options");
      if (!o.isString()) {
        return "the $options of field '" + field + "' must be a string of regex flags";
      }
      options = o.asString().getValue();
    }
    for (Map.Entry<String, BsonValue> op : ops.entrySet()) {
      BsonValue arg = op.getValue();
      String problem =
          switch (op.getKey()) {
            case "$regex" -> regexOperand(arg, options, field);
            case "$options" -> ops.containsKey("$regex") ? null : optionsWithoutRegex(field);
            case "$type" -> type(arg, field);
            case "$not" -> condition(arg, field);
            case "$in", "$nin", "$all" -> elements(arg, field);
            case "$elemMatch" -> elemMatch(arg, field);
            default -> null;
          };
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static String regexOperand(BsonValue arg, String options, String field) {
    if (arg.isString()) {
      return regex(arg.asString().getValue(), options == null ? "" : options, field);
    }
    if (arg.isRegularExpression()) {
      String own = arg.asRegularExpression().getOptions();
      return regex(
          arg.asRegularExpression().getPattern(), options == null ? own : options + own, field);
    }
    return "the $regex of field '" + field + "' must be a string";
  }

  private static String optionsWithoutRegex(String field) {
    return "field '" + field + "' has $options without $regex";
  }

  private static String regex(String pattern, String options, String field) {
    for (int i = 0; i < options.length(); i++) {
      char c = options.charAt(i);
      if (REGEX_OPTIONS.indexOf(c) < 0) {
        return "the regular expression of field '"
            + field
            + "' has the unknown option '"
            + c
            + "' (options: i, m, x, s, u)";
      }
    }
    try {
      Pattern.compile(pattern, flags(options));
      return null;
    } catch (PatternSyntaxException e) {
      return "the regular expression of field '"
          + field
          + "' is not valid: "
          + e.getDescription()
          + (e.getIndex() >= 0 ? " at position " + e.getIndex() : "")
          + " in /"
          + pattern
          + "/";
    }
  }

  private static int flags(String options) {
    int flags = 0;
    for (int i = 0; i < options.length(); i++) {
      flags |=
          switch (options.charAt(i)) {
            case 'i' -> Pattern.CASE_INSENSITIVE;
            case 'm' -> Pattern.MULTILINE;
            case 'x' -> Pattern.COMMENTS;
            case 's' -> Pattern.DOTALL;
            default -> Pattern.UNICODE_CASE;
          };
    }
    return flags;
  }

  private static String type(BsonValue arg, String field) {
    if (arg.isArray()) {
      for (BsonValue v : arg.asArray()) {
        String problem = type(v, field);
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    if (arg.isString() && TYPE_ALIASES.contains(arg.asString().getValue())) {
      return null;
    }
    if (arg.isNumber()) {
      double d = arg.asNumber().doubleValue();
      if (d == Math.rint(d) && TYPE_NUMBERS.contains((int) d)) {
        return null;
      }
    }
    return "the $type of field '"
        + field
        + "' is "
        + (arg.isString() ? "'" + arg.asString().getValue() + "'" : arg.toString())
        + ", not a BSON type MongoDB knows; use an alias such as string, int, long, double,"
        + " decimal, number, bool, date, objectId, object, array, null (case matters) or a type"
        + " number";
  }

  private static String elements(BsonValue arg, String field) {
    if (!arg.isArray()) {
      return null; // QueryFilter reports it
    }
    for (BsonValue v : arg.asArray()) {
      String problem = v.isRegularExpression() ? condition(v, field) : null;
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static String elemMatch(BsonValue arg, String field) {
    if (!arg.isDocument()) {
      return null;
    }
    BsonDocument inner = arg.asDocument();
    if (!inner.isEmpty()
        && inner.getFirstKey().startsWith("$")
        && !Set.of("$and", "$or", "$nor").contains(inner.getFirstKey())) {
      return condition(inner, field);
    }
    return query(inner, field);
  }
}
