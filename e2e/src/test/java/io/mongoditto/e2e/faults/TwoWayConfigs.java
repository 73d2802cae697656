package io.mongoditto.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the two-way suites describe the Zava collections, the same whichever deployment runs them
 * (Connect's source and MongoDB sink, or the embedded runner's one config): customers with the
 * filter and excluded fields of {@code config/zava-retail-source-filtered.json}, {@link #EJSON} in
 * ejson mode, and the UUID {@code _id}s of inventory and order_items.
 */
final class TwoWayConfigs {

  /**
   * Synced in ejson mode both ways (as ConnectFaultSuiteIT.EJSON): MongoDB's hidden types go to
   * Ditto as Extended JSON, and devices' Extended JSON comes back as the exact BSON types.
   */
  static final Set<String> EJSON = Set.of("categories");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CUSTOMER_KEYS =
      List.of("collection.customers.filter", "collection.customers.fields.exclude");

  private TwoWayConfigs() {}

  /** A shipped config file ({@code config/<name>}), its {@code config} body if it has one. */
  static Map<String, String> read(String name) {
    try {
      JsonNode node =
          JSON.readTree(KafkaProcesses.projectRoot().resolve("config").resolve(name).toFile());
      JsonNode body = node.has("config") ? node.get("config") : node;
      Map<String, String> config = new LinkedHashMap<>();
      body.fields()
          .forEachRemaining(
              e ->
                  config.put(
                      e.getKey(),
                      e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
      config.remove("name");
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The customers filter and the ejson collections, into a config of either direction (one
   * description of a collection serves both).
   */
  static void describeCollections(Map<String, String> config) {
    Map<String, String> filtered = read("zava-retail-source-filtered.json");
    for (String key : CUSTOMER_KEYS) {
      config.put(key, filtered.get(key));
    }
    for (String c : EJSON) {
      config.put("collection." + c + ".mode", "ejson");
    }
  }

  /**
   * The MongoDB {@code _id} type of what the Ditto -> MongoDB direction creates: inventory and
   * order_items hold UUID _ids (a Ditto id that is no UUID is unmappable).
   */
  static void mongoIdTypes(Map<String, String> config) {
    config.put("collection.inventory.id.mongo.type", "uuid");
    config.put("collection.order_items.id.mongo.type", "uuid");
  }
}
