package io.mongoditto.sink;

import io.mongoditto.ditto.DittoProbe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sink asks Ditto before it runs ({@code validate()}, task start): is the endpoint a Ditto
 * app, does it take the key, may the key read and write the collections the sink will write. One
 * read and one harmless write per mapped collection ({@link DittoProbe}), without retries and with
 * a short timeout: the answer is needed now.
 */
final class DittoAccessCheck {

  /** Read when nothing names a collection: any answer but 401/404 proves the endpoint and key. */
  static final String PLACEHOLDER_COLLECTION = "mongoditto_probe";

  private DittoAccessCheck() {}

  /**
   * The collections to probe: the mapped ones (the sink writes them: read and write are checked),
   * else guesses from the listed topics (the last segment, as for tombstones: only read, since the
   * records may name another collection).
   */
  static Map<String, Boolean> collections(DittoSinkConfig config, Map<String, String> props) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    config.mappedCollections().values().forEach(c -> out.put(c, true));
    String topics = props.get("topics");
    if (topics != null) {
      for (String t : topics.split(",")) {
        String topic = t.trim();
        if (!topic.isEmpty() && config.collectionFor(topic) == null) {
          out.putIfAbsent(DittoSinkTask.lastSegment(topic), false);
        }
      }
    }
    if (out.isEmpty()) {
      out.put(PLACEHOLDER_COLLECTION, false);
    }
    return out;
  }

  static List<DittoProbe.Finding> run(DittoSinkConfig config, Map<String, String> props) {
    return DittoProbe.probe(config.connection(), collections(config, props));
  }

  /** The key whose value a finding asks to fix. */
  static String keyFor(DittoProbe.Finding f) {
    return DittoProbe.keyFor(f, DittoSinkConfig.COLLECTION_MAP);
  }
}
