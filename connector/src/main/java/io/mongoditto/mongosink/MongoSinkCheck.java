package io.mongoditto.mongosink;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.ConfigErrors;
import io.mongoditto.config.MongoConnectionConfig;
import io.mongoditto.ditto.DittoProbe;
import io.mongoditto.mongo.MongoClientFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.bson.Document;

/**
 * What the Ditto -> MongoDB sink asks before it runs ({@code validate()}): MongoDB reachable, a
 * replica set or sharded cluster (its writes run in transactions, which is how the source tells
 * them apart), the user allowed to read and write every collection it writes and the session
 * registry, and Ditto reachable with a key that may read and write the synced collections. Each
 * problem lands on the key to fix; no message contains the connection string.
 */
final class MongoSinkCheck {

  private static final int TIMEOUT_MS = 5000;
  private static final List<String> WRITE_ACTIONS = List.of("find", "insert", "update", "remove");

  private MongoSinkCheck() {}

  static Map<String, List<String>> check(MongoSinkConfig config, Map<String, String> props) {
    ConfigErrors errors = new ConfigErrors();
    checkMongo(config, errors);
    checkTopic(props, errors);
    Map<String, Boolean> ditto = new LinkedHashMap<>();
    config.writtenCollections().forEach(c -> ditto.put(c.mapping().dittoCollection(), true));
    for (DittoProbe.Finding f : DittoProbe.probe(config.ditto(), ditto)) {
      errors.add(DittoProbe.keyFor(f, MongoSinkConfig.COLLECTIONS), f.message());
    }
    return errors.asMap();
  }

  private static void checkMongo(MongoSinkConfig config, ConfigErrors errors) {
    int timeout = Math.min(TIMEOUT_MS, config.mongo().serverSelectionTimeoutMs());
    try (MongoClient client =
        MongoClientFactory.create(
            config.mongo(), StartedMongoSinkTask.APP_NAME, timeout, 2 * TIMEOUT_MS)) {
      MongoDatabase db = client.getDatabase(config.database());
      Document hello = db.runCommand(new Document("hello", 1));
      if (hello.getString("setName") == null && !"isdbgrid".equals(hello.getString("msg"))) {
        errors.add(
            MongoConnectionConfig.MONGODB_URI,
            "the server is a standalone: the Ditto -> MongoDB direction writes in transactions,"
                + " which need a replica set or a sharded cluster");
      }
      List<String> missing = missingPrivileges(client, config);
      if (!missing.isEmpty()) {
        errors.add(
            MongoSinkConfig.COLLECTIONS,
            "the MongoDB user lacks "
                + String.join(", ", missing)
                + ": grant the readWrite role on database '"
                + config.database()
                + "'");
      }
    } catch (MongoSecurityException e) {
      errors.add(
          MongoConnectionConfig.MONGODB_URI,
          "authentication failed: check the user name, password, authSource and authMechanism in"
              + " the connection string");
    } catch (MongoTimeoutException e) {
      errors.add(
          MongoConnectionConfig.MONGODB_URI,
          "no usable MongoDB server within "
              + timeout
              + " ms (wrong host or port, firewall, TLS settings, or replica set name?)");
    } catch (MongoCommandException e) {
      errors.add(
          MongoConnectionConfig.MONGODB_URI,
          "MongoDB refused '"
              + e.getResponse().getFirstKey()
              + "': error "
              + e.getErrorCode()
              + " ("
              + e.getErrorCodeName()
              + ")");
    } catch (MongoException e) {
      errors.add(
          MongoConnectionConfig.MONGODB_URI,
          "cannot use MongoDB: " + e.getClass().getSimpleName() + " (code " + e.getCode() + ")");
    } catch (ConfigException e) {
      errors.add(MongoConnectionConfig.TLS_ENABLED, e.getMessage());
    }
  }

  /**
   * When the connector reads another cluster than the worker's (Ditto's own Kafka, through {@code
   * consumer.override.*}), that its topics exist there and the given settings may describe them:
   * wrong SSL files or passwords show here instead of as a task that never receives anything. The
   * worker's own cluster is the worker's to check.
   */
  private static void checkTopic(Map<String, String> props, ConfigErrors errors) {
    String prefix = "consumer.override.";
    if (!props.containsKey(prefix + "bootstrap.servers") || props.get("topics") == null) {
      return;
    }
    Map<String, Object> admin = new HashMap<>();
    props.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)
              && AdminClientConfig.configNames().contains(k.substring(prefix.length()))) {
            admin.put(k.substring(prefix.length()), v);
          }
        });
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    List<String> topics =
        Arrays.stream(props.get("topics").split(","))
            .map(String::trim)
            .filter(t -> !t.isEmpty())
            .toList();
    try (Admin client = Admin.create(admin)) {
      client.describeTopics(topics).allTopicNames().get(2L * TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      errors.add(
          "topics",
          "cannot read Ditto's CDC topic "
              + topics
              + " at "
              + props.get(prefix + "bootstrap.servers")
              + ": "
              + e.getCause().getClass().getSimpleName()
              + " ("
              + e.getCause().getMessage()
              + "); check the topic name from the portal and the consumer.override.ssl.* settings");
    } catch (TimeoutException | KafkaException e) {
      errors.add(
          "topics",
          "no answer from Ditto's Kafka at "
              + props.get(prefix + "bootstrap.servers")
              + " within "
              + 2 * TIMEOUT_MS
              + " ms (address, firewall, or consumer.override.security.protocol / ssl.* settings?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The actions the user lacks, as "insert on db.coll"; none when access control is off. */
  private static List<String> missingPrivileges(MongoClient client, MongoSinkConfig config) {
    Document status =
        client
            .getDatabase("admin")
            .runCommand(new Document("connectionStatus", 1).append("showPrivileges", true));
    Document auth = status.get("authInfo", Document.class);
    if (auth == null || auth.getList("authenticatedUsers", Object.class, List.of()).isEmpty()) {
      return List.of();
    }
    List<Document> privileges =
        auth.getList("authenticatedUserPrivileges", Document.class, List.of());
    List<String> collections = new ArrayList<>();
    config.writtenCollections().stream().map(CollectionConfig::name).forEach(collections::add);
    collections.addAll(MongoSinkConfig.ownCollections());
    List<String> missing = new ArrayList<>();
    for (String collection : collections) {
      for (String action : WRITE_ACTIONS) {
        if (!allowed(privileges, config.database(), collection, action)) {
          missing.add(action + " on " + config.database() + "." + collection);
        }
      }
    }
    return missing;
  }

  private static boolean allowed(
      List<Document> privileges, String database, String collection, String action) {
    for (Document p : privileges) {
      Document resource = p.get("resource", Document.class);
      if (resource == null || !p.getList("actions", String.class, List.of()).contains(action)) {
        continue;
      }
      if (Boolean.TRUE.equals(resource.get("anyResource"))) {
        return true;
      }
      String db = resource.getString("db");
      String coll = resource.getString("collection");
      if (db != null
          && (db.isEmpty() || db.equals(database))
          && coll != null
          && (coll.isEmpty() || coll.equals(collection))) {
        return true;
      }
    }
    return false;
  }
}
