package io.mongoditto.cli.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where documents the connectors could not deliver went, in the words of the settings verify was
 * given: what `verify` prints beside a collection that Ditto holds fewer documents of.
 */
public final class DeadLetterPlaces {

  /** The sink's (Connect's) dead letter queue topic. */
  static final String SINK_DLQ_TOPIC = "errors.deadletterqueue.topic.name";

  /** The source's topic for documents it cannot map. */
  static final String SOURCE_ERRORS_TOPIC = "errors.topic";

  static final String RUN_DEAD_LETTERS = "data/dead-letters.jsonl";

  private DeadLetterPlaces() {}

  /** One sentence naming every place configured, and the embedded runner's file. */
  public static String describe(Map<String, String> settings) {
    List<String> places = new ArrayList<>();
    String dlq = settings.getOrDefault(SINK_DLQ_TOPIC, "");
    places.add(
        dlq.isBlank()
            ? "on Connect, the Ditto sink's dead letter queue (" + SINK_DLQ_TOPIC + ", not given)"
            : "on Connect, the Ditto sink's dead letter queue topic " + dlq);
    String errors = settings.getOrDefault(SOURCE_ERRORS_TOPIC, "");
    places.add(
        errors.isBlank()
            ? "documents the source cannot map: its log (" + SOURCE_ERRORS_TOPIC + " not given)"
            : "documents the source cannot map: its errors topic " + errors);
    places.add(
        "with `mongo-ditto run`: its --dead-letters file (default " + RUN_DEAD_LETTERS + ")");
    return String.join("; ", places);
  }
}
