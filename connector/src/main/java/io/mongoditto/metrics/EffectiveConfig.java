package io.mongoditto.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * A connector's effective configuration as one log-safe line: every key of its {@link ConfigDef}
 * with the given or default value, sorted, and only the names of the keys outside it. Secrets never
 * appear: PASSWORD keys and keys whose name says secret show {@value #HIDDEN}, credentials inside a
 * URI are replaced as well, and the value of a key the ConfigDef does not define is never shown (a
 * runner that hands one settings map to several connectors would otherwise log the other's secrets,
 * such as a MongoDB URI whose query string carries a certificate key password or an AWS session
 * token).
 */
public final class EffectiveConfig {

  public static final String HIDDEN = Password.HIDDEN;

  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(password|secret|api\\.key|apikey|token|credential|sasl\\.jaas).*");

  /** scheme://anything@ : the user part of a URI, however many {@code @} or {@code ,} it holds. */
  private static final Pattern URI_USERINFO =
      Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#\\s]*@");

  private EffectiveConfig() {}

  /** {@code {key=value, ...} (+ other keys: a, b)} with secrets masked. */
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
    TreeSet<String> others = new TreeSet<>(props.keySet());
    others.removeAll(def.configKeys().keySet());
    return others.isEmpty()
        ? out.toString()
        : out + " (+ " + others.size() + " other keys, values not shown: " + others + ")";
  }

  /** A value that is safe to log for a key of a ConfigDef that is not a PASSWORD. */
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
