package io.mongoditto.localmongo.spec;

import com.mongodb.MongoNamespace;
import com.mongodb.MongoServerException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/** Runs one test of a unified-format spec file against a server, with the official driver. */
final class UnifiedTestCase implements AutoCloseable {

  /** Commands the unified format never lets tests observe. */
  private static final Set<String> SENSITIVE =
      Set.of(
          "hello",
          "ismaster",
          "saslstart",
          "saslcontinue",
          "getnonce",
          "authenticate",
          "createuser",
          "updateuser",
          "copydbgetnonce",
          "copydbsaslstart",
          "copydb");

  /** How long an iteration may wait for an event before the test fails (a guard, not a check). */
  private static final long ITERATE_GUARD_MILLIS = 10_000;

  private final String connectionString;
  private final BsonDocument file;
  private final BsonDocument test;
  private final Map<String, Object> entities = new HashMap<>();
  private final Map<String, List<Observed>> observed = new HashMap<>();

  /** A started command, copied: the driver's event document is only valid during the callback. */
  private record Observed(String commandName, String databaseName, BsonDocument command) {}

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final UnifiedMatcher matcher = new UnifiedMatcher(entities);
  private final List<String> failPoints = new ArrayList<>();

  UnifiedTestCase(String connectionString, BsonDocument file, BsonDocument test) {
    this.connectionString = connectionString;
    this.file = file;
    this.test = test;
  }

  void run() throws Exception {
    loadInitialData();
    createEntities();
    for (BsonValue op : test.getArray("operations")) {
      runOperation(op.asDocument());
    }
    checkEvents();
  }

  private void loadInitialData() {
    if (!file.containsKey("initialData")) {
      return;
    }
    try (MongoClient client = MongoClients.create(connectionString)) {
      for (BsonValue v : file.getArray("initialData")) {
        BsonDocument data = v.asDocument();
        MongoDatabase db = client.getDatabase(data.getString("databaseName").getValue());
        String name = data.getString("collectionName").getValue();
        db.getCollection(name).drop();
        db.createCollection(name);
        List<BsonDocument> docs = new ArrayList<>();
        data.getArray("documents").forEach(d -> docs.add(d.asDocument()));
        if (!docs.isEmpty()) {
          db.getCollection(name, BsonDocument.class).insertMany(docs);
        }
      }
    }
  }

  private void createEntities() {
    for (BsonValue v : file.getArray("createEntities", new BsonArray())) {
      BsonDocument entity = v.asDocument();
      String kind = entity.getFirstKey();
      BsonDocument spec = entity.getDocument(kind);
      String id = spec.getString("id").getValue();
      switch (kind) {
        case "client" -> entities.put(id, createClient(id, spec));
        case "database" ->
            entities.put(
                id,
                ((MongoClient) entities.get(spec.getString("client").getValue()))
                    .getDatabase(spec.getString("databaseName").getValue()));
        case "collection" ->
            entities.put(
                id,
                ((MongoDatabase) entities.get(spec.getString("database").getValue()))
                    .getCollection(
                        spec.getString("collectionName").getValue(), BsonDocument.class));
        default -> throw new UnsupportedOperationException("entity " + kind);
      }
    }
  }

