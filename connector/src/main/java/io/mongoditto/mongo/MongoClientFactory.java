package io.mongoditto.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongoditto.config.MongoConnectionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Builds driver clients from a {@link MongoConnectionConfig}: URI, TLS material, timeouts. Never
 * prints the URI. Shared by the MongoDB source and the Ditto -> MongoDB sink.
 */
public final class MongoClientFactory {

  private MongoClientFactory() {}

  /**
   * Parses the connection string without letting the driver's message (which may quote it) escape.
   *
   * @throws ConfigException on {@code mongodb.uri} without its value
   */
  public static ConnectionString connectionString(Password uri) {
    try {
      return new ConnectionString(uri.value());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          MongoConnectionConfig.MONGODB_URI,
          "[hidden]",
          "not a valid MongoDB connection string (expected mongodb://user:password@host:port/?options"
              + " or mongodb+srv://...)");
    }
  }

  /**
   * A client of the configured deployment.
   *
   * @param appName the driver's application name (shown in the server's logs and currentOp), unless
   *     the connection string sets one
   * @param socketTimeoutMs 0 for none
   * @throws org.apache.kafka.common.config.ConfigException on a bad connection string or TLS store
   */
  public static MongoClient create(
      MongoConnectionConfig config,
      String appName,
      int serverSelectionTimeoutMs,
      int socketTimeoutMs) {
    ConnectionString cs = connectionString(config.uri());
    MongoClientSettings.Builder b =
        MongoClientSettings.builder()
            .applyConnectionString(cs)
            .applicationName(cs.getApplicationName() == null ? appName : cs.getApplicationName())
            .applyToClusterSettings(
                c -> c.serverSelectionTimeout(serverSelectionTimeoutMs, TimeUnit.MILLISECONDS))
            .applyToSocketSettings(
                s -> {
                  s.connectTimeout(
                      Math.min(serverSelectionTimeoutMs, 10_000), TimeUnit.MILLISECONDS);
                  if (socketTimeoutMs > 0) {
                    s.readTimeout(socketTimeoutMs, TimeUnit.MILLISECONDS);
                  }
                });
    MongoConnectionConfig.Tls tls = config.tls();
    if (tls.enabled()) {
      SSLContext context = sslContext(tls);
      b.applyToSslSettings(
          s -> {
            s.enabled(true).invalidHostNameAllowed(tls.allowInvalidHostnames());
            if (context != null) {
              s.context(context);
            }
          });
    }
    return MongoClients.create(b.build());
  }

  private static SSLContext sslContext(MongoConnectionConfig.Tls tls) {
    boolean trust = !tls.truststorePath().isBlank();
    boolean key = !tls.keystorePath().isBlank();
    if (!trust && !key) {
      return null;
    }
    try {
      TrustManagerFactory tmf = null;
      if (trust) {
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(
            load(
                tls.truststorePath(),
                tls.truststorePassword(),
                tls.truststoreType(),
                MongoConnectionConfig.TLS_TRUSTSTORE_PATH));
      }
      KeyManagerFactory kmf = null;
      if (key) {
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(
            load(
                tls.keystorePath(),
                tls.keystorePassword(),
                tls.keystoreType(),
                MongoConnectionConfig.TLS_KEYSTORE_PATH),
            chars(tls.keystorePassword()));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConfigException(
          MongoConnectionConfig.TLS_ENABLED, true, "cannot set up TLS: " + e.getMessage());
    }
  }

  private static KeyStore load(String path, Password password, String type, String key)
      throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, chars(password));
      return store;
    } catch (IOException e) {
      throw new ConfigException(
          key,
          path,
          "cannot read the store (wrong path or password?): " + e.getClass().getSimpleName());
    }
  }

  private static char[] chars(Password p) {
    return p == null || p.value() == null ? null : p.value().toCharArray();
  }
}
