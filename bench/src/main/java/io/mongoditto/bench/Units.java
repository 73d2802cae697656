package io.mongoditto.bench;

import java.util.Locale;

/** Formatting of figures for the table. */
final class Units {

  private Units() {}

  static String bytes(long bytes) {
    if (bytes < 0) {
      return "unknown";
    }
    double mib = bytes / (1024.0 * 1024.0);
    return mib >= 10_240
        ? String.format(Locale.ROOT, "%.1f GiB", mib / 1024)
        : String.format(Locale.ROOT, "%.0f MiB", mib);
  }

  static String rate(double perSecond, String unit) {
    return String.format(Locale.ROOT, "%,.0f %s", perSecond, unit);
  }

  static String ratio(double ratio) {
    return String.format(Locale.ROOT, "%.2f", ratio);
  }

  static double perSecond(long count, long nanos) {
    return nanos <= 0 ? 0 : count * 1e9 / nanos;
  }
}
