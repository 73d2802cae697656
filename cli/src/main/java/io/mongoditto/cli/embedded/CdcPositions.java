package io.mongoditto.cli.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the Ditto -> MongoDB consumer continues, per partition of Ditto's CDC topic, kept in the
 * runner's {@link OffsetsFile} beside the MongoDB -> Ditto offsets, in the same shape Connect uses
 * for a connector's partitions ({@code ["<name>", {"topic": ..., "partition": ...}]} -> {@code
 * {"offset": <next>}}).
 */
final class CdcPositions {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OffsetsFile file;
  private final String name;

  CdcPositions(OffsetsFile file, String name) {
    this.file = file;
    this.name = name;
  }

  /** The next offset to read of each partition that has one stored. */
  Map<TopicPartition, Long> stored(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      ByteBuffer value = file.entries().get(key(tp));
      if (value != null) {
        try {
          JsonNode node = JSON.readTree(value.array());
          out.put(tp, node.get("offset").asLong());
        } catch (java.io.IOException | NullPointerException e) {
          throw new IllegalStateException(
              "the offsets file " + file.file() + " holds no readable position for " + tp, e);
        }
      }
    }
    return out;
  }

  /** Stores the next offsets to read and writes the file. */
  void store(Map<TopicPartition, Long> next) {
    if (next.isEmpty()) {
      return;
    }
    next.forEach((tp, offset) -> file.entries().put(key(tp), bytes(Map.of("offset", offset))));
    file.save();
  }

  private ByteBuffer key(TopicPartition tp) {
    // A sorted map: the key's bytes must be the same in every run (Map.of's order is not).
    return bytes(
        List.of(name, new TreeMap<>(Map.of("topic", tp.topic(), "partition", tp.partition()))));
  }

  private static ByteBuffer bytes(Object value) {
    try {
      return ByteBuffer.wrap(JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
