package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;

/** A memory database whose user collections record their writes in the change event log. */
final class ChangeStreamDatabase extends MemoryDatabase {

  private final ChangeEventLog log;

  ChangeStreamDatabase(String name, CursorRegistry cursorRegistry, ChangeEventLog log) {
    super(name, cursorRegistry);
    this.log = log;
  }

  /** Null while the superclass constructor opens system.namespaces (before fields are set). */
  ChangeEventLog log() {
    return log;
  }

  @Override
  protected MemoryCollection openOrCreateCollection(String name, CollectionOptions options) {
    if (name.startsWith("system.")) {
      // Called from the super constructor too, when this object's fields are not set yet.
      return super.openOrCreateCollection(name, options);
    }
    ChangeStreamCollection collection =
        new ChangeStreamCollection(this, name, options, cursorRegistry);
    if (log != null) {
      log.append(
          ChangeEvent.Draft.ofDdl(
              ChangeEvent.CREATE,
              databaseName,
              name,
              collection.getUuid(),
              new Document(
                  "idIndex",
                  new Document("v", 2)
                      .append("key", new Document("_id", 1))
                      .append("name", "_id_"))));
    }
    return collection;
  }
}
