package io.mongoditto.cli.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The connector config keys the CLI reads, and the environment variables of Ditto's MongoDB
 * connector setup guide that map onto them.
 */
public final class Keys {

  public static final String MONGODB_URI = "mongodb.uri";
  public static final String MONGODB_DATABASE = "mongodb.database";
  public static final String COLLECTIONS = "collections";
  public static final String TOPIC_PREFIX = "topic.prefix";

  public static final String DITTO_ENDPOINT = "ditto.endpoint";
  public static final String DITTO_API_KEY = "ditto.api.key";
  public static final String DITTO_APP_ID = "ditto.app.id";

  public static final String ENV_MONGODB_URI = "MONGODB_CONNECTION_STRING";
  public static final String ENV_MONGODB_DATABASE = "MONGODB_DATABASE";
  public static final String ENV_DITTO_APP_ID = "DITTO_APP_ID";
  public static final String ENV_DITTO_API_KEY = "DITTO_API_KEY";
  public static final String ENV_DITTO_ENDPOINT = "DITTO_CLOUD_ENDPOINT";

  private Keys() {}

  public static String collectionKey(String collection, String suffix) {
    return "collection." + collection + "." + suffix;
  }

  /**
   * The guide's environment variables, translated to config keys (absent ones left out), and the
   * Ditto CDC feed's ({@link CdcConsumerSettings#fromEnvironment}).
   */
  public static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    put(out, MONGODB_URI, env.get(ENV_MONGODB_URI));
    put(out, MONGODB_DATABASE, env.get(ENV_MONGODB_DATABASE));
    put(out, DITTO_ENDPOINT, env.get(ENV_DITTO_ENDPOINT));
    put(out, DITTO_API_KEY, env.get(ENV_DITTO_API_KEY));
    put(out, DITTO_APP_ID, env.get(ENV_DITTO_APP_ID));
    out.putAll(CdcConsumerSettings.fromEnvironment(env));
    return out;
  }

  private static void put(Map<String, String> out, String key, String value) {
    if (value != null && !value.isBlank()) {
      out.put(key, value);
    }
  }
}
