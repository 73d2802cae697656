package io.mongoditto.source;

import com.mongodb.ConnectionString;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.CollectionSetting;
import io.mongoditto.config.MongoConnectionConfig;
import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mongo.MongoClientFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.bson.Document;

/**
 * What {@code validate()} checks against the real server, with short timeouts: reachability,
 * credentials, the listed collections, the {@code find} and {@code changeStream} privileges (by
 * probing, which works whatever roles grant them), and pre-images where the id mode needs them.
 * Each problem is reported on the config key to fix. Messages never contain the URI.
 */
final class SourceConnectionCheck {

  static final int TIMEOUT_MS = 5000;
  private static final int UNAUTHORIZED = 13;

  private SourceConnectionCheck() {}

  static Map<String, List<String>> check(MongoSourceConfig config) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    ConnectionString cs;
    try {
      cs = MongoClientFactory.connectionString(config.connection().uri());
    } catch (ConfigException e) {
      add(
          errors,
          MongoConnectionConfig.MONGODB_URI,
          "not a valid MongoDB connection string (expected"
              + " mongodb://user:password@host:port/?options or mongodb+srv://...)");
      return errors;
    }
    int timeout = Math.min(TIMEOUT_MS, config.connection().serverSelectionTimeoutMs());
    try (MongoClient client =
        MongoClientFactory.create(
            config.connection(), StartedSourceTask.APP_NAME, timeout, 2 * TIMEOUT_MS)) {
      MongoDatabase db = client.getDatabase(config.database());
      db.runCommand(new Document("ping", 1));
      Map<String, Document> existing = new HashMap<>();
      for (Document info : db.listCollections()) {
        existing.put(info.getString("name"), info);
      }
      for (CollectionConfig c : config.streamedCollections()) {
        Document info = existing.get(c.name());
        if (info == null) {
          add(
              errors,
              MongoSourceConfigDef.COLLECTIONS,
              "collection '"
                  + c.name()
                  + "' does not exist in database '"
                  + config.database()
                  + "'");
          continue;
        }
        if ("view".equals(info.getString("type"))) {
          add(
              errors,
              MongoSourceConfigDef.COLLECTIONS,
              "'" + c.name() + "' is a view; change streams need a collection");
          continue;
        }
        probe(db.getCollection(c.name()), config.database(), errors);
        FilteredReads.probeFilter(db.getCollection(c.name()), c, errors);
        if (c.mapping().needsPreImages() && !preImagesEnabled(info)) {
          add(errors, CollectionSetting.ID_MODE.keyFor(c.name()), preImagesMessage(c.mapping()));
        }
      }
    } catch (MongoSecurityException e) {
      add(
          errors,
          MongoConnectionConfig.MONGODB_URI,
          "authentication failed for user '"
              + userOf(cs)
              + "': check the user name, password, authSource and authMechanism in the connection string");
    } catch (MongoTimeoutException e) {
      add(
          errors,
          MongoConnectionConfig.MONGODB_URI,
          "no usable MongoDB server at "
              + cs.getHosts()
              + " within "
              + timeout
              + " ms (wrong host or port, firewall, TLS settings, or replica set name?)");
    } catch (MongoCommandException e) {
      String key =
          e.getErrorCode() == UNAUTHORIZED
              ? MongoSourceConfigDef.COLLECTIONS
              : MongoConnectionConfig.MONGODB_URI;
      add(
          errors,
          key,
          "MongoDB refused '"
              + commandOf(e)
              + "' on database '"
              + config.database()
              + "': error "
              + e.getErrorCode()
              + " ("
              + e.getErrorCodeName()
              + ")"
              + (e.getErrorCode() == UNAUTHORIZED
                  ? "; the user needs listCollections, find and changeStream on it"
                  : ""));
    } catch (MongoException e) {
      add(
          errors,
          MongoConnectionConfig.MONGODB_URI,
          "cannot use MongoDB: " + e.getClass().getSimpleName() + " (code " + e.getCode() + ")");
    } catch (ConfigException e) {
      add(errors, MongoConnectionConfig.TLS_ENABLED, e.getMessage());
    }
    return errors;
  }

  static void probe(
      MongoCollection<Document> coll, String database, Map<String, List<String>> errors) {
    String ns = database + "." + coll.getNamespace().getCollectionName();
    try {
      coll.find().limit(1).first();
    } catch (MongoCommandException e) {
      add(
          errors,
          MongoSourceConfigDef.COLLECTIONS,
          e.getErrorCode() == UNAUTHORIZED
              ? "the user lacks the 'find' privilege on "
                  + ns
                  + " (grant the read role on the database)"
              : "reading "
                  + ns
                  + " failed: error "
                  + e.getErrorCode()
                  + " ("
                  + e.getErrorCodeName()
                  + ")");
      return;
    }
    try (MongoCursor<Document> c =
        coll.watch()
            .maxAwaitTime(1, TimeUnit.MILLISECONDS)
            .withDocumentClass(Document.class)
            .cursor()) {
      c.tryNext();
    } catch (MongoCommandException e) {
      add(
          errors,
          MongoSourceConfigDef.COLLECTIONS,
          e.getErrorCode() == UNAUTHORIZED
              ? "the user lacks the 'changeStream' privilege on "
                  + ns
                  + " (the read role grants it)"
              : "cannot open a change stream on "
                  + ns
                  + ": error "
                  + e.getErrorCode()
                  + " ("
                  + e.getErrorCodeName()
                  + "); change streams need a replica set or sharded cluster");
    }
  }

  static boolean preImagesEnabled(Document collectionInfo) {
    Document options = collectionInfo.get("options", Document.class);
    Document images =
        options == null ? null : options.get("changeStreamPreAndPostImages", Document.class);
    return images != null && Boolean.TRUE.equals(images.getBoolean("enabled"));
  }

  static String preImagesMessage(CollectionMapping mapping) {
    return "collection '"
        + mapping.mongoCollection()
        + "' maps ids with "
        + mapping.idMode().name().toLowerCase()
        + ", so a delete can only be mapped from the document's"
        + " pre-image, and pre-images are off for it. Run in mongosh: db.runCommand({collMod: \""
        + mapping.mongoCollection()
        + "\", changeStreamPreAndPostImages: {enabled: true}})";
  }

  private static String userOf(ConnectionString cs) {
    return cs.getCredential() == null ? "(none)" : cs.getCredential().getUserName();
  }

  private static String commandOf(MongoCommandException e) {
    Document response = Document.parse(e.getResponse().toJson());
    String msg = response.getString("errmsg");
    return msg == null
        ? "a command"
        : "a command (" + msg.replaceAll("mongodb(\\+srv)?://\\S+", "[uri]") + ")";
  }

  private static void add(Map<String, List<String>> errors, String key, String message) {
    errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
  }
}
