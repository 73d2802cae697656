package io.mongoditto.config;

import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * How a connector reaches MongoDB: connection string, database, server selection timeout and TLS.
 * The ConfigDef group ({@link #define}) and the immutable value ({@link #from}), shared by the
 * MongoDB source and the Ditto -> MongoDB sink. Passwords stay {@link Password}s, so they never
 * print.
 */
public final class MongoConnectionConfig {

  public static final String GROUP = "Connection";

  public static final String MONGODB_URI = "mongodb.uri";
  public static final String MONGODB_DATABASE = "mongodb.database";
  public static final String SERVER_SELECTION_TIMEOUT_MS = "mongodb.server.selection.timeout.ms";
  public static final String TLS_ENABLED = "mongodb.tls.enabled";
  public static final String TLS_ALLOW_INVALID_HOSTNAMES = "mongodb.tls.allow.invalid.hostnames";
  public static final String TLS_TRUSTSTORE_PATH = "mongodb.tls.truststore.path";
  public static final String TLS_TRUSTSTORE_PASSWORD = "mongodb.tls.truststore.password";
  public static final String TLS_TRUSTSTORE_TYPE = "mongodb.tls.truststore.type";
  public static final String TLS_KEYSTORE_PATH = "mongodb.tls.keystore.path";
  public static final String TLS_KEYSTORE_PASSWORD = "mongodb.tls.keystore.password";
  public static final String TLS_KEYSTORE_TYPE = "mongodb.tls.keystore.type";

  /** TLS settings for the driver. */
  public record Tls(
      boolean enabled,
      boolean allowInvalidHostnames,
      String truststorePath,
      Password truststorePassword,
      String truststoreType,
      String keystorePath,
      Password keystorePassword,
      String keystoreType) {}

  private final Password uri;
  private final String database;
  private final int serverSelectionTimeoutMs;
  private final Tls tls;

  private MongoConnectionConfig(
      Password uri, String database, int serverSelectionTimeoutMs, Tls tls) {
    this.uri = uri;
    this.database = database;
    this.serverSelectionTimeoutMs = serverSelectionTimeoutMs;
    this.tls = tls;
  }

  /** The values of a config whose ConfigDef includes {@link #define this group}. */
  public static MongoConnectionConfig from(AbstractConfig c) {
    return new MongoConnectionConfig(
        c.getPassword(MONGODB_URI),
        c.getString(MONGODB_DATABASE),
        c.getInt(SERVER_SELECTION_TIMEOUT_MS),
        new Tls(
            c.getBoolean(TLS_ENABLED),
            c.getBoolean(TLS_ALLOW_INVALID_HOSTNAMES),
            c.getString(TLS_TRUSTSTORE_PATH),
            c.getPassword(TLS_TRUSTSTORE_PASSWORD),
            c.getString(TLS_TRUSTSTORE_TYPE),
            c.getString(TLS_KEYSTORE_PATH),
            c.getPassword(TLS_KEYSTORE_PASSWORD),
            c.getString(TLS_KEYSTORE_TYPE)));
  }

  public Password uri() {
    return uri;
  }

  public String database() {
    return database;
  }

  public int serverSelectionTimeoutMs() {
    return serverSelectionTimeoutMs;
  }

  public Tls tls() {
    return tls;
  }

  /** Adds the connection group ({@value #GROUP}) to {@code def}; returns {@code def}. */
  public static ConfigDef define(ConfigDef def) {
    int o = 0;
    def.define(
        MONGODB_URI,
        Type.PASSWORD,
        ConfigDef.NO_DEFAULT_VALUE,
        new NonBlankPassword(),
        Importance.HIGH,
        "MongoDB connection string (mongodb:// or mongodb+srv://), credentials included. Stored and"
            + " shown as a password and never logged. Keep it out of the connector config with a"
            + " Connect config provider, e.g. ${env:MONGODB_CONNECTION_STRING} or"
            + " ${file:/etc/secrets/mongo.properties:uri}.",
        GROUP,
        ++o,
        Width.LONG,
        "MongoDB URI");
    def.define(
        MONGODB_DATABASE,
        Type.STRING,
        ConfigDef.NO_DEFAULT_VALUE,
        new ConfigDef.NonEmptyStringWithoutControlChars(),
        Importance.HIGH,
        "The MongoDB database that holds the collections.",
        GROUP,
        ++o,
        Width.MEDIUM,
        "Database");
    def.define(
        SERVER_SELECTION_TIMEOUT_MS,
        Type.INT,
        30_000,
        ConfigDef.Range.atLeast(1),
        Importance.LOW,
        "How long the driver waits for a usable server before an operation fails (the task's own"
            + " setting; validation uses at most 5000 ms).",
        GROUP,
        ++o,
        Width.SHORT,
        "Server selection timeout (ms)");
    ConfigDef.Recommender tlsOnly = ConfigRecommenders.visibleWhen(TLS_ENABLED);
    def.define(
        TLS_ENABLED,
        Type.BOOLEAN,
        false,
        Importance.MEDIUM,
        "Use TLS. Also turned on by tls=true or mongodb+srv:// in the URI.",
        GROUP,
        ++o,
        Width.SHORT,
        "TLS",
        List.of(
            TLS_ALLOW_INVALID_HOSTNAMES,
            TLS_TRUSTSTORE_PATH,
            TLS_TRUSTSTORE_PASSWORD,
            TLS_TRUSTSTORE_TYPE,
            TLS_KEYSTORE_PATH,
            TLS_KEYSTORE_PASSWORD,
            TLS_KEYSTORE_TYPE));
    def.define(
        TLS_ALLOW_INVALID_HOSTNAMES,
        Type.BOOLEAN,
        false,
        Importance.LOW,
        "Accept a server certificate whose host name does not match (testing only).",
        GROUP,
        ++o,
        Width.SHORT,
        "TLS: allow invalid host names",
        List.of(),
        tlsOnly);
    def.define(
        TLS_TRUSTSTORE_PATH,
        Type.STRING,
        "",
        Importance.MEDIUM,
        "Trust store with the CA that signed the server certificate. Empty: the JVM's default trust"
            + " store.",
        GROUP,
        ++o,
        Width.LONG,
        "TLS: trust store path",
        List.of(),
        tlsOnly);
    def.define(
        TLS_TRUSTSTORE_PASSWORD,
        Type.PASSWORD,
        null,
        Importance.MEDIUM,
        "Password of the trust store.",
        GROUP,
        ++o,
        Width.MEDIUM,
        "TLS: trust store password",
        List.of(),
        tlsOnly);
    def.define(
        TLS_TRUSTSTORE_TYPE,
        Type.STRING,
        "PKCS12",
        ConfigDef.ValidString.in("PKCS12", "JKS"),
        Importance.LOW,
        "Trust store format.",
        GROUP,
        ++o,
        Width.SHORT,
        "TLS: trust store type",
        List.of(),
        ConfigRecommenders.visibleWhen(TLS_ENABLED, "PKCS12", "JKS"));
    def.define(
        TLS_KEYSTORE_PATH,
        Type.STRING,
        "",
        Importance.LOW,
        "Key store with the client certificate, for X.509 authentication. Empty: none.",
        GROUP,
        ++o,
        Width.LONG,
        "TLS: key store path",
        List.of(),
        tlsOnly);
    def.define(
        TLS_KEYSTORE_PASSWORD,
        Type.PASSWORD,
        null,
        Importance.LOW,
        "Password of the key store and its key.",
        GROUP,
        ++o,
        Width.MEDIUM,
        "TLS: key store password",
        List.of(),
        tlsOnly);
    def.define(
        TLS_KEYSTORE_TYPE,
        Type.STRING,
        "PKCS12",
        ConfigDef.ValidString.in("PKCS12", "JKS"),
        Importance.LOW,
        "Key store format.",
        GROUP,
        ++o,
        Width.SHORT,
        "TLS: key store type",
        List.of(),
        ConfigRecommenders.visibleWhen(TLS_ENABLED, "PKCS12", "JKS"));
    return def;
  }

  private static final class NonBlankPassword implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null
          || ((Password) value).value() == null
          || ((Password) value).value().isBlank()) {
        throw new ConfigException(name, "[hidden]", "must not be empty");
      }
    }

    @Override
    public String toString() {
      return "non-empty";
    }
  }
}
