package io.mongoditto.config;

import io.mongoditto.mapping.FieldTransforms;
import io.mongoditto.mapping.QueryFilter;
import io.mongoditto.mapping.SyncRules;
import java.util.Map;

/**
 * Reads a collection's {@code filter} and {@code fields.*} settings into {@link SyncRules}, putting
 * each problem on the key that causes it (so {@code PUT .../config/validate} shows it there).
 */
final class SyncRulesParser {

  private SyncRulesParser() {}

  /**
   * The rules, or {@link SyncRules#NONE} after adding the problems to {@code errors}.
   *
   * @param settings the collection's settings by setting name ({@code filter}, ...)
   */
  static SyncRules parse(String collection, Map<String, String> settings, ConfigErrors errors) {
    String filterJson = settings.get(CollectionSetting.FILTER.key());
    String exclude = settings.get(CollectionSetting.FIELDS_EXCLUDE.key());
    String rename = settings.get(CollectionSetting.FIELDS_RENAME.key());
    String convert = settings.get(CollectionSetting.FIELDS_CONVERT.key());
    boolean ok = true;
    QueryFilter filter = null;
    if (filterJson != null && !filterJson.isBlank()) {
      try {
        filter = QueryFilter.parse(filterJson);
        // What the structure check cannot see and the server would refuse only once a document
        // has the field: checked here, whatever the collection holds.
        String problem = FilterOperands.problem(filter.query());
        if (problem != null) {
          throw new IllegalArgumentException(problem);
        }
      } catch (IllegalArgumentException e) {
        ok = add(errors, collection, CollectionSetting.FILTER, e);
      }
    }
    // Each key alone first, so a problem lands on its own key; then the combination.
    ok &=
        check(
            errors,
            collection,
            CollectionSetting.FIELDS_EXCLUDE,
            () -> FieldTransforms.parse(exclude, null, null));
    ok &=
        check(
            errors,
            collection,
            CollectionSetting.FIELDS_RENAME,
            () -> FieldTransforms.parse(null, rename, null));
    ok &=
        check(
            errors,
            collection,
            CollectionSetting.FIELDS_CONVERT,
            () -> FieldTransforms.parse(null, null, convert));
    if (!ok) {
      return SyncRules.NONE;
    }
    try {
      return SyncRules.of(filter, FieldTransforms.parse(exclude, rename, convert));
    } catch (IllegalArgumentException e) {
      // Only conflicts between keys remain: a path both excluded and renamed/converted.
      add(errors, collection, CollectionSetting.FIELDS_EXCLUDE, e);
      return SyncRules.NONE;
    }
  }

  private static boolean check(
      ConfigErrors errors, String collection, CollectionSetting setting, Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (IllegalArgumentException e) {
      return add(errors, collection, setting, e);
    }
  }

  private static boolean add(
      ConfigErrors errors, String collection, CollectionSetting setting, Exception e) {
    errors.add(setting.keyFor(collection), e.getMessage());
    return false;
  }
}
