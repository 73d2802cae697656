package io.mongoditto.connect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * A connector's {@code validate()} result being built: the ConfigDef's own findings first, then the
 * connectors' checks, each problem on the key to fix (a key the ConfigDef does not define, such as
 * a per-collection one, is added), so UIs and {@code PUT .../config/validate} show it there.
 */
public final class ConfigValidation {

  private final Map<String, ConfigValue> byName = new LinkedHashMap<>();

  /**
   * @param base what {@code Connector.validate} found with the ConfigDef
   */
  public ConfigValidation(Config base) {
    for (ConfigValue v : base.configValues()) {
      byName.put(v.name(), v);
    }
  }

  /** Whether the ConfigDef or a check reported a problem so far. */
  public boolean hasErrors() {
    return byName.values().stream().anyMatch(v -> !v.errorMessages().isEmpty());
  }

  /** Shows the value of {@code key} as {@code shown} gives it (e.g. with credentials redacted). */
  public void show(String key, UnaryOperator<String> shown) {
    ConfigValue v = byName.get(key);
    if (v != null && v.value() instanceof String s) {
      v.value(shown.apply(s));
    }
  }

  public void error(String key, String message) {
    // no value for a key the ConfigDef lacks: the worker merges its own definition of keys such as
    // "topics" (a list) with this result, and a raw string there fails its cast
    byName.computeIfAbsent(key, ConfigValue::new).addErrorMessage(message);
  }

  /** Every message of {@code errors}, each on its key. */
  public void errors(Map<String, List<String>> errors) {
    errors.forEach((key, messages) -> messages.forEach(m -> error(key, m)));
  }

  public Config result() {
    return new Config(new ArrayList<>(byName.values()));
  }
}
