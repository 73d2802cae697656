package io.mongoditto.cli.ops;

import java.time.Duration;

/**
 * When {@code /health} turns yellow or red. The defaults follow the guide (lag over 60 s, error
 * rate over 1 %: yellow) with red at five times that.
 *
 * @param lagYellow a collection this far behind MongoDB is yellow
 * @param lagRed and this far behind red
 * @param errorRateYellow failed share (0..1) of the Ditto requests / records over the last five
 *     minutes for yellow
 * @param errorRateRed and for red
 */
public record HealthThresholds(
    Duration lagYellow, Duration lagRed, double errorRateYellow, double errorRateRed) {

  public static final HealthThresholds DEFAULTS =
      new HealthThresholds(Duration.ofSeconds(60), Duration.ofSeconds(300), 0.01, 0.05);

  public HealthThresholds {
    if (lagYellow.isNegative() || lagRed.compareTo(lagYellow) < 0) {
      throw new IllegalArgumentException(
          "the red lag threshold ("
              + lagRed.toSeconds()
              + " s) must be at least the yellow one ("
              + lagYellow.toSeconds()
              + " s)");
    }
    if (errorRateYellow < 0 || errorRateRed < errorRateYellow || errorRateRed > 1) {
      throw new IllegalArgumentException(
          "error rate thresholds must satisfy 0 <= yellow <= red <= 1, not "
              + errorRateYellow
              + " and "
              + errorRateRed);
    }
  }
}
