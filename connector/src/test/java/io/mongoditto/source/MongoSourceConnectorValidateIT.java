package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import io.mongoditto.localmongo.LocalMongo;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * validate() against the local MongoDB: every problem on the key to fix, never the URI's secret.
 */
class MongoSourceConnectorValidateIT {

  private static LocalMongo mongo;
  private static MongoClient client;

  @BeforeAll
  static void startMongo() {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
    MongoDatabase db = client.getDatabase("validate");
    db.createCollection("categories");
    db.createCollection("customers");
    db.createCollection(
        "stores",
        new CreateCollectionOptions()
            .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
    db.getCollection("categories").insertOne(new Document("_id", "c1"));
  }

  @AfterAll
  static void stopMongo() {
    client.close();
    mongo.close();
  }

  private static Map<String, String> props(String collections) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "validate-test");
    p.put("connector.class", MongoSourceConnector.class.getName());
    p.put("mongodb.uri", mongo.connectionString());
    p.put("mongodb.database", "validate");
    p.put("collections", collections);
    return p;
  }

  private static Map<String, List<String>> errors(Map<String, String> props) {
    Config config = new MongoSourceConnector().validate(props);
    return config.configValues().stream()
        .filter(v -> !v.errorMessages().isEmpty())
        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  @Test
  void aGoodConfigHasNoErrors() {
    assertEquals(Map.of(), errors(props("categories")));
  }

  @Test
  void missingCollectionIsReportedOnCollections() {
    Map<String, List<String>> errors = errors(props("categories,nope"));
    assertEquals(List.of("collections"), List.copyOf(errors.keySet()));
    assertTrue(
        errors.get("collections").get(0).contains("'nope' does not exist in database 'validate'"),
        errors.toString());
  }

  @Test
  void missingPreImagesNameTheCollModCommand() {
    Map<String, String> p = props("customers");
    p.put("collection.customers.id.mode", "single_field");
    p.put("collection.customers.id.fields", "customer_id");
    Map<String, List<String>> errors = errors(p);
    String message = errors.get("collection.customers.id.mode").get(0);
    assertTrue(
        message.contains(
            "db.runCommand({collMod: \"customers\", changeStreamPreAndPostImages: {enabled: true}})"),
        message);
  }

  @Test
  void enabledPreImagesPass() {
    Document info = null;
    for (Document d : client.getDatabase("validate").listCollections()) {
      if ("stores".equals(d.getString("name"))) {
        info = d;
      }
    }
    // the local MongoDB lists pre-images (LocalMongo): if it stops, this check must say so
    assertTrue(
        info != null && SourceConnectionCheck.preImagesEnabled(info),
        "the local MongoDB does not list changeStreamPreAndPostImages: "
            + (info == null ? null : info.toJson()));
    Map<String, String> p = props("stores");
    p.put("collection.stores.id.mode", "single_field");
    p.put("collection.stores.id.fields", "store_id");
    assertEquals(Map.of(), errors(p));
  }

  @Test
  void typoIsReportedOnItsOwnKey() {
    Map<String, String> p = props("categories");
    p.put("collection.categories.id.feilds", "x");
    Map<String, List<String>> errors = errors(p);
    assertEquals(List.of("collection.categories.id.feilds"), List.copyOf(errors.keySet()));
  }

  @Test
  void malformedUriIsReportedWithoutEchoingIt() {
    Map<String, String> p = props("categories");
    p.put("mongodb.uri", "mongodb://bob:t0psecret@");
    Map<String, List<String>> errors = errors(p);
    assertTrue(
        errors.get("mongodb.uri").get(0).contains("not a valid MongoDB connection string"),
        errors.toString());
    assertFalse(errors.toString().contains("t0psecret"));
  }

  @Test
  void unreachableServerIsReportedOnTheUriWithoutSecrets() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> p = props("categories");
    p.put("mongodb.uri", "mongodb://bob:t0psecret@127.0.0.1:" + port + "/?authSource=admin");
    p.put("mongodb.server.selection.timeout.ms", "1000");
    long started = System.nanoTime();
    Map<String, List<String>> errors = errors(p);
    assertTrue(
        errors
            .get("mongodb.uri")
            .get(0)
            .contains("no usable MongoDB server at [127.0.0.1:" + port + "]"),
        errors.toString());
    assertFalse(errors.toString().contains("t0psecret"));
    assertTrue(
        (System.nanoTime() - started) / 1_000_000 < 10_000, "validate must use short timeouts");
  }

  @Test
  void missingRequiredKeysAreConfigDefErrors() {
    Map<String, String> p = props("categories");
    p.remove("mongodb.database");
    Map<String, List<String>> errors = errors(p);
    assertTrue(errors.containsKey("mongodb.database"), errors.toString());
  }
}
