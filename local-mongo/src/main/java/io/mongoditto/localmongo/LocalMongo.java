package io.mongoditto.localmongo;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local MongoDB: mongo-java-server's memory backend with change streams that behave like a
 * MongoDB 7.0 replica set's (real event shapes, pre- and post-images, exact resume with a bounded
 * history, awaiting getMore). In-process for tests (random port) or as its own process ({@link
 * LocalMongoMain}).
 *
 * <p>Connect with {@link #connectionString()}: {@code
 * mongodb://127.0.0.1:<port>/?directConnection=true}. The server reports itself as the primary of
 * replica set {@value #DEFAULT_REPLICA_SET}, so {@code ?replicaSet=rs0} works too while clients
 * reach it at the address it reports.
 */
public final class LocalMongo implements AutoCloseable {

  /** The replica set name reported by hello unless the builder sets another. */
  public static final String DEFAULT_REPLICA_SET = "rs0";

  /** Change events retained for resuming unless the builder sets another number. */
  public static final int DEFAULT_HISTORY_SIZE = 1_000_000;

  private static final Logger LOG = LoggerFactory.getLogger(LocalMongo.class);

  private final WireServer server;
  private final InetSocketAddress address;
  private final String replicaSet;

  private LocalMongo(WireServer server, InetSocketAddress address, String replicaSet) {
    this.server = server;
    this.address = address;
    this.replicaSet = replicaSet;
  }

  /** Starts on 127.0.0.1 and a free port. */
  public static LocalMongo start() {
    return builder().start();
  }

  /** Starts on the given address; port 0 picks a free port. */
  public static LocalMongo start(String host, int port) {
    return builder().host(host).port(port).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A connection string the official drivers accept: {@code
   * mongodb://<host>:<port>/?directConnection=true}.
   */
  public String connectionString() {
    return "mongodb://" + connectHost() + ":" + address.getPort() + "/?directConnection=true";
  }

  /**
   * The same, naming a default database: {@code
   * mongodb://<host>:<port>/<db>?directConnection=true}.
   */
  public String connectionString(String database) {
    return "mongodb://"
        + connectHost()
        + ":"
        + address.getPort()
        + "/"
        + database
        + "?directConnection=true";
  }

  public int port() {
    return address.getPort();
  }

  public String replicaSetName() {
    return replicaSet;
  }

  private String connectHost() {
    if (address.getAddress() == null || address.getAddress().isAnyLocalAddress()) {
      return "127.0.0.1";
    }
    String host = address.getAddress().getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  @Override
  public void close() {
    server.close();
  }

  /** Options for a local MongoDB. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private String replicaSet = DEFAULT_REPLICA_SET;
    private Clock clock = Clock.systemUTC();
    private Duration transactionLifetime = Transactions.DEFAULT_LIFETIME;

    private Builder() {}

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** 0 (the default) picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * How many change events are retained for resuming; resuming from before the oldest fails with
     * ChangeStreamHistoryLost (286), as when a real oplog has rolled over.
     */
    public Builder historySize(int events) {
      this.historySize = events;
      return this;
    }

    public Builder replicaSetName(String name) {
      this.replicaSet = name;
      return this;
    }

    /**
     * How long a multi-document transaction may stay open before the server aborts it (a real
     * server's transactionLifetimeLimitSeconds, default 60 s): the end of transactions whose client
     * went away without committing or aborting.
     */
    public Builder transactionLifetime(Duration lifetime) {
      this.transactionLifetime = lifetime;
      return this;
    }

    /** The clock for wallTime and clusterTime (tests only). */
    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public LocalMongo start() {
      ChangeEventLog log = new ChangeEventLog(historySize, clock);
      ChangeStreamBackend backend = new ChangeStreamBackend(log, replicaSet, transactionLifetime);
      backend.enableOplog();
      WireServer server = new WireServer(backend);
      InetSocketAddress bound = server.bind(host, port);
      LocalMongo mongo = new LocalMongo(server, bound, replicaSet);
      LOG.info(
          "local MongoDB (replica set {}, history {} events) listening on {}",
          replicaSet,
          historySize,
          mongo.connectionString());
      return mongo;
    }
  }
}
