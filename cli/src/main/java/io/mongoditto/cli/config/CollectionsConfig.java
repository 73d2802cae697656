package io.mongoditto.cli.config;

import io.mongoditto.cli.UserException;
import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.IdMode;
import io.mongoditto.mapping.SyncRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The configured collections and their Ditto id mapping, read from the source connector's keys:
 * {@code collections}, {@code collection.<name>.id.mode} ({@code match_ids} by default), {@code
 * collection.<name>.id.fields}, {@code .id.keep.mongo.id}, {@code .ditto.collection} and {@code
 * collection.<name>.enabled}, plus its sync rules: {@code collection.<name>.filter}, {@code
 * .fields.exclude}, {@code .fields.rename} and {@code .fields.convert}.
 */
public final class CollectionsConfig {

  /**
   * One configured collection.
   *
   * @param rules its filter and field transformations, parsed exactly as the source connector does
   */
  public record Entry(CollectionMapping mapping, boolean enabled, SyncRules rules) {
    public Entry {
      java.util.Objects.requireNonNull(rules, "rules");
    }

    /** A collection without filter or transformations. */
    public Entry(CollectionMapping mapping, boolean enabled) {
      this(mapping, enabled, SyncRules.NONE);
    }

    public String name() {
      return mapping.mongoCollection();
    }
  }

  private CollectionsConfig() {}

  /** Every listed collection, enabled or not, in the configured order. */
  public static List<Entry> all(Settings settings) {
    List<Entry> entries = new ArrayList<>();
    for (String name : list(settings.get(Keys.COLLECTIONS).orElse(""))) {
      entries.add(entry(settings, name));
    }
    return entries;
  }

  /** The collections that are synced. */
  public static List<Entry> enabled(Settings settings) {
    return all(settings).stream().filter(Entry::enabled).toList();
  }

  private static Entry entry(Settings settings, String name) {
    String modeText =
        settings
            .get(Keys.collectionKey(name, "id.mode"))
            .orElse("match_ids")
            .toUpperCase(Locale.ROOT);
    IdMode mode;
    try {
      mode = IdMode.valueOf(modeText);
    } catch (IllegalArgumentException e) {
      throw new UserException(
          Keys.collectionKey(name, "id.mode")
              + " must be match_ids, single_field or multiple_fields, not "
              + modeText.toLowerCase(Locale.ROOT));
    }
    List<String> fields = list(settings.get(Keys.collectionKey(name, "id.fields")).orElse(""));
    if (mode == IdMode.SINGLE_FIELD && fields.size() != 1) {
      throw new UserException(
          Keys.collectionKey(name, "id.fields") + " must name exactly one field for single_field");
    }
    if (mode == IdMode.MULTIPLE_FIELDS && fields.size() < 2) {
      throw new UserException(
          Keys.collectionKey(name, "id.fields")
              + " must name two or more fields for multiple_fields");
    }
    if (mode == IdMode.MATCH_IDS) {
      fields = List.of();
    }
    boolean enabled =
        Boolean.parseBoolean(settings.get(Keys.collectionKey(name, "enabled")).orElse("true"));
    String dittoCollection =
        settings.get(Keys.collectionKey(name, "ditto.collection")).orElse(name);
    boolean keepMongoId =
        Boolean.parseBoolean(
            settings.get(Keys.collectionKey(name, "id.keep.mongo.id")).orElse("false"));
    return new Entry(
        new CollectionMapping(name, dittoCollection, mode, fields, keepMongoId),
        enabled,
        rules(settings, name));
  }

  /** The collection's filter and transformations; a bad value names its key. */
  private static SyncRules rules(Settings settings, String name) {
    String filter = settings.get(Keys.collectionKey(name, "filter")).orElse(null);
    String exclude = settings.get(Keys.collectionKey(name, "fields.exclude")).orElse(null);
    String rename = settings.get(Keys.collectionKey(name, "fields.rename")).orElse(null);
    String convert = settings.get(Keys.collectionKey(name, "fields.convert")).orElse(null);
    try {
      SyncRules.parse(filter, null, null, null);
    } catch (IllegalArgumentException e) {
      throw new UserException(Keys.collectionKey(name, "filter") + ": " + e.getMessage());
    }
    try {
      return SyncRules.parse(filter, exclude, rename, convert);
    } catch (IllegalArgumentException e) {
      throw new UserException(Keys.collectionKey(name, "fields.*") + ": " + e.getMessage());
    }
  }

  public static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .distinct()
        .toList();
  }
}
