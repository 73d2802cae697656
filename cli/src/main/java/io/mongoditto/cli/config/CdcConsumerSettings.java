package io.mongoditto.cli.config;

import io.mongoditto.cli.UserException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How the embedded runner reads Ditto's CDC topic (a Data Bridge): the {@code ditto.cdc.*} keys and
 * their environment variables. One consumer for both Ditto's cloud Kafka (SSL with the PKCS12 trust
 * and key stores the portal gives) and the local Ditto's broker (plain text): the keys only say
 * where and how to connect. A Connect worker reads the same topic with the same settings as {@code
 * consumer.override.<kafka key>} (config/ditto-to-mongodb.json); {@link #consumerProperties()}
 * gives exactly those Kafka keys.
 *
 * <p>Passwords are Kafka {@link Password}s: their {@code toString()} is {@code [hidden]}, and
 * {@link #describe()} and {@link #redacted()} never show them (nor any pass-through key Kafka types
 * as a password, e.g. {@code sasl.jaas.config}).
 */
public final class CdcConsumerSettings {

  public static final String PREFIX = "ditto.cdc.";
  public static final String BOOTSTRAP_SERVERS = PREFIX + "bootstrap.servers";
  public static final String TOPIC = PREFIX + "topic";
  public static final String SECURITY_PROTOCOL = PREFIX + "security.protocol";
  public static final String TRUSTSTORE_LOCATION = PREFIX + "ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = PREFIX + "ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = PREFIX + "ssl.truststore.type";
  public static final String KEYSTORE_LOCATION = PREFIX + "ssl.keystore.location";
  public static final String KEYSTORE_PASSWORD = PREFIX + "ssl.keystore.password";
  public static final String KEYSTORE_TYPE = PREFIX + "ssl.keystore.type";

  /** Any other Kafka consumer setting: {@code ditto.cdc.consumer.<consumer key>}. */
  public static final String CONSUMER_PREFIX = PREFIX + "consumer.";

  /** The keys with their own definition, in the order they are documented. */
  public static final List<String> KEYS =
      List.of(
          BOOTSTRAP_SERVERS,
          TOPIC,
          SECURITY_PROTOCOL,
          TRUSTSTORE_LOCATION,
          TRUSTSTORE_PASSWORD,
          TRUSTSTORE_TYPE,
          KEYSTORE_LOCATION,
          KEYSTORE_PASSWORD,
          KEYSTORE_TYPE);

  /** Ditto's portal hands out PKCS12 stores. */
  static final String DEFAULT_STORE_TYPE = "PKCS12";

  public static final ConfigDef CONFIG_DEF = build();

  private static final String HIDDEN = "[hidden]";
  private static final Map<String, ConfigDef.ConfigKey> CONSUMER_KEYS =
      ConsumerConfig.configDef().configKeys();

  private final AbstractConfig config;
  private final Map<String, String> passThrough;

  private CdcConsumerSettings(AbstractConfig config, Map<String, String> passThrough) {
    this.config = config;
    this.passThrough = Map.copyOf(passThrough);
  }

  private static ConfigDef build() {
    ConfigDef def = new ConfigDef();
    def.define(
        BOOTSTRAP_SERVERS,
        Type.LIST,
        Importance.HIGH,
        "Bootstrap servers of the Kafka cluster that holds Ditto's CDC topic (the Data Bridge's"
            + " host:port in Ditto's portal, or what `local-ditto` prints).");
    def.define(TOPIC, Type.STRING, Importance.HIGH, "Ditto's CDC topic (the Data Bridge's topic).");
    def.define(
        SECURITY_PROTOCOL,
        Type.STRING,
        null,
        ConfigDef.LambdaValidator.with(
            (name, value) -> {
              if (value != null) {
                ConfigDef.CaseInsensitiveValidString.in(
                        SecurityProtocol.names().toArray(new String[0]))
                    .ensureValid(name, value);
              }
            },
            () -> String.join(", ", SecurityProtocol.names())),
        Importance.MEDIUM,
        "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; default SSL when a trust or key store is"
            + " given (Ditto's cloud Kafka), else PLAINTEXT (the local Ditto's broker).");
    defineStore(def, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE, "trust");
    defineStore(def, KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE, "key");
    return def;
  }

  private static void defineStore(
      ConfigDef def, String location, String password, String type, String what) {
    def.define(
        location,
        Type.STRING,
        null,
        Importance.MEDIUM,
        "Path of the " + what + " store file Ditto's portal gives for the Data Bridge.");
    def.define(
        password, Type.PASSWORD, null, Importance.MEDIUM, "Password of the " + what + " store.");
    def.define(
        type,
        Type.STRING,
        DEFAULT_STORE_TYPE,
        Importance.LOW,
        "Type of the " + what + " store (default " + DEFAULT_STORE_TYPE + ").");
  }

  /**
   * The environment variables for these keys, in the style of {@link Keys#fromEnvironment}: {@code
   * DITTO_CDC_BOOTSTRAP_SERVERS}, {@code DITTO_CDC_TOPIC}, {@code
   * DITTO_CDC_SSL_TRUSTSTORE_PASSWORD}, ... (the key in capitals, {@code _} for {@code .}).
   */
  public static String environmentVariable(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** The set ones of {@link #KEYS}' environment variables, as config keys. */
  public static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : KEYS) {
      String value = env.get(environmentVariable(key));
      if (value != null && !value.isBlank()) {
        out.put(key, value);
      }
    }
    return out;
  }

  /** Whether the settings name a CDC feed at all (either of its two required keys). */
  public static boolean configured(Map<String, String> settings) {
    return present(settings, BOOTSTRAP_SERVERS) || present(settings, TOPIC);
  }

  /**
   * The CDC consumer settings, or empty when neither the bootstrap servers nor the topic is given.
   *
   * @throws UserException naming the key when one of the two is missing or a value is invalid
   */
  public static Optional<CdcConsumerSettings> from(Map<String, String> settings) {
    if (!configured(settings)) {
      return Optional.empty();
    }
    for (String key : List.of(BOOTSTRAP_SERVERS, TOPIC)) {
      if (!present(settings, key)) {
        throw new UserException(
            "missing setting "
                + key
                + ": Ditto's CDC feed needs both "
                + BOOTSTRAP_SERVERS
                + " and "
                + TOPIC
                + " (env "
                + environmentVariable(key)
                + ", or put it in --config)");
      }
    }
    Map<String, String> own = new LinkedHashMap<>();
    Map<String, String> passThrough = new TreeMap<>();
    settings.forEach(
        (k, v) -> {
          if (k.startsWith(CONSUMER_PREFIX) && v != null) {
            passThrough.put(k.substring(CONSUMER_PREFIX.length()), v);
          } else if (KEYS.contains(k) && v != null && !v.isBlank()) {
            own.put(k, v.trim());
          }
        });
    try {
      return Optional.of(new CdcConsumerSettings(new AbstractConfig(CONFIG_DEF, own), passThrough));
    } catch (ConfigException e) {
      // Kafka's message names the key; for a password it shows [hidden], never the value.
      throw new UserException("invalid Ditto CDC setting: " + e.getMessage(), e);
    }
  }

  private static boolean present(Map<String, String> settings, String key) {
    String v = settings.get(key);
    return v != null && !v.isBlank();
  }

  public String topic() {
    return config.getString(TOPIC);
  }

  public List<String> bootstrapServers() {
    return config.getList(BOOTSTRAP_SERVERS);
  }

  /** The effective security protocol (see {@link #SECURITY_PROTOCOL}). */
  public String securityProtocol() {
    String given = config.getString(SECURITY_PROTOCOL);
    if (given != null) {
      return given.toUpperCase(Locale.ROOT);
    }
    return config.getString(TRUSTSTORE_LOCATION) != null
            || config.getString(KEYSTORE_LOCATION) != null
        ? SecurityProtocol.SSL.name
        : SecurityProtocol.PLAINTEXT.name;
  }

  /**
   * The Kafka consumer's settings: the pass-through ones first, then this class's own keys on top
   * (a pass-through key cannot quietly undo the SSL settings). Passwords stay {@link Password}s,
   * which the consumer accepts as they are and logs as {@code [hidden]}.
   */
  public Map<String, Object> consumerProperties() {
    Map<String, Object> props = new LinkedHashMap<>();
    // The consumer takes a Password where it defines one, and then never shows it.
    passThrough.forEach((k, v) -> props.put(k, kafkaPassword(k) ? new Password(v) : v));
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers()));
    props.put("security.protocol", securityProtocol());
    putStore(props, "ssl.truststore", TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE);
    putStore(props, "ssl.keystore", KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "mongo-ditto-cdc");
    return props;
  }

  private void putStore(
      Map<String, Object> props,
      String kafkaPrefix,
      String location,
      String password,
      String type) {
    String path = config.getString(location);
    if (path == null) {
      return;
    }
    props.put(kafkaPrefix + ".location", path);
    props.put(kafkaPrefix + ".type", config.getString(type));
    Password secret = config.getPassword(password);
    if (secret != null) {
      props.put(kafkaPrefix + ".password", secret);
    }
  }

  /**
   * The consumer's settings with every secret shown as {@code [hidden]}: the own passwords and any
   * pass-through key Kafka types as a password (or whose name says it is one).
   */
  public Map<String, String> redacted() {
    Map<String, String> out = new TreeMap<>();
    consumerProperties().forEach((k, v) -> out.put(k, isSecret(k, v) ? HIDDEN : String.valueOf(v)));
    return out;
  }

  /** One line for people: where, which topic, how; no password. */
  public String describe() {
    StringBuilder sb =
        new StringBuilder("topic ")
            .append(topic())
            .append(" at ")
            .append(String.join(",", bootstrapServers()))
            .append(" (")
            .append(securityProtocol());
    if (config.getString(TRUSTSTORE_LOCATION) != null) {
      sb.append(", truststore ").append(config.getString(TRUSTSTORE_LOCATION));
    }
    if (config.getString(KEYSTORE_LOCATION) != null) {
      sb.append(", keystore ").append(config.getString(KEYSTORE_LOCATION));
    }
    return sb.append(')').toString();
  }

  private static boolean kafkaPassword(String consumerKey) {
    ConfigDef.ConfigKey defined = CONSUMER_KEYS.get(consumerKey);
    return defined != null && defined.type == Type.PASSWORD;
  }

  /** Whether a setting (a {@code ditto.cdc.*} key or a Kafka consumer key) holds a secret. */
  public static boolean isSecretKey(String key) {
    String kafkaKey =
        key.startsWith(CONSUMER_PREFIX)
            ? key.substring(CONSUMER_PREFIX.length())
            : key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
    if (kafkaPassword(kafkaKey)) {
      return true;
    }
    String lower = kafkaKey.toLowerCase(Locale.ROOT);
    return lower.contains("password") || lower.contains("secret") || lower.contains("jaas");
  }

  private static boolean isSecret(String key, Object value) {
    return value instanceof Password || isSecretKey(key);
  }

  @Override
  public String toString() {
    return "CdcConsumerSettings" + redacted();
  }
}
