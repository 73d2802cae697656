package io.mongoditto.cli;

import io.mongoditto.cli.config.CollectionsConfig;
import io.mongoditto.cli.config.Settings;
import java.util.List;

/** Small helpers shared by the commands. */
final class Commands {

  private Commands() {}

  /** The enabled collections of the config, or a message saying how to list them. */
  static List<CollectionsConfig.Entry> requireCollections(Settings settings) {
    List<CollectionsConfig.Entry> all = CollectionsConfig.all(settings);
    if (all.isEmpty()) {
      throw new UserException(
          "no collections configured: give --collections a,b,c or a --config with a `collections` list"
              + " (e.g. config/zava-retail-source.json)");
    }
    return all;
  }
}
