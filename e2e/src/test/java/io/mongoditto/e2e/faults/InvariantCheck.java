package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.IdMode;
import io.mongoditto.mapping.MappingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bson.BsonDocument;

/**
 * The invariant of DESIGN.md, checked document by document and field by field: for every enabled
 * collection, the Ditto documents equal the MongoDB documents mapped with the connector config's
 * own {@link CollectionMapping} ({@link ChangeEventMapper#mapSnapshot}); a disabled collection is
 * absent from Ditto. Documents the mapper refuses are expected absent (they are the poison).
 */
final class InvariantCheck {

  /**
   * The outcome of one comparison; {@code examples} shows a few differences for the failure
   * message.
   */
  record Result(
      long checked,
      List<String> lost,
      List<String> stale,
      List<String> extra,
      List<String> unmappable,
      List<String> examples) {
    boolean clean() {
      return lost.isEmpty() && stale.isEmpty() && extra.isEmpty();
    }

    String summary() {
      return "documents checked "
          + checked
          + ", lost "
          + lost.size()
          + ", stale "
          + stale.size()
          + ", extra "
          + extra.size()
          + (examples.isEmpty() ? "" : "; e.g. " + examples);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Numbers by value (Ditto may answer 8 as 8.0); everything else exactly, recursively. */
  private static final Comparator<JsonNode> NUMERIC =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private final MongoDatabase db;
  private final LocalDittoClient ditto;
  private final Map<String, CollectionMapping> enabled = new LinkedHashMap<>();
  private final Map<String, ChangeEventMapper> mappers = new LinkedHashMap<>();
  private final List<String> disabled = new ArrayList<>();

  InvariantCheck(MongoDatabase db, LocalDittoClient ditto, Map<String, String> sourceConfig) {
    this.db = db;
    this.ditto = ditto;
    for (String name : sourceConfig.get("collections").split(",")) {
      String c = name.trim();
      String prefix = "collection." + c + ".";
      if ("false".equalsIgnoreCase(sourceConfig.getOrDefault(prefix + "enabled", "true"))) {
        disabled.add(c);
        continue;
      }
      IdMode mode =
          IdMode.valueOf(
              sourceConfig.getOrDefault(prefix + "id.mode", "match_ids").toUpperCase(Locale.ROOT));
      List<String> fields =
          Arrays.stream(sourceConfig.getOrDefault(prefix + "id.fields", "").split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .toList();
      enabled.put(
          c,
          new CollectionMapping(
              c,
              sourceConfig.getOrDefault(prefix + "ditto.collection", c),
              mode,
              fields,
              Boolean.parseBoolean(
                  sourceConfig.getOrDefault(prefix + "id.keep.mongo.id", "false"))));
    }
    // Mappers built and exercised now: other builds in the same tree may recompile
    // connector/target/classes while a long run goes on, and a class first loaded then is missing.
    BsonDocument probe =
        BsonDocument.parse("{\"_id\": \"warm-up\", \"a\": {\"b\": [1, 2.5, NaN]}}");
    enabled.forEach(
        (name, mapping) -> {
          ChangeEventMapper mapper = new ChangeEventMapper(mapping, new ConversionStats());
          mapper.mapSnapshot(probe, 0);
          mapper
              .mapSnapshot(BsonDocument.parse("{\"_id\": \"ok\", \"x\": 1}"), 0)
              .changes()
              .forEach(DittoChange::document);
          mappers.put(name, mapper);
        });
  }

  Result check() {
    long checked = 0;
    List<String> lost = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    List<String> unmappable = new ArrayList<>();
    List<String> examples = new ArrayList<>();
    for (CollectionMapping mapping : enabled.values()) {
      ChangeEventMapper mapper = mappers.get(mapping.mongoCollection());
      Map<String, JsonNode> expected = new TreeMap<>();
      for (BsonDocument doc :
          db.getCollection(mapping.mongoCollection(), BsonDocument.class).find()) {
        MappingResult r = mapper.mapSnapshot(doc, 0);
        if (r.failed()) {
          unmappable.add(
              mapping.mongoCollection() + "/" + tagOrId(doc) + ": " + r.error().reason());
          continue;
        }
        for (DittoChange change : r.changes()) {
          expected.put(String.valueOf(change.id()), JSON.valueToTree(change.document()));
        }
      }
      Map<String, JsonNode> actual = new TreeMap<>();
      ditto
          .selectById(mapping.dittoCollection())
          .forEach(
              (id, d) ->
                  actual.put(String.valueOf(id), JSON.valueToTree(DittoMetadata.without(d))));
      for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
        checked++;
        JsonNode got = actual.get(e.getKey());
        String where = mapping.dittoCollection() + "/" + e.getKey();
        if (got == null) {
          lost.add(where);
        } else if (!e.getValue().equals(NUMERIC, got)) {
          stale.add(where);
          if (examples.size() < 3) {
            examples.add(
                where + " expected " + abbreviate(e.getValue()) + " got " + abbreviate(got));
          }
        }
      }
      for (String id : actual.keySet()) {
        if (!expected.containsKey(id)) {
          extra.add(mapping.dittoCollection() + "/" + id);
        }
      }
    }
    for (String c : disabled) {
      ditto
          .selectById(c)
          .keySet()
          .forEach(id -> extra.add(c + "/" + id + " (disabled collection)"));
    }
    if (examples.size() < 3 && !lost.isEmpty()) {
      examples.add("lost " + lost.subList(0, Math.min(3, lost.size())));
    }
    if (examples.size() < 4 && !extra.isEmpty()) {
      examples.add("extra " + extra.subList(0, Math.min(3, extra.size())));
    }
    return new Result(checked, lost, stale, extra, unmappable, examples);
  }

  private static String tagOrId(BsonDocument doc) {
    return doc.containsKey(PoisonDocuments.TAG_FIELD)
        ? doc.getString(PoisonDocuments.TAG_FIELD).getValue()
        : String.valueOf(doc.get("_id"));
  }

  private static String abbreviate(JsonNode node) {
    String s = node.toString();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
