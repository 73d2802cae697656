package io.mongoditto.e2e.faults;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What both directions carried for the documents a failed run left different: every record of the
 * CDC topic and of the collection's source topic whose key names the document, in topic order, with
 * its broker timestamp. A failure is rarely reproducible; this is what narrows it down.
 */
final class DocumentHistory {

  private DocumentHistory() {}

  /**
   * @param documents "collection/id" entries, possibly followed by ".field" and a note after a
   *     space (the suite's ids hold no dots or spaces)
   * @param sourceTopicPrefix the source's {@code topic.prefix} (the topic is prefix.collection)
   */
  static String of(
      String bootstrap, String cdcTopic, String sourceTopicPrefix, List<String> documents) {
    Set<String> wanted = new LinkedHashSet<>();
    for (String d : documents) {
      String where = d.split(" ", 2)[0];
      int slash = where.indexOf('/');
      int field = where.indexOf('.', slash + 1);
      if (slash > 0) {
        wanted.add(field < 0 ? where : where.substring(0, field));
      }
    }
    if (wanted.isEmpty()) {
      return "";
    }
    List<ConsumerRecord<byte[], byte[]>> cdc = read(bootstrap, cdcTopic);
    StringBuilder out = new StringBuilder();
    for (String doc : wanted) {
      int slash = doc.indexOf('/');
      String collection = doc.substring(0, slash);
      String id = doc.substring(slash + 1);
      out.append("== history of ").append(doc).append('\n');
      append(out, cdcTopic, cdc, id);
      String source = sourceTopicPrefix + "." + collection;
      append(out, source, read(bootstrap, source), id);
    }
    return out.toString();
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic) {
    try (CdcFeed feed = new CdcFeed(bootstrap, topic, "history")) {
      return feed.readAll();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static void append(
      StringBuilder out, String topic, List<ConsumerRecord<byte[], byte[]>> records, String id) {
    List<String> lines = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
      String value = r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8);
      if (key.contains(id) || (r.key() == null && value.contains(id))) {
        lines.add(
            "  "
                + topic
                + " p"
                + r.partition()
                + "@"
                + r.offset()
                + " "
                + Instant.ofEpochMilli(r.timestamp())
                + " "
                + value);
      }
    }
    out.append("  ").append(topic).append(": ").append(lines.size()).append(" records\n");
    lines.forEach(l -> out.append(l).append('\n'));
  }
}
