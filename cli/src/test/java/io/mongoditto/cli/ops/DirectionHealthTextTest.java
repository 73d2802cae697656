package io.mongoditto.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each direction in /metrics and /health, from a report. */
class DirectionHealthTextTest {

  private static HealthMonitor.Report report() {
    Map<String, HealthMonitor.DirectionHealth> directions = new LinkedHashMap<>();
    directions.put(
        HealthMonitor.MONGO_TO_DITTO,
        new HealthMonitor.DirectionHealth(
            HealthMonitor.MONGO_TO_DITTO, HealthMonitor.State.GREEN, 120, 0, 500, 0, 0, 1, 2));
    directions.put(
        HealthMonitor.DITTO_TO_MONGO,
        new HealthMonitor.DirectionHealth(
            HealthMonitor.DITTO_TO_MONGO, HealthMonitor.State.YELLOW, 61_000, 0, 12, 40, 3, 0, 4));
    return new HealthMonitor.Report(
        HealthMonitor.State.YELLOW,
        true,
        List.of("Ditto -> MongoDB: lag 61.0 s over 60 s"),
        Map.of(),
        directions,
        HealthThresholds.DEFAULTS);
  }

  @Test
  void metricsCarryOneSeriesPerDirection() {
    String text = OpsServer.directionGauges(report());
    assertTrue(
        text.contains("mongoditto_direction_lag_ms{direction=\"ditto_to_mongo\"} 61000"), text);
    assertTrue(
        text.contains("mongoditto_direction_lag_ms{direction=\"mongo_to_ditto\"} 120"), text);
    assertTrue(
        text.contains("mongoditto_direction_health_state{direction=\"ditto_to_mongo\"} 1"), text);
    assertTrue(
        text.contains("mongoditto_direction_applied{direction=\"ditto_to_mongo\"} 12"), text);
    assertTrue(text.contains("mongoditto_direction_errors{direction=\"mongo_to_ditto\"} 3"), text);
  }

  @Test
  void healthShowsAppliedLagAndErrorsPerDirection() throws Exception {
    JsonNode json = new ObjectMapper().readTree(OpsServer.toJson(report()));
    JsonNode reverse = json.at("/directions/ditto_to_mongo");
    assertEquals("yellow", reverse.get("state").asText());
    assertEquals(61.0, reverse.get("lag_seconds").asDouble());
    assertEquals(12, reverse.get("applied").asLong());
    assertEquals(40, reverse.get("echoes").asLong());
    assertEquals(3, reverse.get("conflicts").asLong());
    assertEquals(4, reverse.get("dead_lettered").asLong());
    JsonNode forward = json.at("/directions/mongo_to_ditto");
    assertEquals(500, forward.get("applied").asLong());
    assertTrue(forward.get("echoes") == null, "echoes are the other direction's");
  }
}
