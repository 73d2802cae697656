package io.mongoditto.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongoditto.cli.UserException;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.config.Direction;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Flat connector-style settings ({@code mongodb.uri}, {@code collection.orders.id.mode}, ...), the
 * same keys the Kafka Connect connectors take, so one config file serves Connect and the CLI.
 * Immutable; later layers override earlier ones (file, then environment, then flags).
 */
public final class Settings {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern ENV_PLACEHOLDER =
      java.util.regex.Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public static Settings empty() {
    return new Settings(Map.of());
  }

  public static Settings of(Map<String, String> values) {
    Map<String, String> copy = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (v != null) {
            copy.put(k, v);
          }
        });
    return new Settings(copy);
  }

  /**
   * Reads a connector config: a JSON file as sent to Connect's REST API (either {@code {"name":
   * ..., "config": {...}}} or the bare config object), or a {@code .properties} file.
   */
  public static Settings load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserException("config file not found: " + file);
    }
    try {
      String name = file.getFileName().toString().toLowerCase();
      return name.endsWith(".json") ? fromJson(Files.readString(file)) : fromProperties(file);
    } catch (IOException e) {
      throw new UserException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  static Settings fromJson(String json) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.isObject()) {
      throw new UserException("a JSON config must be an object");
    }
    JsonNode config =
        root.has("config") && root.get("config").isObject() ? root.get("config") : root;
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      values.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
    }
    return new Settings(values);
  }

  private static Settings fromProperties(Path file) throws IOException {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      props.load(in);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : props.stringPropertyNames()) {
      values.put(key, props.getProperty(key).trim());
    }
    return new Settings(values);
  }

  /** These settings with {@code overrides} on top; null or blank override values are ignored. */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(values);
    overrides.forEach(
        (k, v) -> {
          if (v != null && !v.isBlank()) {
            merged.put(k, v);
          }
        });
    return new Settings(merged);
  }

  /**
   * Resolves Kafka Connect's environment config provider placeholders ({@code ${env:NAME}}) so the
   * config file written for Connect works here too; a placeholder whose variable is unset makes the
   * setting absent.
   */
  public Settings resolveEnv(Map<String, String> env) {
    Map<String, String> resolved = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          java.util.regex.Matcher m = ENV_PLACEHOLDER.matcher(v);
          StringBuilder sb = new StringBuilder();
          boolean missing = false;
          while (m.find()) {
            String value = env.get(m.group(1));
            missing |= value == null;
            m.appendReplacement(
                sb, java.util.regex.Matcher.quoteReplacement(value == null ? "" : value));
          }
          m.appendTail(sb);
          if (!missing) {
            resolved.put(k, sb.toString());
          }
        });
    return new Settings(resolved);
  }

  public Settings with(String key, String value) {
    Map<String, String> one = new LinkedHashMap<>();
    one.put(key, value);
    return with(one);
  }

  public Optional<String> get(String key) {
    String v = values.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** The value, or a {@link UserException} saying how to provide it. */
  public String require(String key, String howToSet) {
    return get(key)
        .orElseThrow(() -> new UserException("missing setting " + key + ": " + howToSet));
  }

  public Map<String, String> asMap() {
    return values;
  }

  /**
   * Every listed collection, enabled or not, in configured order, read by the connectors' one
   * parser ({@link CollectionsParser}): a wrong value fails here as it would on Connect.
   *
   * @throws UserException listing every problem with its key
   */
  public List<CollectionConfig> collections() {
    CollectionsParser.Parsed parsed = CollectionsParser.parse(values);
    if (!parsed.ok()) {
      StringBuilder sb = new StringBuilder("the collections config is invalid:");
      parsed
          .errors()
          .forEach(
              (key, messages) ->
                  messages.forEach(m -> sb.append("\n  ").append(key).append(": ").append(m)));
      throw new UserException(sb.toString());
    }
    return parsed.collections();
  }

  /** The collections synced from MongoDB to Ditto: what the embedded runner and verify work on. */
  public List<CollectionConfig> collectionsSyncedToDitto() {
    return collections().stream().filter(c -> c.syncs(Direction.MONGO_TO_DITTO)).toList();
  }

  @Override
  public String toString() {
    // Never print secrets: the keys only.
    return "Settings" + values.keySet();
  }
}
