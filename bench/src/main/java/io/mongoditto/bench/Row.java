package io.mongoditto.bench;

/**
 * One line of the result table.
 *
 * @param figure what was measured
 * @param measured the main measured number (rate, milliseconds or bytes); NaN when none
 * @param value the measured value, formatted
 * @param baseline what it is compared with, formatted ("" for none)
 * @param ratio value / baseline, formatted ("" for none)
 * @param target the target, formatted ("" for a limit, which has none)
 * @param result "pass", "MISSED" or "" for limits; "n/a" when not run
 * @param note one line on why a target was missed, or how the value was obtained
 */
record Row(
    String figure,
    double measured,
    String value,
    String baseline,
    String ratio,
    String target,
    String result,
    String note) {

  static Row limit(String figure, double perSecond, String unit, String note) {
    return new Row(figure, perSecond, Units.rate(perSecond, unit), "", "", "", "", note);
  }

  /**
   * A figure compared with a baseline: passes when value / baseline is at least {@code minRatio}.
   */
  static Row atLeast(
      String figure,
      double value,
      String unit,
      String baselineName,
      double baseline,
      double minRatio,
      String targetText,
      String note) {
    double ratio = baseline > 0 ? value / baseline : 0;
    return new Row(
        figure,
        value,
        Units.rate(value, unit),
        baselineName + " " + Units.rate(baseline, unit),
        Units.ratio(ratio),
        targetText,
        ratio >= minRatio ? "pass" : "MISSED",
        note);
  }

  static Row failed(String figure, String why) {
    return new Row(figure, Double.NaN, "failed", "", "", "", "MISSED", why);
  }

  static Row skipped(String figure, String why) {
    return new Row(figure, Double.NaN, "not run", "", "", "", "n/a", why);
  }

  boolean missed() {
    return "MISSED".equals(result);
  }
}