  private MongoClient createClient(String id, BsonDocument spec) {
    Set<String> ignored = new HashSet<>(SENSITIVE);
    spec.getArray("ignoreCommandMonitoringEvents", new BsonArray())
        .forEach(c -> ignored.add(c.asString().getValue().toLowerCase()));
    boolean observe =
        spec.getArray("observeEvents", new BsonArray())
            .contains(new BsonString("commandStartedEvent"));
    List<Observed> events = Collections.synchronizedList(new ArrayList<>());
    observed.put(id, events);
    com.mongodb.MongoClientSettings.Builder settings =
        com.mongodb.MongoClientSettings.builder()
            .applyConnectionString(new com.mongodb.ConnectionString(connectionString));
    if (observe) {
      settings.addCommandListener(
          new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
              if (!ignored.contains(event.getCommandName().toLowerCase())) {
                events.add(
                    new Observed(
                        event.getCommandName(),
                        event.getDatabaseName(),
                        event.getCommand().clone()));
              }
            }
          });
    }
    MongoClient client = MongoClients.create(settings.build());
    closeables.add(client);
    return client;
  }

  @SuppressWarnings("unchecked")
  private void runOperation(BsonDocument op) throws Exception {
    String name = op.getString("name").getValue();
    String object = op.getString("object").getValue();
    BsonDocument args = op.getDocument("arguments", new BsonDocument());
    Object target = entities.get(object);
    BsonValue result;
    try {
      result = execute(name, target, args);
    } catch (Exception e) {
      if (op.containsKey("expectError")) {
        checkError(op.getDocument("expectError"), e, name);
        return;
      }
      throw new AssertionError("operation " + name + " failed: " + e, e);
    }
    if (op.containsKey("expectError")) {
      throw new AssertionError(
          "operation "
              + name
              + " was expected to fail with "
              + op.get("expectError")
              + " but returned "
              + result);
    }
    if (op.containsKey("saveResultAsEntity")) {
      entities.put(op.getString("saveResultAsEntity").getValue(), resultEntity);
    }
    if (op.containsKey("expectResult")) {
      matcher.assertMatches(op.get("expectResult"), result, true, name);
    }
  }

  private Object resultEntity;

  @SuppressWarnings("unchecked")
  private BsonValue execute(String name, Object target, BsonDocument args) throws Exception {
    resultEntity = null;
    switch (name) {
      case "createChangeStream" -> {
        List<Bson> pipeline = new ArrayList<>();
        args.getArray("pipeline", new BsonArray()).forEach(s -> pipeline.add(s.asDocument()));
        ChangeStreamIterable<?> iterable;
        if (target instanceof MongoCollection<?> c) {
          iterable = c.watch(pipeline);
        } else if (target instanceof MongoDatabase d) {
          iterable = d.watch(pipeline);
        } else {
          iterable = ((MongoClient) target).watch(pipeline);
        }
        for (Map.Entry<String, BsonValue> a : args.entrySet()) {
          BsonValue v = a.getValue();
          switch (a.getKey()) {
            case "pipeline" -> {}
            case "batchSize" -> iterable.batchSize(v.asNumber().intValue());
            case "comment" -> iterable.comment(v);
            case "fullDocument" ->
                iterable.fullDocument(FullDocument.fromString(v.asString().getValue()));
            case "fullDocumentBeforeChange" ->
                iterable.fullDocumentBeforeChange(
                    FullDocumentBeforeChange.fromString(v.asString().getValue()));
            case "resumeAfter" -> iterable.resumeAfter(v.asDocument());
            case "startAfter" -> iterable.startAfter(v.asDocument());
            case "startAtOperationTime" -> iterable.startAtOperationTime(v.asTimestamp());
            case "showExpandedEvents" -> iterable.showExpandedEvents(v.asBoolean().getValue());
            case "maxAwaitTimeMS" ->
                iterable.maxAwaitTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS);
            default -> throw new UnsupportedOperationException("createChangeStream " + a.getKey());
          }
        }
        MongoCursor<BsonDocument> cursor = iterable.withDocumentClass(BsonDocument.class).cursor();
        closeables.add(cursor);
        resultEntity = cursor;
        return null;
      }
      case "iterateUntilDocumentOrError", "iterateOnce" -> {
        MongoCursor<BsonDocument> cursor = (MongoCursor<BsonDocument>) target;
        long deadline = System.currentTimeMillis() + ITERATE_GUARD_MILLIS;
        do {
          BsonDocument next = cursor.tryNext();
          if (next != null || name.equals("iterateOnce")) {
            return next;
          }
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("no change event within " + ITERATE_GUARD_MILLIS + " ms");
      }
      case "failPoint" -> {
        BsonDocument failPoint = args.getDocument("failPoint");
        ((MongoClient) entities.get(args.getString("client").getValue()))
            .getDatabase("admin")
            .runCommand(failPoint);
        failPoints.add(failPoint.getString("configureFailPoint").getValue());
        return null;
      }
      case "close" -> {
        ((AutoCloseable) target).close();
        return null;
      }
      case "insertOne" -> {
        coll(target).insertOne(args.getDocument("document"));
        return null;
      }
      case "insertMany" -> {
        List<BsonDocument> docs = new ArrayList<>();
        args.getArray("documents").forEach(d -> docs.add(d.asDocument()));
        coll(target).insertMany(docs);
        return null;
      }
      case "updateOne", "updateMany" -> {
        UpdateOptions options =
            new UpdateOptions()
                .upsert(args.getBoolean("upsert", org.bson.BsonBoolean.FALSE).getValue());
        BsonDocument filter = args.getDocument("filter");
        BsonValue update = args.get("update");
        boolean one = name.equals("updateOne");
        if (update.isArray()) {
          List<BsonDocument> stages = new ArrayList<>();
          update.asArray().forEach(s -> stages.add(s.asDocument()));
          if (one) {
            coll(target).updateOne(filter, stages, options);
          } else {
            coll(target).updateMany(filter, stages, options);
          }
        } else if (one) {
          coll(target).updateOne(filter, update.asDocument(), options);
        } else {
          coll(target).updateMany(filter, update.asDocument(), options);
        }
        return null;
      }
      case "replaceOne" -> {
        coll(target)
            .replaceOne(
                args.getDocument("filter"),
                args.getDocument("replacement"),
                new ReplaceOptions()
                    .upsert(args.getBoolean("upsert", org.bson.BsonBoolean.FALSE).getValue()));
        return null;
      }
      case "deleteOne" -> {
        coll(target).deleteOne(args.getDocument("filter"));
        return null;
      }
      case "deleteMany" -> {
        coll(target).deleteMany(args.getDocument("filter"));
        return null;
      }
      case "findOneAndUpdate" -> {
        return coll(target)
            .findOneAndUpdate(
                args.getDocument("filter"),
                args.getDocument("update"),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
      }
      case "findOneAndReplace" -> {
        return coll(target)
            .findOneAndReplace(
                args.getDocument("filter"),
                args.getDocument("replacement"),
                new FindOneAndReplaceOptions());
      }
      case "findOneAndDelete" -> {
        return coll(target).findOneAndDelete(args.getDocument("filter"));
      }
      case "dropCollection" -> {
        ((MongoDatabase) target).getCollection(args.getString("collection").getValue()).drop();
        return null;
      }
      case "createCollection" -> {
        CreateCollectionOptions options = new CreateCollectionOptions();
        for (String key : args.keySet()) {
          switch (key) {
            case "collection" -> {}
            case "changeStreamPreAndPostImages" ->
                options.changeStreamPreAndPostImagesOptions(
                    new ChangeStreamPreAndPostImagesOptions(
                        args.getDocument(key).getBoolean("enabled").getValue()));
            default -> throw new UnsupportedOperationException("createCollection " + key);
          }
        }
        ((MongoDatabase) target).createCollection(args.getString("collection").getValue(), options);
        return null;
      }
      case "modifyCollection" -> {
        BsonDocument command = new BsonDocument("collMod", args.getString("collection"));
        for (String key : args.keySet()) {
          if (!key.equals("collection")) {
            command.append(key, args.get(key));
          }
        }
        ((MongoDatabase) target).runCommand(command);
        return null;
      }
      case "runCommand" -> {
        return ((MongoDatabase) target).runCommand(args.getDocument("command"), BsonDocument.class);
      }
      case "rename" -> {
        MongoCollection<BsonDocument> c = coll(target);
        c.renameCollection(
            new MongoNamespace(c.getNamespace().getDatabaseName(), args.getString("to").getValue()),
            new com.mongodb.client.model.RenameCollectionOptions()
                .dropTarget(args.getBoolean("dropTarget", org.bson.BsonBoolean.FALSE).getValue()));
        return null;
      }
      case "createIndex" -> {
        IndexOptions options = new IndexOptions();
        if (args.containsKey("name")) {
          options.name(args.getString("name").getValue());
        }
        coll(target).createIndex(args.getDocument("keys"), options);
        return null;
      }
      case "dropIndex" -> {
        coll(target).dropIndex(args.getString("name").getValue());
        return null;
      }
      case "assertCollectionExists", "assertCollectionNotExists" -> {
        try (MongoClient client = MongoClients.create(connectionString)) {
          List<String> names =
              client
                  .getDatabase(args.getString("databaseName").getValue())
                  .listCollectionNames()
                  .into(new ArrayList<>());
          boolean exists = names.contains(args.getString("collectionName").getValue());
          if (exists != name.equals("assertCollectionExists")) {
            throw new AssertionError(name + " " + args + " but collections are " + names);
          }
        }
        return null;
      }
      default -> throw new UnsupportedOperationException("operation " + name);
    }
  }

  @SuppressWarnings("unchecked")
  private static MongoCollection<BsonDocument> coll(Object target) {
    return (MongoCollection<BsonDocument>) target;
  }

  private void checkError(BsonDocument expect, Exception e, String op) {
    boolean serverError = e instanceof MongoServerException;
    for (String key : expect.keySet()) {
      BsonValue v = expect.get(key);
      switch (key) {
        case "isError" -> {}
        case "isClientError" -> {
          if (v.asBoolean().getValue() == serverError) {
            throw new AssertionError(op + ": expected isClientError " + v + " but got " + e, e);
          }
        }
        case "errorCode" -> {
          if (!serverError || ((MongoServerException) e).getCode() != v.asNumber().intValue()) {
            throw new AssertionError(op + ": expected error code " + v + " but got " + e, e);
          }
        }
        case "errorCodeName" -> {
          if (!serverError
              || !v.asString().getValue().equals(((MongoServerException) e).getErrorCodeName())) {
            throw new AssertionError(op + ": expected error " + v + " but got " + e, e);
          }
        }
        case "errorLabelsContain" ->
            v.asArray()
                .forEach(
                    label -> {
                      if (!(e instanceof com.mongodb.MongoException m)
                          || !m.hasErrorLabel(label.asString().getValue())) {
                        throw new AssertionError(
                            op + ": expected error label " + label + " on " + e, e);
                      }
                    });
        case "errorLabelsOmit" ->
            v.asArray()
                .forEach(
                    label -> {
                      if (e instanceof com.mongodb.MongoException m
                          && m.hasErrorLabel(label.asString().getValue())) {
                        throw new AssertionError(
                            op + ": unexpected error label " + label + " on " + e, e);
                      }
                    });
        case "errorContains" -> {
          if (e.getMessage() == null
              || !e.getMessage().toLowerCase().contains(v.asString().getValue().toLowerCase())) {
            throw new AssertionError(op + ": expected message containing " + v + ": " + e, e);
          }
        }
        default -> throw new UnsupportedOperationException("expectError." + key);
      }
    }
  }

  private void checkEvents() {
    for (BsonValue v : test.getArray("expectEvents", new BsonArray())) {
      BsonDocument expectation = v.asDocument();
      String client = expectation.getString("client").getValue();
      String type = expectation.getString("eventType", new BsonString("command")).getValue();
      if (!type.equals("command")) {
        throw new UnsupportedOperationException("eventType " + type);
      }
      List<Observed> actual;
      synchronized (observed.get(client)) {
        actual = new ArrayList<>(observed.get(client));
      }
      BsonArray expected = expectation.getArray("events");
      boolean ignoreExtra =
          expectation.getBoolean("ignoreExtraEvents", org.bson.BsonBoolean.FALSE).getValue();
      if (actual.size() < expected.size() || (!ignoreExtra && actual.size() != expected.size())) {
        throw new AssertionError(
            "expected events " + expected + " but observed " + describe(actual));
      }
      for (int i = 0; i < expected.size(); i++) {
        BsonDocument e = expected.get(i).asDocument();
        if (!e.containsKey("commandStartedEvent")) {
          throw new UnsupportedOperationException("expected event " + e.getFirstKey());
        }
        BsonDocument started = e.getDocument("commandStartedEvent");
        Observed a = actual.get(i);
        String at = "event[" + i + "]";
        if (started.containsKey("command")) {
          matcher.assertMatches(started.get("command"), a.command(), true, at + ".command");
        }
        if (started.containsKey("commandName")
            && !started.getString("commandName").getValue().equals(a.commandName())) {
          throw new AssertionError(
              at
                  + ": expected command "
                  + started.get("commandName")
                  + " but got "
                  + a.commandName());
        }
        if (started.containsKey("databaseName")
            && !started.getString("databaseName").getValue().equals(a.databaseName())) {
          throw new AssertionError(
              at
                  + ": expected database "
                  + started.get("databaseName")
                  + " but got "
                  + a.databaseName());
        }
      }
    }
  }

  private static String describe(List<Observed> events) {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(e.command().toJson()));
    return out.toString();
  }

  @Override
  public void close() {
    if (!failPoints.isEmpty()) {
      try (MongoClient client = MongoClients.create(connectionString)) {
        for (String name : failPoints) {
          client
              .getDatabase("admin")
              .runCommand(
                  new BsonDocument("configureFailPoint", new BsonString(name))
                      .append("mode", new BsonString("off")));
        }
      }
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception ignored) {
        // best effort: a closed stream or client must not hide the test's own outcome
      }
    }
  }
}
