package io.mongoditto.cli.config;

import io.mongoditto.config.CollectionsParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the MongoDB settings come from, lowest priority first: config files, the guide's
 * environment variables, then flags.
 */
public final class MongoOptions {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Connector config (JSON as sent to Kafka Connect's REST API, or .properties). "
              + "Repeat for several files; later ones win.")
  List<Path> configFiles = new ArrayList<>();

  @Option(
      names = "--mongodb-uri",
      paramLabel = "URI",
      description = "MongoDB connection string (env MONGODB_CONNECTION_STRING; never printed).")
  String uri;

  @Option(
      names = {"-d", "--database"},
      paramLabel = "NAME",
      description = "MongoDB database (env MONGODB_DATABASE).")
  String database;

  @Option(
      names = "--collections",
      split = ",",
      paramLabel = "NAME",
      description = "Collections to work on, comma separated (overrides the config's list).")
  List<String> collections;

  /** The merged settings: files, then the environment, then flags. */
  public Settings settings(Map<String, String> env) {
    Settings settings = Settings.empty();
    for (Path file : configFiles) {
      settings = settings.with(Settings.load(file).asMap());
    }
    settings = settings.resolveEnv(env).with(Keys.fromEnvironment(env));
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(Keys.MONGODB_URI, uri);
    flags.put(Keys.MONGODB_DATABASE, database);
    settings = settings.with(flags);
    if (collections != null) {
      // Only these collections: the settings of the config's other collections go too.
      settings =
          Settings.of(
              CollectionsParser.onlyCollections(
                  settings.asMap(), collections.stream().map(String::trim).toList()));
    }
    return settings;
  }

  public String mongodbUri(Settings settings) {
    return settings.require(
        Keys.MONGODB_URI,
        "give --mongodb-uri, set MONGODB_CONNECTION_STRING, or put it in --config");
  }

  public String databaseName(Settings settings) {
    return settings.require(
        Keys.MONGODB_DATABASE, "give --database, set MONGODB_DATABASE, or put it in --config");
  }
}
