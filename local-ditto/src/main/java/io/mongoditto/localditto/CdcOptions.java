package io.mongoditto.localditto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local Ditto's Change Data Capture feed: every change made through its HTTP API, as Ditto
 * cloud's CDC event, produced to a Kafka topic.
 *
 * @param topic the topic the events go to (created when missing)
 * @param partitions partitions of the topic when it is created
 * @param filters Data Bridge filters: collection to DQL WHERE clause ({@code true} = every change);
 *     the key {@code *} applies to collections not listed (default: every change)
 * @param bootstrapServers an existing Kafka; null starts a one-node broker in this JVM (needs
 *     {@code org.apache.kafka:kafka-test-common-runtime} on the class path)
 * @param segmentBytes size at which the server starts a new event log file
 */
public record CdcOptions(
    String topic,
    int partitions,
    Map<String, String> filters,
    String bootstrapServers,
    long segmentBytes) {

  public static final String DEFAULT_TOPIC = "ditto-cdc";

  public CdcOptions {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("a CDC topic name is required");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("CDC partitions must be at least 1");
    }
    if (segmentBytes < 1) {
      throw new IllegalArgumentException("CDC segment size must be positive");
    }
    filters = Map.copyOf(filters);
  }

  /** Topic {@value #DEFAULT_TOPIC}, 3 partitions, no filter, a broker started in this JVM. */
  public static CdcOptions inProcessBroker() {
    return new CdcOptions(DEFAULT_TOPIC, 3, Map.of(), null, 16L * 1024 * 1024);
  }

  /** Like {@link #inProcessBroker()} but producing to an existing Kafka. */
  public static CdcOptions toKafka(String bootstrapServers) {
    return inProcessBroker().withBootstrapServers(bootstrapServers);
  }

  public CdcOptions withTopic(String newTopic) {
    return new CdcOptions(newTopic, partitions, filters, bootstrapServers, segmentBytes);
  }

  public CdcOptions withPartitions(int newPartitions) {
    return new CdcOptions(topic, newPartitions, filters, bootstrapServers, segmentBytes);
  }

  /** Adds (or replaces) the Data Bridge filter of a collection; {@code *} for the others. */
  public CdcOptions withFilter(String collection, String where) {
    Map<String, String> all = new LinkedHashMap<>(filters);
    all.put(collection, where);
    return new CdcOptions(topic, partitions, all, bootstrapServers, segmentBytes);
  }

  public CdcOptions withBootstrapServers(String servers) {
    return new CdcOptions(topic, partitions, filters, servers, segmentBytes);
  }

  public CdcOptions withSegmentBytes(long bytes) {
    return new CdcOptions(topic, partitions, filters, bootstrapServers, bytes);
  }

  /** The Node server's command-line arguments for this feed. */
  List<String> serverArguments() {
    List<String> args =
        new ArrayList<>(List.of("--cdc", "--cdc-segment-bytes", Long.toString(segmentBytes)));
    filters.forEach(
        (collection, where) -> {
          args.add("--cdc-filter");
          args.add(collection + "=" + where);
        });
    return args;
  }
}
