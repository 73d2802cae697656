package io.mongoditto.source;

import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mapping.SyncRules;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a filter or field transformation changed on a running connector (a PUT of a new config)
 * and says what that means. Every offset of a collection with rules carries their fingerprint
 * ({@value #OFFSET_KEY}); a task that starts with other rules than its stored offset was written
 * with logs a WARN: the new rules apply to new changes only, and how to re-sync the rest.
 */
final class SyncRulesChange {

  /**
   * Offset key holding {@link SyncRules#fingerprint()}; absent when the collection has no rules.
   */
  static final String OFFSET_KEY = "sync_rules";

  private static final Logger log = LoggerFactory.getLogger(SyncRulesChange.class);

  private SyncRulesChange() {}

  /** {@code offset} with the rules' fingerprint added (unchanged when there are no rules). */
  static Map<String, ?> stamped(Map<String, ?> offset, SyncRules rules) {
    if (offset == null || rules.isEmpty()) {
      return offset;
    }
    Map<String, Object> out = new HashMap<>(offset);
    out.put(OFFSET_KEY, rules.fingerprint());
    return out;
  }

  /**
   * Logs {@link #message} at WARN when the rules changed since {@code storedOffset} was written.
   */
  static void warnIfChanged(
      String connector, String database, CollectionConfig collection, Map<String, ?> storedOffset) {
    String message = message(connector, database, collection, storedOffset);
    if (message != null) {
      log.warn(message);
    }
  }

  /** The warning, or null when there is no stored offset or the rules are the same. */
  static String message(
      String connector, String database, CollectionConfig collection, Map<String, ?> storedOffset) {
    if (storedOffset == null || storedOffset.isEmpty()) {
      return null; // a first start: the snapshot (or stream) applies the rules from the beginning
    }
    Object stored = storedOffset.get(OFFSET_KEY);
    SyncRules rules = collection.rules();
    String current = rules.isEmpty() ? null : rules.fingerprint();
    if (current == null ? stored == null : current.equals(stored)) {
      return null;
    }
    String ns = database + "." + collection.name();
    return "The filter or field transformations of "
        + ns
        + " changed since its stored offset was written"
        + " (now: "
        + rules.describe()
        + "). They apply to changes from now on: documents already in Ditto"
        + " keep their old shape until a re-sync, and documents that no longer match stay in Ditto until"
        + " deleted there."
        + " To re-sync "
        + ns
        + ": PUT /connectors/"
        + connector
        + "/stop, then PATCH /connectors/"
        + connector
        + "/offsets with {\"offsets\": [{\"partition\": {\"ns\": \""
        + ns
        + "\"}, \"offset\": null}]}, then PUT"
        + " /connectors/"
        + connector
        + "/resume (startup.mode initial copies the collection again with the"
        + " new rules). The re-sync deletes documents that no longer match only with snapshot.sweep=always:"
        + " if the filter got narrower, set it, or delete them from Ditto collection '"
        + collection.mapping().dittoCollection()
        + "' before resuming.";
  }
}
