package io.mongoditto.mongosink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionsParser;
import io.mongoditto.localditto.CdcOptions;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import io.mongoditto.localmongo.LocalMongo;
import io.mongoditto.mapping.ChangeEventMapper;
import io.mongoditto.mapping.ConversionStats;
import io.mongoditto.mapping.DittoValues;
import io.mongoditto.sink.DittoSinkConnector;
import io.mongoditto.source.MongoSourceConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.awaitility.Awaitility;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * Both directions on one real Connect worker: the local MongoDB, the MongoDB source and the Ditto
 * sink into the local Ditto, whose CDC feed (the cloud's message format) on the worker's Kafka
 * carries the edge's writes back through the Ditto -> MongoDB sink. With the checks both-direction
 * tests share: the two sides compared document by document, and a quiet period.
 */
final class TwoWayCluster implements AutoCloseable {

  static final String CDC_TOPIC = "ditto-cdc";
  static final String DLQ = "ditto-cdc-dlq";

  final LocalMongo mongo;
  final MongoClient client;
  final EmbeddedConnectCluster connect;
  final LocalDitto ditto;
  final LocalDittoClient dittoClient;
  final String database;
  private final Map<String, String> collections;

  /**
   * @param collections the collection keys ({@code collections}, {@code collection.<name>.*})
   */
  TwoWayCluster(String database, Map<String, String> collections) {
    this.database = database;
    this.collections = new LinkedHashMap<>(collections);
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
    Map<String, String> worker = new HashMap<>();
    worker.put("plugin.discovery", "service_load");
    worker.put("offset.flush.interval.ms", "1000");
    connect =
        new EmbeddedConnectCluster.Builder()
            .name("two-way-" + database)
            .numWorkers(1)
            .numBrokers(1)
            .workerProps(worker)
            .build();
    connect.start();
    List<String> topics = new ArrayList<>(List.of(CDC_TOPIC, "mongoditto.heartbeat"));
    for (CollectionConfig c : configs()) {
      topics.add(c.topic());
    }
    for (String topic : topics) {
      connect.kafka().createTopic(topic, 1);
    }
    ditto =
        LocalDitto.start(
            LocalDitto.Options.defaults()
                .withCdc(
                    CdcOptions.toKafka(connect.kafka().bootstrapServers()).withTopic(CDC_TOPIC)));
    dittoClient = new LocalDittoClient(ditto);
  }

  List<CollectionConfig> configs() {
    Map<String, String> p = new HashMap<>(collections);
    return CollectionsParser.parse(p).collections();
  }

  MongoDatabase db() {
    return client.getDatabase(database);
  }

  /** Creates the collections with pre- and post-images. */
  void createCollections() {
    for (CollectionConfig c : configs()) {
      db().createCollection(
              c.name(),
              new CreateCollectionOptions()
                  .changeStreamPreAndPostImagesOptions(
                      new ChangeStreamPreAndPostImagesOptions(true)));
    }
  }

  private Map<String, String> common(String connectorClass) {
    Map<String, String> p = new HashMap<>(collections);
    p.put("mongodb.uri", mongo.connectionString());
    p.put("mongodb.database", database);
    p.put("connector.class", connectorClass);
    p.put("tasks.max", "1");
    p.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("key.converter.schemas.enable", "false");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    return p;
  }

  /**
   * The source ("mongo-source"), the Ditto sink ("ditto-sink"), the MongoDB sink ("mongo-sink").
   */
  void startConnectors() {
    connect.configureConnector("mongo-source", sourceProps());
    connect.configureConnector("ditto-sink", dittoSinkProps());
    connect.configureConnector("mongo-sink", mongoSinkProps());
  }

  /** The MongoDB source's config ("mongo-source"). */
  Map<String, String> sourceProps() {
    return common(MongoSourceConnector.class.getName());
  }

  /** The Ditto sink's config ("ditto-sink"). */
  Map<String, String> dittoSinkProps() {
    Map<String, String> sink = common(DittoSinkConnector.class.getName());
    sink.keySet().removeIf(k -> k.startsWith("collection") || k.startsWith("mongodb."));
    sink.put("topics", String.join(",", configs().stream().map(CollectionConfig::topic).toList()));
    sink.put("ditto.endpoint", ditto.endpoint());
    sink.put("ditto.api.key", ditto.apiKey());
    return sink;
  }

  /** The Ditto -> MongoDB sink's config ("mongo-sink"). */
  Map<String, String> mongoSinkProps() {
    Map<String, String> reverse = common(MongoSinkConnector.class.getName());
    reverse.put("name", "mongo-sink");
    reverse.put("topics", CDC_TOPIC);
    reverse.put("ditto.endpoint", ditto.endpoint());
    reverse.put("ditto.api.key", ditto.apiKey());
    // CDC messages are JSON text; the task reads text, bytes or maps alike.
    reverse.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    reverse.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    reverse.put("errors.tolerance", "all");
    reverse.put("errors.deadletterqueue.topic.name", DLQ);
    reverse.put("errors.deadletterqueue.topic.replication.factor", "1");
    reverse.put("errors.deadletterqueue.context.headers.enable", "true");
    return reverse;
  }

  void awaitDittoCount(String collection, int count) {
    Awaitility.await(collection + " in Ditto")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> dittoClient.select(collection).size() == count);
  }

  /** Every MongoDB document, mapped, is in Ditto with the same fields, and Ditto holds no other. */
  void awaitBothSidesEqual(Duration atMost) {
    Awaitility.await("Ditto equals the mapped MongoDB")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(this::assertBothSidesEqual);
  }

  void assertBothSidesEqual() {
    for (CollectionConfig c : configs()) {
      ChangeEventMapper mapper = c.rules().mapper(c.mapping(), new ConversionStats());
      Map<String, Map<String, Object>> expected = new HashMap<>();
      for (RawBsonDocument d : db().getCollection(c.name(), RawBsonDocument.class).find()) {
        BsonDocument doc = BsonDocument.parse(d.toJson());
        if (!mapper.matchesFilter(doc)) {
          continue;
        }
        Map<String, Object> mapped = mapper.dittoDocument(doc);
        expected.put(String.valueOf(mapped.get("_id")), mapped);
      }
      Map<String, Map<String, Object>> actual = new HashMap<>();
      for (Map<String, Object> d : dittoClient.select(c.mapping().dittoCollection())) {
        actual.put(String.valueOf(d.get("_id")), DittoMetadata.without(d));
      }
      TreeSet<String> onlyMongo = new TreeSet<>(expected.keySet());
      onlyMongo.removeAll(actual.keySet());
      TreeSet<String> onlyDitto = new TreeSet<>(actual.keySet());
      onlyDitto.removeAll(expected.keySet());
      assertTrue(
          onlyMongo.isEmpty() && onlyDitto.isEmpty(),
          c.name() + ": only in MongoDB " + onlyMongo + ", only in Ditto " + onlyDitto);
      for (String id : expected.keySet()) {
        assertTrue(
            DittoValues.same(expected.get(id), actual.get(id)),
            c.name() + " " + id + ": MongoDB " + expected.get(id) + " Ditto " + actual.get(id));
      }
    }
  }

  /** Neither side changes during {@code period}: no echo loop. */
  void assertQuiet(Duration period) {
    long cdcBefore = endOffset(CDC_TOPIC);
    List<String> mongoChanges = new ArrayList<>();
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream =
        db().watch().maxAwaitTime(200, TimeUnit.MILLISECONDS).cursor()) {
      long end = System.nanoTime() + period.toNanos();
      while (System.nanoTime() < end) {
        ChangeStreamDocument<Document> e = stream.tryNext();
        if (e != null && !e.getNamespace().getCollectionName().startsWith("mongoditto")) {
          mongoChanges.add(e.getOperationTypeString() + " " + e.getDocumentKey());
        }
      }
    }
    long cdcAfter = endOffset(CDC_TOPIC);
    assertEquals(List.of(), mongoChanges, "MongoDB changes during the quiet period");
    assertEquals(cdcBefore, cdcAfter, "Ditto CDC events during the quiet period");
  }

  long endOffset(String topic) {
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Consumer<byte[], byte[]> c = connect.kafka().createConsumer(Map.of())) {
      return c.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
    }
  }

  void produce(String topic, byte[] key, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = connect.kafka().createProducer(Map.of())) {
      p.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  @Override
  public void close() {
    ditto.close();
    connect.stop();
    client.close();
    mongo.close();
  }
}
