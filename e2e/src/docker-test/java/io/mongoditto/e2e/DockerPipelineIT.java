package io.mongoditto.e2e;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end suite on real infrastructure: MongoDB 7.0 as a single-node replica set and
 * Apache Kafka 4.3.1 (KRaft) in containers; the connect-distributed worker is still a separate
 * JVM on this machine with the plugin zip in a fresh plugin.path, and Ditto is the local Ditto.
 *
 * <p>Only with {@code -Pdocker}. Without a Docker engine every step is skipped, with the reason.
 */
class DockerPipelineIT extends AbstractPipelineIT {

  static final DockerImageName MONGO_IMAGE = DockerImageName.parse("mongo:7.0");
  static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:4.3.1");

  @Override
  protected PipelineEnvironment startEnvironment(Map<String, String> source, Map<String, String> sink) {
    Assumptions.assumeTrue(dockerAvailable(),
        "no Docker engine reachable (DOCKER_HOST, /var/run/docker.sock or a Testcontainers config):"
            + " the MongoDB replica set and Kafka containers cannot start on this machine;"
            + " QuickstartPipelineIT covers the same pipeline on the local MongoDB and a local broker");
    List<AutoCloseable> started = new ArrayList<>();
    try {
      MongoDBContainer mongo = new MongoDBContainer(MONGO_IMAGE);
      mongo.start();
      started.add(mongo::stop);
      KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
      kafka.start();
      started.add(kafka::stop);
      LocalDitto ditto = LocalDitto.start();
      started.add(ditto);

      // the container is a one-member replica set: connect to that member directly from the host
      String mongoUri = mongo.getConnectionString() + "/?directConnection=true";
      Map<String, String> workerEnv = new HashMap<>();
      ConnectorConfigs.bind(source, "mongodb.uri", mongoUri, workerEnv);
      ConnectorConfigs.bind(sink, "ditto.endpoint", ditto.endpoint(), workerEnv);
      ConnectorConfigs.bind(sink, "ditto.api.key", ditto.apiKey(), workerEnv);
      ConnectTopology worker = ConnectTopology.startWorker("docker", kafka.getBootstrapServers(), workerEnv);
      started.add(worker);
      MongoClient client = MongoClients.create(mongoUri);
      started.add(client);
      return new Containers(worker, client, new LocalDittoClient(ditto), started);
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static void closeAll(List<AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception ignored) {
        // keep closing the rest
      }
    }
  }

  private record Containers(ConnectTopology worker, MongoClient mongo, LocalDittoClient ditto,
      List<AutoCloseable> started) implements PipelineEnvironment {

    @Override
    public ConnectRest connect() {
      return worker.rest();
    }

    @Override
    public void stopWorker() {
      worker.stopWorker();
    }

    @Override
    public void startWorker() {
      worker.startStoppedWorker();
    }

    @Override
    public String diagnostics() {
      return worker.diagnostics();
    }

    @Override
    public void close() {
      closeAll(started);
    }
  }
}
