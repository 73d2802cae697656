package io.mongoditto.cli;

import io.mongoditto.cli.config.MongoOptions;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.config.CollectionConfig;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the commands. */
final class Commands {

  private Commands() {}

  /** The MongoDB deployment, database and collections a command works on. */
  record MongoTarget(
      Settings settings, String uri, String database, List<CollectionConfig> collections) {

    /**
     * From the command's options and config file; a message saying how to fix them when incomplete.
     */
    static MongoTarget of(MongoOptions mongo, Map<String, String> env) {
      Settings settings = mongo.settings(env);
      return new MongoTarget(
          settings,
          mongo.mongodbUri(settings),
          mongo.databaseName(settings),
          requireCollections(settings));
    }
  }

  /** The enabled collections of the config, or a message saying how to list them. */
  static List<CollectionConfig> requireCollections(Settings settings) {
    List<CollectionConfig> all = settings.collections();
    if (all.isEmpty()) {
      throw new UserException(
          "no collections configured: give --collections a,b,c or a --config with a `collections` list"
              + " (e.g. config/zava-retail-source.json)");
    }
    return all;
  }
}
