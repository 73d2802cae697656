package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rewrites aggregation stages a real server accepts into forms mongo-java-server understands,
 * without changing their meaning: {@code $set} is {@code $addFields}, {@code $replaceWith: x} is
 * {@code $replaceRoot: {newRoot: x}}, and dotted keys in {@code $project} / {@code $addFields}
 * ({@code "ns.viewOn": "x"}) are the nested form ({@code ns: {viewOn: "x"}}).
 */
final class PipelineStages {

  private PipelineStages() {}

  static List<Document> translate(List<Document> stages) {
    List<Document> out = new ArrayList<>(stages.size());
    for (Document stage : stages) {
      out.add(translate(stage));
    }
    return out;
  }

  private static Document translate(Document stage) {
    if (stage.size() != 1) {
      return stage;
    }
    String name = stage.keySet().iterator().next();
    Object spec = stage.get(name);
    return switch (name) {
      case "$set", "$addFields" -> new Document("$addFields", nest(spec));
      case "$project" -> new Document("$project", nest(spec));
      case "$replaceWith" -> new Document("$replaceRoot", new Document("newRoot", spec));
      default -> stage;
    };
  }

  private static Object nest(Object spec) {
    if (!(spec instanceof Document doc)) {
      return spec;
    }
    Document out = new Document();
    for (Map.Entry<String, Object> e : doc.entrySet()) {
      String key = e.getKey();
      if (!key.contains(".") || key.startsWith("$")) {
        out.put(key, e.getValue());
        continue;
      }
      String[] parts = key.split("\\.");
      Document parent = out;
      for (int i = 0; i < parts.length - 1; i++) {
        Object existing = parent.get(parts[i]);
        Document child;
        if (existing instanceof Document d) {
          child = d;
        } else {
          child = new Document();
          parent.put(parts[i], child);
        }
        parent = child;
      }
      parent.put(parts[parts.length - 1], e.getValue());
    }
    return out;
  }
}
