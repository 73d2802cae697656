package io.mongoditto.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * A connector's effective configuration as one log-safe line: every key of its {@link ConfigDef}
 * with the given or default value, plus the keys outside it (per-collection settings, Connect's
 * own), sorted. Secrets never appear: PASSWORD keys and keys whose name says secret show {@value
 * #HIDDEN}, and credentials inside any URI are replaced as well (a URI that ended up in a
 * non-password key, or a config provider placeholder that was already resolved).
 */
public final class EffectiveConfig {

  public static final String HIDDEN = Password.HIDDEN;

  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(password|secret|api\\.key|apikey|token|credential|sasl\\.jaas).*");

  /** scheme://user:password@ or scheme://user@ (the user part of a URI). */
  private static final Pattern URI_USERINFO =
      Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s,]+@");

  private EffectiveConfig() {}

  /** {@code {key=value, ...}} with secrets masked. */
  public static String format(ConfigDef def, Map<String, String> props) {
    Map<String, String> out = new TreeMap<>();
    for (ConfigDef.ConfigKey key : def.configKeys().values()) {
      if (key.internalConfig && !props.containsKey(key.name)) {
        continue;
      }
      String raw =
          props.containsKey(key.name)
              ? props.get(key.name)
              : key.hasDefault() ? render(key.defaultValue) : null;
      out.put(
          key.name,
          key.type == ConfigDef.Type.PASSWORD
              ? (raw == null ? "null" : HIDDEN)
              : mask(key.name, raw));
    }
    props.forEach((k, v) -> out.putIfAbsent(k, mask(k, v)));
    return out.toString();
  }

  /** A value that is safe to log for a key outside any ConfigDef. */
  static String mask(String key, String value) {
    if (value == null) {
      return "null";
    }
    if (SECRET_NAME.matcher(key.toLowerCase(Locale.ROOT)).matches()) {
      return HIDDEN;
    }
    return URI_USERINFO.matcher(value).replaceAll("$1" + HIDDEN + "@");
  }

  private static String render(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof java.util.List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }
}
