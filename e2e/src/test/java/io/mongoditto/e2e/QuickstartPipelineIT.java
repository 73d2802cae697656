package io.mongoditto.e2e;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import java.util.HashMap;
import java.util.Map;

/**
 * The no-Docker quickstart topology under test: a Kafka broker and a connect-distributed worker as
 * separate JVMs (Kafka 4.3.1 from Maven-resolved jars), the plugin zip unpacked into a fresh
 * plugin.path, the local MongoDB in this JVM (the worker reaches its port) and the local Ditto.
 */
class QuickstartPipelineIT extends AbstractPipelineIT {

  @Override
  protected PipelineEnvironment startEnvironment(
      Map<String, String> source, Map<String, String> sink) {
    LocalMongo mongo = LocalMongo.start();
    LocalDitto ditto = null;
    ConnectTopology topology = null;
    try {
      ditto = LocalDitto.start();
      Map<String, String> workerEnv = new HashMap<>();
      ConnectorConfigs.bind(source, "mongodb.uri", mongo.connectionString(), workerEnv);
      ConnectorConfigs.bind(sink, "ditto.endpoint", ditto.endpoint(), workerEnv);
      ConnectorConfigs.bind(sink, "ditto.api.key", ditto.apiKey(), workerEnv);
      topology = ConnectTopology.start("quickstart", workerEnv);
      return new Local(mongo, ditto, topology);
    } catch (RuntimeException e) {
      if (topology != null) {
        topology.close();
      }
      if (ditto != null) {
        ditto.close();
      }
      mongo.close();
      throw e;
    }
  }

  private static final class Local implements PipelineEnvironment {
    private final LocalMongo mongo;
    private final LocalDitto ditto;
    private final ConnectTopology topology;
    private final MongoClient client;
    private final LocalDittoClient dittoClient;

    Local(LocalMongo mongo, LocalDitto ditto, ConnectTopology topology) {
      this.mongo = mongo;
      this.ditto = ditto;
      this.topology = topology;
      this.client = MongoClients.create(mongo.connectionString());
      this.dittoClient = new LocalDittoClient(ditto);
    }

    @Override
    public ConnectRest connect() {
      return topology.rest();
    }

    @Override
    public MongoClient mongo() {
      return client;
    }

    @Override
    public LocalDittoClient ditto() {
      return dittoClient;
    }

    @Override
    public void stopWorker() {
      topology.stopWorker();
    }

    @Override
    public void startWorker() {
      topology.startStoppedWorker();
    }

    @Override
    public String diagnostics() {
      return topology.diagnostics() + "\nlocal Ditto log: " + ditto.logFile();
    }

    @Override
    public void close() {
      try {
        client.close();
        topology.close();
      } finally {
        ditto.close();
        mongo.close();
      }
    }
  }
}
