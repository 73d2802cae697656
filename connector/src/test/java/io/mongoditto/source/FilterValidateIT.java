package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongoditto.localmongo.LocalMongo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * validate() lets the server parse each filter: what only the server can reject lands on the filter
 * key.
 */
class FilterValidateIT {

  private static LocalMongo mongo;
  private static MongoClient client;

  @BeforeAll
  static void startMongo() {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
    client
        .getDatabase("filters")
        .getCollection("customers")
        .insertOne(new Document("_id", 1).append("active", true).append("qty", 5));
    client.getDatabase("filters").createCollection("empty");
  }

  @AfterAll
  static void stopMongo() {
    client.close();
    mongo.close();
  }

  private static Map<String, List<String>> errors(String filter) {
    return errors("customers", filter);
  }

  private static Map<String, List<String>> errors(String collection, String filter) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "filter-validate");
    p.put("connector.class", MongoSourceConnector.class.getName());
    p.put("mongodb.uri", mongo.connectionString());
    p.put("mongodb.database", "filters");
    p.put("collections", collection);
    p.put("collection." + collection + ".filter", filter);
    return new MongoSourceConnector()
        .validate(p).configValues().stream()
            .filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  @Test
  void aFilterTheServerAcceptsHasNoErrors() {
    assertEquals(
        Map.of(),
        errors("{\"deleted\": {\"$ne\": true}, \"active\": true, \"name\": {\"$regex\": \"^A\"}}"));
  }

  /**
   * Issue 15 item 5: on an empty collection the server's own parse passes (it checks these operands
   * only against a document that has the field), and later the copy or the stream failed with the
   * server's raw text. Checked without data now, with a message that says what to fix.
   */
  @Test
  void aBadTypeAliasOrRegexFailsOnAnEmptyCollectionWithOurMessage() {
    Map<String, List<String>> errors =
        errors("empty", "{\"active\": {\"$type\": \"no-such-type\"}}");
    assertEquals(
        List.of("collection.empty.filter"), List.copyOf(errors.keySet()), errors.toString());
    String message = errors.get("collection.empty.filter").get(0);
    assertTrue(
        message.startsWith("the $type of field 'active' is 'no-such-type', not a BSON type"),
        message);
    errors = errors("empty", "{\"name\": {\"$regex\": \"^(A\"}}");
    message = errors.get("collection.empty.filter").get(0);
    assertTrue(
        message.startsWith("the regular expression of field 'name' is not valid: Unclosed group"),
        message);
  }

  @Test
  void whatOnlyTheServerRejectsIsReportedOnTheFilterKey() {
    Map<String, List<String>> errors = errors("{\"qty\": {\"$mod\": [0, 1]}}");
    assertEquals(
        List.of("collection.customers.filter"), List.copyOf(errors.keySet()), errors.toString());
    assertTrue(
        errors.get("collection.customers.filter").get(0).startsWith("MongoDB rejected the filter"),
        errors.toString());
  }
}
