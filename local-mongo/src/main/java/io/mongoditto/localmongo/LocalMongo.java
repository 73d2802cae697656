package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * The local MongoDB: mongo-java-server's memory backend with change streams that behave like a
 * real replica set's. In-process for tests (random port) or as its own process ({@link #main}).
 *
 * <p>PLACEHOLDER: still the stock oplog; the project-owned one replaces it.
 */
public final class LocalMongo implements AutoCloseable {

  private final MongoServer server;
  private final InetSocketAddress address;

  private LocalMongo(MongoServer server, InetSocketAddress address) {
    this.server = server;
    this.address = address;
  }

  /** Starts on 127.0.0.1 and a free port. */
  public static LocalMongo start() {
    return start("127.0.0.1", 0);
  }

  public static LocalMongo start(String host, int port) {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.enableOplog();
    server.bind(host, port);
    return new LocalMongo(server, server.getLocalAddress());
  }

  /** A connection string the official drivers accept. */
  public String connectionString() {
    return "mongodb://" + address.getHostString() + ":" + address.getPort();
  }

  public int port() {
    return address.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
