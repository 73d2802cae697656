package io.mongoditto.cli.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.config.Direction;
import io.mongoditto.mapping.IdMode;
import io.mongoditto.mongosink.MongoSinkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Checks that a MongoDB deployment can feed the source connector: reachable, a version with
 * change-stream pre-images (6.0+), a replica set (change streams need one), the {@code find} and
 * {@code changeStream} privileges, and each configured collection present, not capped and with pre-
 * and post-images where its id mapping needs them; and, for the collections synced from Ditto to
 * MongoDB, that the user may write them and the session registry.
 */
public final class DeploymentCheck {

  private static final String ENABLE_HINT =
      "run `mongo-ditto enable-change-streams` with the same config, or in mongosh: ";

  /** What the Ditto -> MongoDB direction does on each collection it writes and its sessions. */
  static final List<String> WRITE_ACTIONS = List.of("find", "insert", "update", "remove");

  private final MongoClient client;
  private final String database;
  private final List<CollectionConfig> collections;
  private final boolean dittoToMongoRuns;

  public DeploymentCheck(MongoClient client, String database, List<CollectionConfig> collections) {
    this(client, database, collections, false);
  }

  /**
   * @param dittoToMongoRuns whether the Ditto -> MongoDB direction will run with this config (a CDC
   *     feed is set, or it is the Ditto -> MongoDB connector's config): missing write privileges
   *     are then an error, else a warning
   */
  public DeploymentCheck(
      MongoClient client,
      String database,
      List<CollectionConfig> collections,
      boolean dittoToMongoRuns) {
    this.client = client;
    this.database = database;
    this.collections = List.copyOf(collections);
    this.dittoToMongoRuns = dittoToMongoRuns;
  }

  public List<Finding> run() {
    List<Finding> findings = new ArrayList<>();
    MongoDatabase admin = client.getDatabase("admin");
    try {
      long started = System.nanoTime();
      admin.runCommand(new Document("ping", 1));
      findings.add(
          Finding.ok(
              "connection",
              "connected (ping " + (System.nanoTime() - started) / 1_000_000 + " ms)"));
    } catch (MongoSecurityException e) {
      findings.add(
          Finding.error(
              "connection",
              "authentication failed: " + rootMessage(e),
              "check the user name and password in the connection string (URL-encode the password: `mongo-ditto encode-password`) and authSource"));
      return findings;
    } catch (MongoTimeoutException e) {
      findings.add(
          Finding.error(
              "connection",
              "no server reachable: " + firstLine(e.getMessage()),
              "check host and port, that the server runs, and the IP access list (Atlas: Network Access)"));
      return findings;
    } catch (MongoException e) {
      findings.add(
          Finding.error(
              "connection", "cannot connect: " + rootMessage(e), "check the connection string"));
      return findings;
    }
    findings.add(version(admin));
    findings.add(replicaSet(admin));
    findings.addAll(privileges(admin));
    findings.addAll(collections(client.getDatabase(database)));
    return findings;
  }

  private Finding version(MongoDatabase admin) {
    try {
      String version = admin.runCommand(new Document("buildInfo", 1)).getString("version");
      int major = Integer.parseInt(version.split("\\.")[0]);
      if (major < 6) {
        return Finding.error(
            "server version",
            "MongoDB " + version + " has no change-stream pre- and post-images",
            "upgrade to MongoDB 6.0 or later");
      }
      return Finding.ok("server version", "MongoDB " + version);
    } catch (RuntimeException e) {
      return Finding.warn(
          "server version", "could not read the server version: " + rootMessage(e), null);
    }
  }

  private Finding replicaSet(MongoDatabase admin) {
    Document hello;
    try {
      try {
        hello = admin.runCommand(new Document("hello", 1));
      } catch (MongoCommandException e) {
        // Servers before 4.4.2 (and some stand-ins) only know the legacy name.
        hello = admin.runCommand(new Document("isMaster", 1));
      }
    } catch (MongoException e) {
      return Finding.warn(
          "replica set", "could not ask the server (hello): " + rootMessage(e), null);
    }
    String setName = hello.getString("setName");
    if (setName != null) {
      return Finding.ok("replica set", "replica set " + setName);
    }
    if ("isdbgrid".equals(hello.getString("msg"))) {
      return Finding.ok("replica set", "sharded cluster (mongos)");
    }
    return Finding.error(
        "replica set",
        "a standalone server: change streams need a replica set",
        "start mongod with --replSet rs0 and run rs.initiate() once (Atlas clusters are replica sets)");
  }

  private List<Finding> privileges(MongoDatabase admin) {
    Document status;
    try {
      status = admin.runCommand(new Document("connectionStatus", 1).append("showPrivileges", true));
    } catch (MongoException e) {
      return List.of(
          Finding.warn(
              "privileges",
              "could not read the privileges (connectionStatus): " + rootMessage(e),
              null));
    }
    Document authInfo = status.get("authInfo", Document.class);
    List<?> users =
        authInfo == null
            ? List.of()
            : authInfo.getList("authenticatedUsers", Object.class, List.of());
    if (users.isEmpty()) {
      return List.of(
          Finding.ok(
              "privileges",
              "not authenticated: the server runs without access control, nothing to check"));
    }
    List<Document> privileges =
        authInfo.getList("authenticatedUserPrivileges", Document.class, List.of());
    List<Finding> findings = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (CollectionConfig entry : collections) {
      if (!entry.enabled()) {
        continue;
      }
      for (String action : List.of("find", "changeStream")) {
        if (!allowed(privileges, entry.name(), action)) {
          missing.add(action + " on " + database + "." + entry.name());
        }
      }
    }
    findings.addAll(writePrivileges(privileges));
    if (missing.isEmpty()) {
      findings.add(
          Finding.ok("privileges", "find and changeStream granted on every configured collection"));
    } else {
      findings.add(
          Finding.error(
              "privileges",
              "missing " + String.join(", ", missing),
              "grant the built-in read role on the database, e.g. in mongosh: db.getSiblingDB(\"admin\").grantRolesToUser(\"<user>\", [{role: \"read\", db: \""
                  + database
                  + "\"}]) (Atlas: Database Access, role 'read' on "
                  + database
                  + ")"));
    }
    return findings;
  }

