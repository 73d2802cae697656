package io.mongoditto.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** Recommenders for ConfigDef keys: the values a UI offers, and when a key is shown at all. */
public final class ConfigRecommenders {

  private ConfigRecommenders() {}

  /** Offers {@code values}; always visible. */
  public static ConfigDef.Recommender values(Object... values) {
    List<Object> list = List.of(values);
    return new ConfigDef.Recommender() {
      @Override
      public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
        return list;
      }

      @Override
      public boolean visible(String name, Map<String, Object> parsedConfig) {
        return true;
      }
    };
  }

  /** Offers {@code values}; visible only while the boolean key {@code switchKey} is true. */
  public static ConfigDef.Recommender visibleWhen(String switchKey, Object... values) {
    List<Object> list = List.of(values);
    return new ConfigDef.Recommender() {
      @Override
      public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
        return list;
      }

      @Override
      public boolean visible(String name, Map<String, Object> parsedConfig) {
        return Boolean.TRUE.equals(parsedConfig.get(switchKey));
      }
    };
  }
}
