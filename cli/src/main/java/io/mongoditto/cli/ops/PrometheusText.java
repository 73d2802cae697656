package io.mongoditto.cli.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;

/**
 * Renders the connectors' plugin metrics in Prometheus' text exposition format (version 0.0.4) with
 * exactly the names and labels the JMX exporter rules of docs/metrics.md produce from a Connect
 * worker: attribute {@code documents-upserted-total} of {@code
 * kafka.connect:type=plugins,connector=C,task=T,collection=X} becomes {@code
 * mongoditto_documents_upserted_total{connector="C",task="T",collection="X"}}, so one dashboard
 * serves both. Counters are the {@code -total} attributes, everything else numeric is a gauge; text
 * gauges ({@code state-name}) are left out, as the exporter leaves them out.
 */
public final class PrometheusText {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String PREFIX = "mongoditto_";
  private static final String GROUP = "plugins";

  /** One sample of an extra, runner-only metric family. */
  public record Sample(Map<String, String> labels, double value) {}

  private PrometheusText() {}

  /**
   * The Prometheus name of a plugin metric: {@code mongoditto_} plus the name with {@code _} for
   * {@code -}.
   */
  public static String name(String metric) {
    return PREFIX + metric.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  /** Every numeric plugin metric of the registry, grouped into families, sorted. */
  public static String render(Metrics registry) {
    Map<String, Family> families = new TreeMap<>();
    for (Map.Entry<MetricName, KafkaMetric> e : registry.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (!GROUP.equals(n.group())) {
        continue;
      }
      Object value;
      try {
        value = e.getValue().metricValue();
      } catch (RuntimeException ex) {
        continue; // a gauge of a task that is stopping
      }
      if (!(value instanceof Number num)) {
        continue;
      }
      String name = name(n.name());
      Family f =
          families.computeIfAbsent(
              name,
              k -> new Family(n.name().endsWith("-total") ? "counter" : "gauge", n.description()));
      f.samples.add(labels(n.tags()) + " " + format(num.doubleValue()));
    }
    StringBuilder out = new StringBuilder();
    families.forEach(
        (name, f) -> {
          f.samples.sort(null);
          if (f.help != null && !f.help.isEmpty()) {
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(f.help)).append('\n');
          }
          out.append("# TYPE ").append(name).append(' ').append(f.type).append('\n');
          for (String s : f.samples) {
            out.append(name).append(s).append('\n');
          }
        });
    return out.toString();
  }

  /** One extra gauge family (the runner's health), in the same format. */
  public static String gauge(String name, String help, List<Sample> samples) {
    StringBuilder out = new StringBuilder();
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    for (Sample s : samples) {
      out.append(name)
          .append(s.labels().isEmpty() ? "" : labels(s.labels()))
          .append(' ')
          .append(format(s.value()))
          .append('\n');
    }
    return out.toString();
  }

  /**
   * {@code {connector="..",task="..",collection=".."}}: Connect's tags first, then the rest by
   * name.
   */
  static String labels(Map<String, String> tags) {
    List<String> keys = new ArrayList<>();
    for (String first : List.of("connector", "task")) {
      if (tags.containsKey(first)) {
        keys.add(first);
      }
    }
    new TreeMap<>(tags).keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
    StringBuilder sb = new StringBuilder("{");
    for (String k : keys) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(k.replaceAll("[^a-zA-Z0-9_]", "_"))
          .append("=\"")
          .append(escapeLabel(tags.get(k)))
          .append('"');
    }
    return sb.append('}').toString();
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String escapeLabel(String v) {
    return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static final class Family {
    final String type;
    final String help;
    final List<String> samples = new ArrayList<>();

    Family(String type, String help) {
      this.type = type;
      this.help = help;
    }
  }
}
