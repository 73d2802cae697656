package io.mongoditto.source;

import io.mongoditto.mapping.FieldTransforms;
import io.mongoditto.mapping.QueryFilter;
import io.mongoditto.mapping.SyncRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a collection's {@code filter} and {@code fields.*} settings into {@link SyncRules}, putting
 * each problem on the key that causes it (so {@code PUT .../config/validate} shows it there).
 */
final class SyncRulesSettings {

  private SyncRulesSettings() {}

  /** The rules, or {@link SyncRules#NONE} after adding the problems to {@code errors}. */
  static SyncRules parse(
      String collection, Map<String, String> settings, Map<String, List<String>> errors) {
    String filterJson = settings.get(MongoSourceConfig.FILTER);
    String exclude = settings.get(MongoSourceConfig.FIELDS_EXCLUDE);
    String rename = settings.get(MongoSourceConfig.FIELDS_RENAME);
    String convert = settings.get(MongoSourceConfig.FIELDS_CONVERT);
    boolean ok = true;
    QueryFilter filter = null;
    if (filterJson != null && !filterJson.isBlank()) {
      try {
        filter = QueryFilter.parse(filterJson);
      } catch (IllegalArgumentException e) {
        ok = add(errors, collection, MongoSourceConfig.FILTER, e);
      }
    }
    // Each key alone first, so a problem lands on its own key; then the combination.
    ok &=
        check(
            errors,
            collection,
            MongoSourceConfig.FIELDS_EXCLUDE,
            () -> FieldTransforms.parse(exclude, null, null));
    ok &=
        check(
            errors,
            collection,
            MongoSourceConfig.FIELDS_RENAME,
            () -> FieldTransforms.parse(null, rename, null));
    ok &=
        check(
            errors,
            collection,
            MongoSourceConfig.FIELDS_CONVERT,
            () -> FieldTransforms.parse(null, null, convert));
    if (!ok) {
      return SyncRules.NONE;
    }
    try {
      return SyncRules.of(filter, FieldTransforms.parse(exclude, rename, convert));
    } catch (IllegalArgumentException e) {
      // Only conflicts between keys remain: a path both excluded and renamed/converted.
      add(errors, collection, MongoSourceConfig.FIELDS_EXCLUDE, e);
      return SyncRules.NONE;
    }
  }

  private static boolean check(
      Map<String, List<String>> errors, String collection, String setting, Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (IllegalArgumentException e) {
      return add(errors, collection, setting, e);
    }
  }

  private static boolean add(
      Map<String, List<String>> errors, String collection, String setting, Exception e) {
    errors
        .computeIfAbsent(MongoSourceConfig.key(collection, setting), k -> new ArrayList<>())
        .add(e.getMessage());
    return false;
  }
}
