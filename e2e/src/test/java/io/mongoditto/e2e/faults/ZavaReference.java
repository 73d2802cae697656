package io.mongoditto.e2e.faults;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.bson.BsonBoolean;

/**
 * The Zava collections as config/zava-retail-source.json maps them, written out by hand: the id
 * field of each single_field collection, match_ids for the others, product_embeddings disabled.
 * With {@link #FILTERED_CUSTOMERS} (config/zava-retail-source-filtered.json's keys for customers),
 * customers also carries its filter and excluded fields, as Java. A collection the config sets to
 * ejson mode is compared in that mode.
 */
final class ZavaReference {

  /** The customers filter this class implements (the filtered config's value, verbatim). */
  static final String FILTERED_CUSTOMERS = "{\"deleted\": false, \"active\": true}";

  /** The customers fields the filtered config excludes. */
  static final List<String> EXCLUDED_CUSTOMER_FIELDS = List.of("phone", "marketing_opt_in");

  private ZavaReference() {}

  /** Enabled collection -> its reference mapping, all in json mode. */
  static Map<String, ReferenceMapping> collections(boolean filteredCustomers) {
    return collections(filteredCustomers, Set.of());
  }

  /**
   * Enabled collection -> its reference mapping; product_embeddings is not synced; the collections
   * named in {@code ejson} run in ejson mode.
   */
  static Map<String, ReferenceMapping> collections(boolean filteredCustomers, Set<String> ejson) {
    Map<String, ReferenceMapping> m = jsonCollections(filteredCustomers);
    for (String name : ejson) {
      if (!m.containsKey(name)) {
        throw new IllegalArgumentException("ejson mode for a collection not synced: " + name);
      }
      m.put(name, m.get(name).inEjsonMode());
    }
    return m;
  }

  /** The collections whose mode the config sets to ejson (json mode is the default). */
  static Set<String> ejsonCollections(Map<String, String> config) {
    Set<String> ejson = new TreeSet<>();
    jsonCollections(false)
        .keySet()
        .forEach(
            name -> {
              if ("ejson".equals(config.get("collection." + name + ".mode"))) {
                ejson.add(name);
              }
            });
    return ejson;
  }

  private static Map<String, ReferenceMapping> jsonCollections(boolean filteredCustomers) {
    Map<String, ReferenceMapping> m = new LinkedHashMap<>();
    m.put("stores", ReferenceMapping.singleField("store_id"));
    ReferenceMapping customers = ReferenceMapping.singleField("customer_id");
    m.put(
        "customers",
        filteredCustomers
            ? customers.filtered(
                // {"deleted": false, "active": true}: both fields equal to those booleans
                d ->
                    Objects.equals(d.get("deleted"), BsonBoolean.FALSE)
                        && Objects.equals(d.get("active"), BsonBoolean.TRUE),
                EXCLUDED_CUSTOMER_FIELDS)
            : customers);
    m.put("categories", ReferenceMapping.matchIds());
    m.put("products", ReferenceMapping.singleField("product_id"));
    m.put("inventory", ReferenceMapping.matchIds());
    m.put("orders", ReferenceMapping.singleField("order_id"));
    m.put("order_items", ReferenceMapping.matchIds());
    return m;
  }

  static List<String> disabled() {
    return List.of("product_embeddings");
  }

  /**
   * What the source config says that the reference must agree with, or why it does not: a config
   * change the reference does not follow must fail the suite, not compare against stale rules.
   */
  static List<String> disagreements(
      Map<String, String> config, boolean filteredCustomers, Set<String> ejson) {
    Map<String, String> expected = new LinkedHashMap<>();
    collections(filteredCustomers, ejson)
        .forEach(
            (name, r) -> {
              String p = "collection." + name + ".";
              expected.put(p + "id.mode", r.idField() == null ? "match_ids" : "single_field");
              expected.put(p + "id.fields", r.idField());
              expected.put(p + "enabled", null);
              expected.put(p + "ditto.collection", null);
              expected.put(p + "mode", r.ejson() ? "ejson" : null);
              expected.put(p + "filter", null);
              expected.put(p + "fields.exclude", null);
              expected.put(p + "fields.rename", null);
              expected.put(p + "fields.convert", null);
            });
    if (filteredCustomers) {
      expected.put("collection.customers.filter", FILTERED_CUSTOMERS);
      expected.put(
          "collection.customers.fields.exclude", String.join(",", EXCLUDED_CUSTOMER_FIELDS));
    }
    for (String name : disabled()) {
      expected.put("collection." + name + ".enabled", "false");
    }
    return expected.entrySet().stream()
        .filter(e -> !Objects.equals(e.getValue(), config.get(e.getKey())))
        .map(e -> e.getKey() + ": config " + config.get(e.getKey()) + ", reference " + e.getValue())
        .toList();
  }
}
