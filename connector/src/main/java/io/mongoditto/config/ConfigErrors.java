package io.mongoditto.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration problems by the exact key to fix, in the order found, so {@code validate()} shows
 * each one on its key and a start-up failure lists them all.
 */
public final class ConfigErrors {

  private final Map<String, List<String>> byKey = new LinkedHashMap<>();

  public void add(String key, String message) {
    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
  }

  public void addAll(Map<String, List<String>> more) {
    more.forEach((key, messages) -> messages.forEach(m -> add(key, m)));
  }

  public boolean isEmpty() {
    return byKey.isEmpty();
  }

  /** How many messages, over all keys. */
  public int count() {
    return byKey.values().stream().mapToInt(List::size).sum();
  }

  public boolean has(String key) {
    return byKey.containsKey(key);
  }

  /** A read-only copy: key to its messages. */
  public Map<String, List<String>> asMap() {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    byKey.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }

  /** One exception listing every problem as {@code key: message} under {@code title}. */
  public ConfigException toException(String title) {
    StringBuilder sb = new StringBuilder(title);
    byKey.forEach(
        (key, msgs) -> msgs.forEach(m -> sb.append("\n  ").append(key).append(": ").append(m)));
    return new ConfigException(sb.toString());
  }

  @Override
  public String toString() {
    return byKey.toString();
  }
}
