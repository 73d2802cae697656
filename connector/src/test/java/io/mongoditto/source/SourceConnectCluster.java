package io.mongoditto.source;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongoditto.localmongo.LocalMongo;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.bson.UuidRepresentation;

/**
 * What the source's Connect tests share: the local MongoDB, a client of it, a real in-JVM Connect
 * cluster (one broker, one worker) and a reader of its topics. Closed in reverse order.
 */
final class SourceConnectCluster implements AutoCloseable {

  final LocalMongo mongo;
  final MongoClient client;
  final EmbeddedConnectCluster connect;
  final TopicContents topics;

  private SourceConnectCluster(
      LocalMongo mongo, MongoClient client, EmbeddedConnectCluster connect) {
    this.mongo = mongo;
    this.client = client;
    this.connect = connect;
    this.topics = new TopicContents(connect.kafka().bootstrapServers());
  }

  /**
   * Starts MongoDB and the cluster; {@code extraWorkerProps} on top of service-loader plugin
   * discovery and a 1 s offset flush, {@code uuids} for the client's UUID codec.
   */
  static SourceConnectCluster start(
      String name, Map<String, String> extraWorkerProps, UuidRepresentation uuids) {
    LocalMongo mongo = LocalMongo.start();
    MongoClient client = null;
    EmbeddedConnectCluster connect = null;
    try {
      client =
          MongoClients.create(
              MongoClientSettings.builder()
                  .applyConnectionString(new ConnectionString(mongo.connectionString()))
                  .uuidRepresentation(uuids)
                  .build());
      Map<String, String> workerProps = new HashMap<>();
      workerProps.put("plugin.discovery", "service_load");
      workerProps.put("offset.flush.interval.ms", "1000");
      workerProps.putAll(extraWorkerProps);
      connect =
          new EmbeddedConnectCluster.Builder()
              .name(name)
              .numWorkers(1)
              .numBrokers(1)
              .workerProps(workerProps)
              .build();
      connect.start();
      return new SourceConnectCluster(mongo, client, connect);
    } catch (RuntimeException | Error e) {
      close(connect, client, mongo);
      throw e;
    }
  }

  /** A one-task source with schemaless JSON keys and values and single-replica topics. */
  static Map<String, String> sourceConfig(
      LocalMongo server, String database, String collections, String prefix) {
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", MongoSourceConnector.class.getName());
    config.put("tasks.max", "1");
    config.put("mongodb.uri", server.connectionString());
    config.put("mongodb.database", database);
    config.put("collections", collections);
    config.put("topic.prefix", prefix);
    config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("key.converter.schemas.enable", "false");
    config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("value.converter.schemas.enable", "false");
    config.put("topic.creation.default.replication.factor", "1");
    config.put("topic.creation.default.partitions", "1");
    return config;
  }

  /** A per-collection gauge of the connector's tasks, read over JMX as any operator would. */
  static long metric(String connector, String collection, String attribute) throws Exception {
    javax.management.MBeanServer server =
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
    java.util.List<String> seen = new java.util.ArrayList<>();
    for (javax.management.ObjectName n : server.queryNames(null, null)) {
      if (collection.equals(n.getKeyProperty("collection"))
          && connector.equals(n.getKeyProperty("connector"))) {
        return ((Number) server.getAttribute(n, attribute)).longValue();
      }
      if (n.getKeyProperty("collection") != null) {
        seen.add(n.toString());
      }
    }
    throw new AssertionError("no metrics for " + connector + "/" + collection + " among " + seen);
  }

  @Override
  public void close() {
    close(connect, client, mongo);
  }

  private static void close(EmbeddedConnectCluster connect, MongoClient client, LocalMongo mongo) {
    try {
      if (connect != null) {
        connect.stop();
      }
    } finally {
      try {
        if (client != null) {
          client.close();
        }
      } finally {
        mongo.close();
      }
    }
  }
}
