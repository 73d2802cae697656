package io.mongoditto.source;

import io.mongoditto.config.CollectionSetting;
import io.mongoditto.config.Direction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Renders the source connector's configuration reference as Markdown from {@link
 * MongoSourceConfigDef#CONFIG_DEF} and the per-collection settings, so the docs cannot drift from
 * the code. {@code main(path)} writes it; a test fails when the committed file is stale.
 */
public final class SourceConfigDocs {

  private SourceConfigDocs() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/source-config.md");
    Files.writeString(out, markdown(), StandardCharsets.UTF_8);
  }

  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# MongoDB source connector: configuration reference\n\n");
    md.append(
        "<!-- Generated from MongoSourceConfigDef.CONFIG_DEF by io.mongoditto.source.SourceConfigDocs;"
            + " do not edit by hand. SourceConfigDocsTest fails when this file is stale; regenerate with"
            + " mvn -pl connector test -Dtest=SourceConfigDocsTest -Dsource.docs.regenerate=true -->\n\n");
    md.append("Connector class: `").append(MongoSourceConnector.class.getName()).append("`. ");
    md.append(
        "See [source-connector.md](source-connector.md) for how it behaves and how to run it.\n\n");
    Map<String, List<ConfigDef.ConfigKey>> byGroup = new LinkedHashMap<>();
    for (String group : MongoSourceConfigDef.CONFIG_DEF.groups()) {
      byGroup.put(group, new ArrayList<>());
    }
    for (ConfigDef.ConfigKey key : MongoSourceConfigDef.CONFIG_DEF.configKeys().values()) {
      if (key.internalConfig || key.group == null) {
        continue;
      }
      byGroup.computeIfAbsent(key.group, g -> new ArrayList<>()).add(key);
    }
    for (Map.Entry<String, List<ConfigDef.ConfigKey>> group : byGroup.entrySet()) {
      md.append("## ").append(group.getKey()).append("\n\n");
      md.append("| Key | Type | Default | Valid values | Importance | Description |\n");
      md.append("|---|---|---|---|---|---|\n");
      group.getValue().sort((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup));
      for (ConfigDef.ConfigKey key : group.getValue()) {
        md.append("| `")
            .append(key.name)
            .append("` | ")
            .append(key.type.name().toLowerCase())
            .append(" | ")
            .append(defaultOf(key))
            .append(" | ")
            .append(key.validator == null ? "" : cell(key.validator.toString()))
            .append(" | ")
            .append(key.importance.name().toLowerCase())
            .append(" | ")
            .append(cell(key.documentation))
            .append(" |\n");
      }
      md.append('\n');
      if (group.getKey().equals(MongoSourceConfigDef.GROUP_COLLECTIONS)) {
        md.append("### Per-collection settings: `collection.<name>.<setting>`\n\n");
        md.append(
            "`<name>` is a collection listed in `collections`. A setting that is not below, or a"
                + " collection that is not listed, is reported as an error on that key. The same"
                + " keys configure the Ditto -> MongoDB sink and the CLI; \"Used by\" says which"
                + " connector reads a setting (\"source\": this connector).\n\n");
        md.append("| Setting | Used by | Description |\n|---|---|---|\n");
        for (CollectionSetting setting : CollectionSetting.values()) {
          md.append("| `")
              .append(setting.key())
              .append("` | ")
              .append(cell(usedBy(setting.usedBy())))
              .append(" | ")
              .append(cell(setting.documentation()))
              .append(" |\n");
        }
        md.append('\n');
      }
    }
    return md.toString();
  }

  private static String usedBy(Direction direction) {
    return switch (direction) {
      case BOTH -> "source, Ditto -> MongoDB sink";
      case MONGO_TO_DITTO -> "source";
      case DITTO_TO_MONGO -> "Ditto -> MongoDB sink";
    };
  }

  private static String defaultOf(ConfigDef.ConfigKey key) {
    if (!key.hasDefault()) {
      return "(required)";
    }
    Object d = key.defaultValue;
    if (d == null || d instanceof Password) {
      return "null";
    }
    if (d instanceof List<?> list) {
      return list.isEmpty()
          ? "\"\""
          : "`" + String.join(",", list.stream().map(String::valueOf).toList()) + "`";
    }
    String s = String.valueOf(d);
    return s.isEmpty() ? "\"\"" : "`" + s + "`";
  }

  private static String cell(String text) {
    return text == null
        ? ""
        : text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
  }
}