  /**
   * The Ditto -> MongoDB direction writes the collections whose direction includes ditto_to_mongo
   * and keeps its own state in {@link MongoSinkConfig#ownCollections()}: none of those, nothing to
   * check.
   */
  List<Finding> writePrivileges(List<Document> privileges) {
    List<String> written =
        collections.stream()
            .filter(c -> c.syncs(Direction.DITTO_TO_MONGO))
            .map(CollectionConfig::name)
            .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    if (written.isEmpty()) {
      return List.of();
    }
    written.addAll(MongoSinkConfig.ownCollections());
    List<String> missing = new ArrayList<>();
    for (String collection : written) {
      for (String action : WRITE_ACTIONS) {
        if (!allowed(privileges, collection, action)) {
          missing.add(action + " on " + database + "." + collection);
        }
      }
    }
    if (missing.isEmpty()) {
      return List.of(
          Finding.ok(
              "write privileges",
              "insert, update and remove granted on "
                  + String.join(", ", written)
                  + " (Ditto -> MongoDB)"));
    }
    String message =
        "Ditto -> MongoDB "
            + (dittoToMongoRuns ? "" : "(when it runs: direction both or ditto_to_mongo) ")
            + "needs "
            + String.join(", ", missing);
    String fix =
        "grant the built-in readWrite role on the database, e.g. in mongosh:"
            + " db.getSiblingDB(\"admin\").grantRolesToUser(\"<user>\", [{role: \"readWrite\", db: \""
            + database
            + "\"}]) (Atlas: Database Access, role 'readWrite' on "
            + database
            + "); or set collection.<name>.direction=mongo_to_ditto";
    return List.of(
        dittoToMongoRuns
            ? Finding.error("write privileges", message, fix)
            : Finding.warn("write privileges", message, fix));
  }

  private boolean allowed(List<Document> privileges, String collection, String action) {
    for (Document p : privileges) {
      Document resource = p.get("resource", Document.class);
      List<String> actions = p.getList("actions", String.class, List.of());
      if (resource == null || !actions.contains(action)) {
        continue;
      }
      if (Boolean.TRUE.equals(resource.get("anyResource"))) {
        return true;
      }
      String db = resource.getString("db");
      String coll = resource.getString("collection");
      boolean dbMatches = db != null && (db.isEmpty() || db.equals(database));
      boolean collMatches = coll != null && (coll.isEmpty() || coll.equals(collection));
      if (dbMatches && collMatches) {
        return true;
      }
    }
    return false;
  }

  private List<Finding> collections(MongoDatabase db) {
    List<Finding> findings = new ArrayList<>();
    Map<String, CollectionInfo> infos;
    try {
      infos = CollectionInfo.list(db);
    } catch (MongoException e) {
      findings.add(
          Finding.error(
              "collections",
              "cannot list the collections of " + database + ": " + rootMessage(e),
              "grant listCollections on " + database + " (the read role has it)"));
      return findings;
    }
    for (CollectionConfig entry : collections) {
      String name = entry.name();
      if (!entry.enabled()) {
        findings.add(Finding.ok(name, "disabled in the config, not checked"));
        continue;
      }
      CollectionInfo info = infos.get(name);
      if (info == null) {
        findings.add(
            Finding.error(
                name,
                "does not exist in database " + database,
                "create it (db.createCollection(\""
                    + name
                    + "\")), fix its name, or remove it from `collections`"));
      } else if (info.isView()) {
        findings.add(
            Finding.error(
                name,
                "is a view: change streams cannot watch views",
                "sync the view's source collection instead"));
      } else if (info.capped()) {
        findings.add(
            Finding.error(
                name,
                "is capped: Ditto's connector does not support capped collections",
                "sync a regular (uncapped) collection"));
      } else if (!info.preAndPostImages()) {
        String mode = entry.mapping().idMode().name().toLowerCase();
        if (entry.mapping().needsPreImages()) {
          findings.add(
              Finding.error(
                  name,
                  "change stream pre- and post-images are off: with "
                      + mode
                      + " ("
                      + String.join(", ", entry.mapping().idFields())
                      + ") a delete can only be mapped to its Ditto _id from the pre-image",
                  ENABLE_HINT + CollectionInfo.collModCommand(name)));
        } else {
          findings.add(
              Finding.warn(
                  name,
                  "change stream pre- and post-images are off (not required with "
                      + mode
                      + ", but Ditto's own connector requires them)",
                  ENABLE_HINT + CollectionInfo.collModCommand(name)));
        }
      } else {
        String idText =
            entry.mapping().idMode() == IdMode.MATCH_IDS
                ? "match_ids"
                : entry.mapping().idMode().name().toLowerCase()
                    + " ("
                    + String.join(", ", entry.mapping().idFields())
                    + ")";
        findings.add(Finding.ok(name, "ready: " + idText + ", pre- and post-images on"));
      }
    }
    return findings;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return firstLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
