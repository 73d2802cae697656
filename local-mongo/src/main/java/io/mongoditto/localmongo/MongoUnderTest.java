package io.mongoditto.localmongo;

import java.util.Optional;

/**
 * The MongoDB an integration test runs against: the real one named by the environment variable
 * {@code MONGODB_URI} (a replica set, since change streams need one) when it is set, otherwise a
 * fresh {@link LocalMongo} on a free port. Close it after the test; closing a real server's handle
 * does nothing to that server.
 */
public final class MongoUnderTest implements AutoCloseable {

  /** The environment variable that points tests at a real MongoDB replica set. */
  public static final String ENV = "MONGODB_URI";

  private final String connectionString;
  private final LocalMongo local;

  private MongoUnderTest(String connectionString, LocalMongo local) {
    this.connectionString = connectionString;
    this.local = local;
  }

  /** The real server from {@code MONGODB_URI}, or a newly started local MongoDB. */
  public static MongoUnderTest start() {
    Optional<String> real = configuredUri();
    if (real.isPresent()) {
      return new MongoUnderTest(real.get(), null);
    }
    LocalMongo mongo = LocalMongo.start();
    return new MongoUnderTest(mongo.connectionString(), mongo);
  }

  /** {@code MONGODB_URI} when set and not blank. */
  public static Optional<String> configuredUri() {
    String uri = System.getenv(ENV);
    return uri == null || uri.isBlank() ? Optional.empty() : Optional.of(uri.trim());
  }

  public String connectionString() {
    return connectionString;
  }

  /** True when the tests run against the local MongoDB rather than a real one. */
  public boolean isLocal() {
    return local != null;
  }

  /** The local MongoDB, when that is what runs. */
  public Optional<LocalMongo> local() {
    return Optional.ofNullable(local);
  }

  @Override
  public void close() {
    if (local != null) {
      local.close();
    }
  }
}
