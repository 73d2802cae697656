package io.mongoditto.cli;

import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.cli.ops.HealthMonitor;
import io.mongoditto.cli.ops.HealthThresholds;
import io.mongoditto.cli.ops.OpsServer;
import io.mongoditto.config.CollectionConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The HTTP endpoint's address and /health thresholds, shared by {@code run} and the tools' {@code
 * demo}.
 */
public final class HealthOptions {

  @Option(
      names = "--http-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "Address of the /metrics and /health endpoint (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String httpHost;

  @Option(
      names = "--health-lag-yellow",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "/health is yellow when a collection is this far behind MongoDB (default ${DEFAULT-VALUE}).")
  double lagYellowSeconds;

  @Option(
      names = "--health-lag-red",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description = "/health is red (HTTP 503) at this lag (default ${DEFAULT-VALUE}).")
  double lagRedSeconds;

  @Option(
      names = "--health-error-rate-yellow",
      paramLabel = "RATE",
      defaultValue = "0.01",
      description =
          "Yellow above this share of failed Ditto requests / dead-lettered records over 5 minutes (default ${DEFAULT-VALUE}).")
  double errorRateYellow;

  @Option(
      names = "--health-error-rate-red",
      paramLabel = "RATE",
      defaultValue = "0.05",
      description = "Red above this share (default ${DEFAULT-VALUE}).")
  double errorRateRed;

  HealthThresholds thresholds() {
    try {
      return new HealthThresholds(
          Duration.ofMillis(Math.round(lagYellowSeconds * 1000)),
          Duration.ofMillis(Math.round(lagRedSeconds * 1000)),
          errorRateYellow,
          errorRateRed);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  /**
   * Starts the endpoint on {@code port} (0: a free one); a port that is taken is the user's problem
   * to fix.
   */
  public OpsServer start(
      int port,
      EmbeddedSync sync,
      Map<String, String> settings,
      List<CollectionConfig> collections) {
    HealthMonitor monitor = new HealthMonitor(sync, settings, collections, thresholds());
    try {
      return OpsServer.start(httpHost, port, sync, monitor);
    } catch (java.io.UncheckedIOException e) {
      throw new UserException(
          "--http-port: " + e.getMessage() + " (choose another port, or 0 for a free one)", e);
    }
  }
}
