package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Reads MongoDB's change-streams spec tests (unified format) from the shared fixture directory
 * (they are not copied into the project) and turns their {@code expectResult} matchers into
 * concrete events: {@code $$exists: false} and unmatched {@code $$unsetOrMatches} drop the field;
 * {@code $$exists: true} and {@code $$type} take the value the test supplies for that path.
 */
final class SpecFixtures {

  private SpecFixtures() {}

  static Path dir() {
    String configured = System.getProperty("mongodb.spec.dir");
    Path dir =
        configured != null ? Path.of(configured) : Path.of("../../shared/fixtures/mongodb-spec");
    assumeTrue(
        Files.isDirectory(dir),
        "MongoDB spec fixtures not found at " + dir.toAbsolutePath() + " (set -Dmongodb.spec.dir)");
    return dir;
  }

  static BsonDocument test(String file, String description) {
    try {
      BsonDocument spec =
          BsonDocument.parse(Files.readString(dir().resolve(file), StandardCharsets.UTF_8));
      for (BsonValue t : spec.getArray("tests")) {
        if (t.asDocument().getString("description").getValue().equals(description)) {
          return t.asDocument();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read spec file " + file, e);
    }
    throw new IllegalArgumentException("no test '" + description + "' in " + file);
  }

  /** The n-th (0-based) expected change event of the test. */
  static BsonDocument expectedEvent(BsonDocument test, int n) {
    int seen = 0;
    for (BsonValue op : test.getArray("operations")) {
      BsonDocument o = op.asDocument();
      if (o.getString("name").getValue().startsWith("iterate") && o.containsKey("expectResult")) {
        if (seen++ == n) {
          return o.getDocument("expectResult");
        }
      }
    }
    throw new IllegalArgumentException("the test has fewer than " + (n + 1) + " expected events");
  }

  /** The argument document of the n-th (0-based) operation named {@code name}, e.g. insertOne. */
  static BsonDocument operationArgument(BsonDocument test, String name, String argument, int n) {
    int seen = 0;
    for (BsonValue op : test.getArray("operations")) {
      BsonDocument o = op.asDocument();
      if (o.getString("name").getValue().equals(name) && seen++ == n) {
        return o.getDocument("arguments").get(argument).asDocument();
      }
    }
    throw new IllegalArgumentException("no operation " + name + " #" + n);
  }

  /**
   * A concrete event from a matcher: each filler (dotted path to value) fills a {@code $$exists:
   * true}, {@code $$type} or {@code $$unsetOrMatches} at that path, or is added when the matcher
   * does not mention the path (fields the spec test does not check, such as documentKey).
   */
  static BsonDocument materialize(BsonDocument matcher, Map<String, BsonValue> fillers) {
    Set<String> used = new HashSet<>();
    BsonDocument event = materializeDocument(matcher, "", fillers, used);
    for (Map.Entry<String, BsonValue> f : fillers.entrySet()) {
      if (!used.contains(f.getKey())) {
        put(event, f.getKey(), f.getValue());
      }
    }
    return event;
  }

  private static BsonDocument materializeDocument(
      BsonDocument matcher, String path, Map<String, BsonValue> fillers, Set<String> used) {
    BsonDocument out = new BsonDocument();
    for (Map.Entry<String, BsonValue> e : matcher.entrySet()) {
      String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      BsonValue v = materializeValue(e.getValue(), p, fillers, used);
      if (v != null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private static BsonValue materializeValue(
      BsonValue matcher, String path, Map<String, BsonValue> fillers, Set<String> used) {
    if (matcher.isDocument()) {
      BsonDocument d = matcher.asDocument();
      String first = d.isEmpty() ? "" : d.getFirstKey();
      if (first.startsWith("$$")) {
        boolean required =
            first.equals("$$type") || (first.equals("$$exists") && d.getBoolean(first).getValue());
        if (fillers.containsKey(path)) {
          used.add(path);
          return fillers.get(path);
        }
        if (required) {
          throw new IllegalArgumentException(
              "the matcher needs a value at " + path + ": " + d.toJson());
        }
        return null; // $$exists: false, or $$unsetOrMatches left unset
      }
      return materializeDocument(d, path, fillers, used);
    }
    if (matcher.isArray()) {
      List<BsonValue> values = new ArrayList<>();
      int i = 0;
      for (BsonValue v : matcher.asArray()) {
        values.add(materializeValue(v, path + "." + i++, fillers, used));
      }
      return new BsonArray(values);
    }
    return matcher;
  }

  private static void put(BsonDocument doc, String dotted, BsonValue value) {
    String[] parts = dotted.split("\\.");
    BsonDocument current = doc;
    for (int i = 0; i < parts.length - 1; i++) {
      if (!current.containsKey(parts[i])) {
        current.put(parts[i], new BsonDocument());
      }
      current = current.getDocument(parts[i]);
    }
    current.put(parts[parts.length - 1], value);
  }
}
