package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Collection-level commands the local MongoDB handles beyond mongo-java-server: the
 * changeStreamPreAndPostImages option of create, collMod and listCollections; renames and index
 * changes recorded as change events (the DDL ones for showExpandedEvents); and index bookkeeping
 * fixes so renames and dropIndexes leave other collections intact.
 */
final class CollectionCommands {

  /** mongo-java-server's own handling of a command. */
  interface StockCommands {
    Document run(Channel channel, String databaseName, String command, Document query);
  }

  private final ChangeEventLog log;
  private final Function<String, MongoDatabase> databases;
  private final StockCommands stock;

  CollectionCommands(
      ChangeEventLog log, Function<String, MongoDatabase> databases, StockCommands stock) {
    this.log = log;
    this.databases = databases;
    this.stock = stock;
  }

  Document collMod(String databaseName, Document query) {
    String name = String.valueOf(query.get("collMod"));
    ChangeStreamCollection collection = findCollection(databaseName, name);
    if (collection == null) {
      throw ChangeStreamErrors.namespaceNotFound("ns does not exist: " + databaseName + "." + name);
    }
    Object option = query.get(PreAndPostImageOptions.FIELD);
    if (option != null) {
      collection.preAndPostImages(PreAndPostImageOptions.enabled(option));
    }
    Document changes = query.clone();
    changes.remove("collMod");
    changes.keySet().removeIf(k -> k.startsWith("$") || k.equals("lsid") || k.equals("txnNumber"));
    log.append(
        ChangeEvent.Draft.ofDdl(
            ChangeEvent.MODIFY, databaseName, name, collection.getUuid(), changes));
    return new Document("ok", 1.0);
  }

  /** create, then the changeStreamPreAndPostImages option mongo-java-server ignores. */
  Document create(Channel channel, String databaseName, String command, Document query) {
    Document reply = stock.run(channel, databaseName, command, query);
    Object option = query.get(PreAndPostImageOptions.FIELD);
    if (option != null) {
      collection(databaseName, String.valueOf(query.get(command)))
          .preAndPostImages(PreAndPostImageOptions.enabled(option));
    }
    return reply;
  }

  /** listCollections, showing the changeStreamPreAndPostImages option where it is on. */
  Document listCollections(Channel channel, String databaseName, String command, Document query) {
    return withImageOptions(databaseName, stock.run(channel, databaseName, command, query));
  }

  private Document withImageOptions(String databaseName, Document reply) {
    if (reply.get("cursor") instanceof Document cursor
        && cursor.get("firstBatch") instanceof List<?> batch) {
      for (Object entry : batch) {
        if (entry instanceof Document description
            && description.get("options") instanceof Document options) {
          ChangeStreamCollection c =
              findCollection(databaseName, String.valueOf(description.get("name")));
          if (c != null && c.preAndPostImages()) {
            options.put(PreAndPostImageOptions.FIELD, PreAndPostImageOptions.asListed());
          }
        }
      }
    }
    return reply;
  }

  Document rename(Channel channel, String databaseName, String command, Document query) {
    String from = String.valueOf(query.get(command));
    String to = String.valueOf(query.get("to"));
    int f = from.indexOf('.');
    int t = to.indexOf('.');
    if (f <= 0 || t <= 0) {
      return stock.run(channel, databaseName, command, query);
    }
    String fromDb = from.substring(0, f);
    String fromColl = from.substring(f + 1);
    String toDb = to.substring(0, t);
    String toColl = to.substring(t + 1);
    ChangeStreamCollection source = findCollection(fromDb, fromColl);
    ChangeStreamCollection target = findCollection(toDb, toColl);
    // mongo-java-server moves a collection without re-registering its secondary indexes under
    // the new name (dropping it later fails): move them by hand, without change events.
    List<Document> secondary =
        source == null
            ? List.of()
            : indexes(channel, fromDb, fromColl).stream()
                .filter(i -> !"_id_".equals(i.get("name")))
                .toList();
    for (Document index : secondary) {
      stock.run(
          channel,
          fromDb,
          "dropIndexes",
          new Document("dropIndexes", fromColl).append("index", index.get("name")));
    }
    Document reply;
    try {
      reply = stock.run(channel, databaseName, command, query);
    } catch (RuntimeException e) {
      recreate(channel, fromDb, fromColl, secondary);
      throw e;
    }
    recreate(channel, toDb, toColl, secondary);
    Document description = new Document("to", new Document("db", toDb).append("coll", toColl));
    if (target != null && Boolean.TRUE.equals(query.get("dropTarget"))) {
      description.append("dropTarget", target.getUuid());
    }
    log.append(
        ChangeEvent.Draft.ofRename(
            fromDb, fromColl, source == null ? null : source.getUuid(), toDb, toColl, description));
    return reply;
  }

