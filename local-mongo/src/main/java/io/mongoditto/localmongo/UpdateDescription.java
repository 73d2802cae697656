package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code updateDescription} of an update event. Paths are kept as component lists (a String for
 * a field name, an Integer for an array index) because MongoDB's {@code disambiguatedPaths} needs
 * to know which dotted components were array indexes.
 */
final class UpdateDescription {

  private final Map<List<Object>, Object> updatedFields = new LinkedHashMap<>();
  private final List<List<Object>> removedFields = new ArrayList<>();
  private final Map<List<Object>, Integer> truncatedArrays = new LinkedHashMap<>();

  void updated(List<Object> path, Object value) {
    updatedFields.put(List.copyOf(path), value);
  }

  void removed(List<Object> path) {
    removedFields.add(List.copyOf(path));
  }

  void truncated(List<Object> path, int newSize) {
    truncatedArrays.put(List.copyOf(path), newSize);
  }

  boolean isEmpty() {
    return updatedFields.isEmpty() && removedFields.isEmpty() && truncatedArrays.isEmpty();
  }

  /**
   * Renders it as the server does; {@code disambiguatedPaths} appears only with showExpandedEvents,
   * listing the paths whose dotted form is ambiguous (a numeric field name or a field name
   * containing a dot).
   */
  Document toDocument(boolean showExpandedEvents) {
    Document updated = new Document();
    updatedFields.forEach((path, value) -> updated.put(dotted(path), copy(value)));
    List<Object> removed = new ArrayList<>();
    removedFields.forEach(path -> removed.add(dotted(path)));
    List<Object> truncated = new ArrayList<>();
    truncatedArrays.forEach(
        (path, size) -> truncated.add(new Document("field", dotted(path)).append("newSize", size)));
    Document out =
        new Document("updatedFields", updated)
            .append("removedFields", removed)
            .append("truncatedArrays", truncated);
    if (showExpandedEvents) {
      Document disambiguated = new Document();
      List<List<Object>> all = new ArrayList<>(updatedFields.keySet());
      all.addAll(removedFields);
      all.addAll(truncatedArrays.keySet());
      for (List<Object> path : all) {
        if (isAmbiguous(path)) {
          disambiguated.put(dotted(path), new ArrayList<>(path));
        }
      }
      out.put("disambiguatedPaths", disambiguated);
    }
    return out;
  }

  private static boolean isAmbiguous(List<Object> path) {
    for (Object part : path) {
      if (part instanceof String s && (s.contains(".") || isNumeric(s))) {
        return true;
      }
    }
    return false;
  }

  static boolean isNumeric(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static String dotted(List<Object> path) {
    StringBuilder sb = new StringBuilder();
    for (Object part : path) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  private static Object copy(Object value) {
    if (value instanceof Document d) {
      return d.cloneDeeply();
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(copy(v)));
      return out;
    }
    return value;
  }
}
