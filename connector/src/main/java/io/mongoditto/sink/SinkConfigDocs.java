package io.mongoditto.sink;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Renders the sink's configuration reference (a Markdown table per group) from its {@link
 * ConfigDef}, so docs/sink-connector.md cannot drift: a test compares the two.
 */
public final class SinkConfigDocs {

  public static final String BEGIN = "<!-- BEGIN GENERATED CONFIG TABLE (SinkConfigDocs) -->";
  public static final String END = "<!-- END GENERATED CONFIG TABLE -->";

  private SinkConfigDocs() {}

  public static String markdown() {
    return markdown(DittoSinkConfig.CONFIG_DEF);
  }

  /** The table of any connector's ConfigDef (the Ditto -> MongoDB sink's too). */
  public static String markdown(ConfigDef def) {
    StringBuilder out = new StringBuilder();
    List<String> groups = def.groups();
    for (String group : groups) {
      if (def.configKeys().values().stream()
          .noneMatch(k -> group.equals(k.group) && !k.internalConfig)) {
        continue; // internal keys (set by the connector for its tasks) are not documented
      }
      out.append("\n#### ").append(group).append("\n\n");
      out.append("| Key | Type | Default | Valid values | Importance | Description |\n");
      out.append("|---|---|---|---|---|---|\n");
      for (ConfigDef.ConfigKey key : def.configKeys().values()) {
        if (!group.equals(key.group) || key.internalConfig) {
          continue;
        }
        out.append("| `")
            .append(key.name)
            .append("` | ")
            .append(key.type.name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ")
            .append(defaultText(key))
            .append(" | ")
            .append(key.validator == null ? "" : cell(key.validator.toString()))
            .append(" | ")
            .append(key.importance.name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ")
            .append(cell(key.documentation))
            .append(" |\n");
      }
    }
    return out.toString();
  }

  private static String defaultText(ConfigDef.ConfigKey key) {
    if (!key.hasDefault()) {
      return "(required)";
    }
    Object v = key.defaultValue;
    if (v instanceof Password) {
      return "(hidden)";
    }
    if (v instanceof List<?> l) {
      return l.isEmpty()
          ? "\"\""
          : "`" + String.join(",", l.stream().map(String::valueOf).toList()) + "`";
    }
    return "`" + v + "`";
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
  }

  public static void main(String[] args) {
    System.out.println(BEGIN);
    System.out.print(markdown());
    System.out.println(END);
  }
}
