package io.mongoditto.config;

import io.mongoditto.mapping.CollectionMapping;
import io.mongoditto.mapping.IdMode;
import io.mongoditto.mapping.MongoIdType;
import io.mongoditto.mapping.SyncRules;
import io.mongoditto.mapping.ValueMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one parser of {@code collections} and every {@code collection.<name>.<setting>} ({@link
 * CollectionSetting}): the source connector, the Ditto -> MongoDB sink, the CLI and the embedded
 * runner all read collections through it, so a wrong value fails the same way everywhere, on its
 * exact key. A setting that is unknown, or of a collection not listed in {@code collections}, is an
 * error on that key.
 */
public final class CollectionsParser {

  public static final String COLLECTIONS = "collections";
  public static final String COLLECTION_PREFIX = "collection.";

  /** The source's topic prefix: a collection's default topic is {@code <prefix>.<collection>}. */
  public static final String TOPIC_PREFIX = "topic.prefix";

  public static final String DEFAULT_TOPIC_PREFIX = "mongoditto";

  /** The connector-wide startup mode: the default of {@code collection.<name>.startup.mode}. */
  public static final String STARTUP_MODE = "startup.mode";

  public static final StartupMode DEFAULT_STARTUP_MODE = StartupMode.INITIAL;

  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /**
   * What {@link #parse} found.
   *
   * @param collections every listed collection that parsed, in configured order, disabled ones
   *     included
   * @param errors the problems by key; {@code collections} is incomplete when there are any
   */
  public record Parsed(List<CollectionConfig> collections, Map<String, List<String>> errors) {
    public Parsed {
      collections = List.copyOf(collections);
      errors = Map.copyOf(errors);
    }

    public boolean ok() {
      return errors.isEmpty();
    }
  }

  private CollectionsParser() {}

  /** Parses the collections of {@code props}; the problems by key, none thrown. */
  public static Parsed parse(Map<String, String> props) {
    ConfigErrors errors = new ConfigErrors();
    List<CollectionConfig> collections = parse(props, errors);
    return new Parsed(collections, errors.asMap());
  }

  /** Parses the collections of {@code props}, adding the problems to {@code errors}. */
  public static List<CollectionConfig> parse(Map<String, String> props, ConfigErrors errors) {
    List<String> names = names(props.get(COLLECTIONS));
    Set<String> listed = new HashSet<>();
    for (String name : names) {
      if (name.isBlank()) {
        errors.add(COLLECTIONS, "contains an empty collection name");
      } else if (!listed.add(name)) {
        errors.add(COLLECTIONS, "lists collection '" + name + "' twice");
      } else if (name.startsWith("system.") || name.contains("$")) {
        errors.add(COLLECTIONS, "'" + name + "' is not a collection that can be synced");
      }
    }
    Map<String, Map<String, String>> settings = collectionKeys(props, listed, errors);
    String prefix = props.getOrDefault(TOPIC_PREFIX, DEFAULT_TOPIC_PREFIX);
    StartupMode defaultMode = DEFAULT_STARTUP_MODE;
    String modeText = props.get(STARTUP_MODE);
    if (modeText != null && !modeText.isBlank()) {
      try {
        defaultMode = StartupMode.parse(modeText);
      } catch (IllegalArgumentException e) {
        errors.add(STARTUP_MODE, e.getMessage());
      }
    }
    List<CollectionConfig> result = new ArrayList<>();
    for (String name : new LinkedHashSet<>(names)) {
      if (!name.isBlank()) {
        CollectionConfig c =
            collection(name, settings.getOrDefault(name, Map.of()), prefix, defaultMode, errors);
        if (c != null) {
          result.add(c);
        }
      }
    }
    return result;
  }