  private void recreate(Channel channel, String db, String coll, List<Document> indexes) {
    if (!indexes.isEmpty()) {
      List<Document> specs = new ArrayList<>();
      for (Document index : indexes) {
        Document spec = index.clone();
        spec.remove("v");
        spec.remove("ns");
        specs.add(spec);
      }
      stock.run(
          channel,
          db,
          "createIndexes",
          new Document("createIndexes", coll).append("indexes", specs));
    }
  }

  /** createIndexes / dropIndexes, recorded for streams with showExpandedEvents. */
  Document indexCommand(Channel channel, String databaseName, String command, Document query) {
    String name = String.valueOf(query.get(command));
    boolean create = command.equalsIgnoreCase("createIndexes");
    List<Document> before = create ? List.of() : indexes(channel, databaseName, name);
    ChangeStreamCollection existing = findCollection(databaseName, name);
    int countBefore = existing == null ? 0 : existing.getNumIndexes();
    Document reply =
        create
            ? stock.run(channel, databaseName, command, query)
            : dropIndexes(databaseName, name, query.get("index"), before);
    ChangeStreamCollection collection = findCollection(databaseName, name);
    if (collection == null || collection.getNumIndexes() == countBefore) {
      return reply;
    }
    List<Object> changed = new ArrayList<>();
    if (create) {
      if (query.get("indexes") instanceof List<?> specs) {
        for (Object spec : specs) {
          if (spec instanceof Document d) {
            changed.add(
                new Document("v", 2).append("key", d.get("key")).append("name", d.get("name")));
          }
        }
      }
    } else {
      List<Object> remaining = new ArrayList<>();
      indexes(channel, databaseName, name).forEach(i -> remaining.add(i.get("name")));
      before.stream().filter(i -> !remaining.contains(i.get("name"))).forEach(changed::add);
    }
    log.append(
        ChangeEvent.Draft.ofDdl(
            create ? ChangeEvent.CREATE_INDEXES : ChangeEvent.DROP_INDEXES,
            databaseName,
            name,
            collection.getUuid(),
            new Document("indexes", changed)));
    return reply;
  }

  /**
   * dropIndexes done here: mongo-java-server looks the index description up by name only and so may
   * delete another collection's same-named index, breaking that collection's later drop.
   */
  private Document dropIndexes(
      String databaseName, String name, Object which, List<Document> existing) {
    MongoDatabase database = databases.apply(databaseName);
    MongoCollection<?> collection = database.resolveCollection(name, false);
    if (collection == null) {
      throw ChangeStreamErrors.namespaceNotFound("ns not found " + databaseName + "." + name);
    }
    List<String> names = new ArrayList<>();
    if ("*".equals(which)) {
      existing.stream()
          .map(i -> String.valueOf(i.get("name")))
          .filter(n -> !n.equals("_id_"))
          .forEach(names::add);
    } else if (which instanceof String n) {
      names.add(n);
    } else if (which instanceof List<?> list) {
      list.forEach(n -> names.add(String.valueOf(n)));
    } else if (which instanceof Document key) {
      existing.stream()
          .filter(i -> key.equals(i.get("key")))
          .map(i -> String.valueOf(i.get("name")))
          .findFirst()
          .ifPresentOrElse(
              names::add,
              () -> {
                throw new MongoServerError(
                    27, "IndexNotFound", "can't find index with key: " + key);
              });
    }
    for (String index : names) {
      if (index.equals("_id_")) {
        throw new MongoServerError(72, "InvalidOptions", "cannot drop _id index");
      }
      if (existing.stream().noneMatch(i -> index.equals(i.get("name")))) {
        throw new MongoServerError(
            27, "IndexNotFound", "index not found with name [" + index + "]");
      }
    }
    MongoCollection<?> descriptions = database.resolveCollection("system.indexes", false);
    for (String index : names) {
      collection.dropIndex(index);
      if (descriptions != null) {
        descriptions.deleteDocuments(
            new Document("ns", collection.getFullName()).append("name", index), 1);
      }
    }
    return new Document("nIndexesWas", existing.size()).append("ok", 1.0);
  }

  private List<Document> indexes(Channel channel, String databaseName, String collection) {
    List<Document> out = new ArrayList<>();
    Document reply =
        stock.run(channel, databaseName, "listIndexes", new Document("listIndexes", collection));
    if (reply.get("cursor") instanceof Document cursor
        && cursor.get("firstBatch") instanceof List<?> batch) {
      batch.forEach(i -> out.add((Document) i));
    }
    return out;
  }

  private ChangeStreamCollection findCollection(String databaseName, String name) {
    MongoCollection<?> c = databases.apply(databaseName).resolveCollection(name, false);
    return c instanceof ChangeStreamCollection csc ? csc : null;
  }

  private ChangeStreamCollection collection(String databaseName, String name) {
    ChangeStreamCollection c = findCollection(databaseName, name);
    if (c == null) {
      throw ChangeStreamErrors.namespaceNotFound("ns does not exist: " + databaseName + "." + name);
    }
    return c;
  }
}
