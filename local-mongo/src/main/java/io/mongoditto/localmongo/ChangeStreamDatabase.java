package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;

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
    return new ChangeStreamCollection(this, name, options, cursorRegistry);
  }
}