  /**
   * {@code props} narrowed to {@code names}: {@code collections} lists just them and the settings
   * of the other listed collections are left out (a command run on some collections of a config). A
   * name not listed in {@code props} is added with default settings.
   */
  public static Map<String, String> onlyCollections(Map<String, String> props, List<String> names) {
    Set<String> listed = new LinkedHashSet<>(names(props.get(COLLECTIONS)));
    listed.addAll(names);
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : props.entrySet()) {
      String owner = e.getKey().startsWith(COLLECTION_PREFIX) ? owner(e.getKey(), listed) : null;
      if (owner == null || names.contains(owner)) {
        out.put(e.getKey(), e.getValue());
      }
    }
    out.put(COLLECTIONS, String.join(",", names));
    return out;
  }

  /** The comma-separated names, trimmed, in order (blanks kept, so they can be reported). */
  static List<String> names(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return List.of();
    }
    return Arrays.stream(commaSeparated.split(",", -1)).map(String::trim).toList();
  }

  /**
   * The listed collection a {@code collection.<name>.<setting>} key belongs to: names may contain
   * dots, so the longest listed name that leaves a known setting, else the longest listed name.
   */
  private static String owner(String key, Set<String> names) {
    String rest = key.substring(COLLECTION_PREFIX.length());
    String owner = null;
    String ownerWithUnknownSetting = null;
    for (String name : names) {
      if (rest.startsWith(name + ".")) {
        if (CollectionSetting.of(rest.substring(name.length() + 1)) != null) {
          if (owner == null || name.length() > owner.length()) {
            owner = name;
          }
        } else if (ownerWithUnknownSetting == null
            || name.length() > ownerWithUnknownSetting.length()) {
          ownerWithUnknownSetting = name;
        }
      }
    }
    return owner != null ? owner : ownerWithUnknownSetting;
  }

  /** Groups {@code collection.<name>.<setting>} keys by collection; unknown ones become errors. */
  private static Map<String, Map<String, String>> collectionKeys(
      Map<String, String> props, Set<String> names, ConfigErrors errors) {
    Map<String, Map<String, String>> byCollection = new LinkedHashMap<>();
    String known =
        String.join(
            ", ", Arrays.stream(CollectionSetting.values()).map(CollectionSetting::key).toList());
    for (Map.Entry<String, String> e : props.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(COLLECTION_PREFIX)) {
        continue;
      }
      String owner = owner(key, names);
      if (owner == null) {
        errors.add(
            key,
            "refers to a collection that is not listed in '"
                + COLLECTIONS
                + "' (known settings per collection: "
                + known
                + ")");
        continue;
      }
      String setting = key.substring(COLLECTION_PREFIX.length() + owner.length() + 1);
      if (CollectionSetting.of(setting) == null) {
        errors.add(
            key,
            "unknown setting '"
                + setting
                + "' for collection '"
                + owner
                + "'; known settings: "
                + known);
      } else {
        byCollection.computeIfAbsent(owner, k -> new LinkedHashMap<>()).put(setting, e.getValue());
      }
    }
    return byCollection;
  }

  private static CollectionConfig collection(
      String name,
      Map<String, String> s,
      String prefix,
      StartupMode defaultMode,
      ConfigErrors errors) {
    int before = errors.count();
    Values v = new Values(name, s, errors);
    StartupMode startup = v.parse(CollectionSetting.STARTUP_MODE, StartupMode::parse, defaultMode);
    boolean enabled = v.bool(CollectionSetting.ENABLED, true);
    Direction direction = v.parse(CollectionSetting.DIRECTION, Direction::parse, Direction.BOTH);
    boolean keepMongoId = v.bool(CollectionSetting.ID_KEEP_MONGO_ID, false);
    ValueMode valueMode = v.parse(CollectionSetting.MODE, ValueMode::parse, ValueMode.JSON);
    IdMode mode = v.parse(CollectionSetting.ID_MODE, CollectionsParser::idMode, null);
    List<String> fields = idFields(s.get(CollectionSetting.ID_FIELDS.key()));
    MongoIdType mongoIdType =
        v.parse(CollectionSetting.ID_MONGO_TYPE, MongoIdType::parse, MongoIdType.AUTO);
    if (mode == null && !v.has(CollectionSetting.ID_MODE)) {
      mode = IdMode.MATCH_IDS;
    }
    if (mode != null) {
      // Without a known mode nothing can be said about its fields: only the mode is reported.
      checkIdFields(name, mode, fields, errors);
      if (mode != IdMode.MATCH_IDS && mongoIdType != MongoIdType.AUTO) {
        errors.add(
            CollectionSetting.ID_MONGO_TYPE.keyFor(name),
            "applies to id.mode=match_ids only; "
                + mode.name().toLowerCase(Locale.ROOT)
                + " gives MongoDB documents made from Ditto documents ObjectId _ids");
      }
    }
    String ditto = s.getOrDefault(CollectionSetting.DITTO_COLLECTION.key(), name).trim();
    if (ditto.isEmpty()) {
      errors.add(CollectionSetting.DITTO_COLLECTION.keyFor(name), "must not be empty");
    }
    String topic = topic(name, s.get(CollectionSetting.TOPIC.key()), prefix, errors);
    SyncRules rules = SyncRulesParser.parse(name, s, errors);
    if (errors.count() != before) {
      return null;
    }
    CollectionMapping mapping =
        new CollectionMapping(name, ditto, mode, fields, keepMongoId, valueMode, mongoIdType);
    return new CollectionConfig(enabled, direction, mapping, topic, startup, rules);
  }

  private static IdMode idMode(String text) {
    for (IdMode m : IdMode.values()) {
      if (m.name().equalsIgnoreCase(text.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not one of match_ids, single_field, multiple_fields");
  }

  private static List<String> idFields(String text) {
    List<String> fields = new ArrayList<>();
    if (text != null) {
      for (String f : text.split(",", -1)) {
        if (!f.isBlank()) {
          fields.add(f.trim());
        }
      }
    }
    return fields;
  }

  private static void checkIdFields(
      String name, IdMode mode, List<String> fields, ConfigErrors errors) {
    String key = CollectionSetting.ID_FIELDS.keyFor(name);
    switch (mode) {
      case MATCH_IDS -> {
        if (!fields.isEmpty()) {
          errors.add(key, "match_ids takes the Mongo _id; remove id.fields or set id.mode");
        }
      }
      case SINGLE_FIELD -> {
        if (fields.size() != 1) {
          errors.add(key, "single_field needs exactly one field, got " + fields.size());
        }
      }
      case MULTIPLE_FIELDS -> {
        if (fields.size() < 2) {
          errors.add(key, "multiple_fields needs two or more fields, got " + fields.size());
        } else if (new HashSet<>(fields).size() != fields.size()) {
          errors.add(key, "lists a field twice");
        }
      }
    }
    for (String f : fields) {
      if (f.equals("_id")) {
        errors.add(key, "'_id' cannot be an id field; use id.mode=match_ids");
      } else if (f.contains(".") || f.startsWith("$")) {
        errors.add(key, "'" + f + "' is not a top-level field name");
      }
    }
  }

  private static String topic(String name, String topic, String prefix, ConfigErrors errors) {
    String key = CollectionSetting.TOPIC.keyFor(name);
    if (topic == null || topic.isBlank()) {
      String dflt = prefix == null || prefix.isBlank() ? name : prefix.trim() + "." + name;
      if (!validTopic(dflt)) {
        errors.add(
            key, "the default topic '" + dflt + "' is not a valid Kafka topic name; set this key");
      }
      return dflt;
    }
    String t = topic.trim();
    if (!validTopic(t)) {
      errors.add(key, "'" + t + "' is not a valid Kafka topic name");
    }
    return t;
  }

  private static boolean validTopic(String topic) {
    return TOPIC_NAME.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
  }

  /** One collection's raw settings, read with the problems put on their keys. */
  private static final class Values {
    private final String collection;
    private final Map<String, String> settings;
    private final ConfigErrors errors;

    Values(String collection, Map<String, String> settings, ConfigErrors errors) {
      this.collection = collection;
      this.settings = settings;
      this.errors = errors;
    }

    boolean has(CollectionSetting setting) {
      String text = settings.get(setting.key());
      return text != null && !text.isBlank();
    }

    /** The parsed value, {@code dflt} when unset, or {@code dflt} after reporting a bad one. */
    <T> T parse(CollectionSetting setting, java.util.function.Function<String, T> parser, T dflt) {
      if (!has(setting)) {
        return dflt;
      }
      try {
        return parser.apply(settings.get(setting.key()));
      } catch (IllegalArgumentException e) {
        errors.add(setting.keyFor(collection), e.getMessage());
        return dflt;
      }
    }

    boolean bool(CollectionSetting setting, boolean dflt) {
      return parse(
          setting,
          text -> {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
              return Boolean.parseBoolean(t);
            }
            throw new IllegalArgumentException("'" + text + "' is not true or false");
          },
          dflt);
    }
  }
}
