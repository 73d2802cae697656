package io.mongoditto.cli.ops;

import io.mongoditto.cli.embedded.DittoToMongoSync;
import io.mongoditto.cli.embedded.EmbeddedSync;
import io.mongoditto.config.CollectionConfig;
import io.mongoditto.mongosink.MongoSinkMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * The embedded runner's health: green, yellow or red, per collection and overall, from the sync lag
 * and the error rate against {@link HealthThresholds}. Red also when the sync is not running (it
 * stopped after an error). The lag is {@link io.mongoditto.cli.embedded.SyncStats#lagMillis} (it
 * grows while Ditto does not acknowledge a batch and does not grow while MongoDB is idle); the
 * error rate is the larger of failed statements per Ditto request ({@code errors-total /
 * requests-total}) and dead-lettered per record ({@code dead-lettered-total / records-total}) over
 * the last five minutes (since the start when it ran shorter), read from the sink's metrics.
 *
 * <p>Each direction is summed up too ({@link DirectionHealth}): MongoDB -> Ditto from its
 * collections; Ditto -> MongoDB, when it runs, from its lag ({@link DittoToMongoSync#lagMillis})
 * and its dead-lettered share of the CDC events over the same window, against the same thresholds.
 */
public final class HealthMonitor {

  /** Overall and per-collection state; worse states compare greater. */
  public enum State {
    GREEN,
    YELLOW,
    RED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    State worst(State other) {
      return other.ordinal() > ordinal() ? other : this;
    }
  }

  /** One collection's health. lagMillis -1: no change with a source time yet. */
  public record CollectionHealth(
      String dittoCollection,
      String mongoCollection,
      State state,
      long lagMillis,
      double errorRate,
      String phase,
      long records,
      long requests,
      long errors,
      long deadLettered) {}

  /**
   * One direction's health: {@code mongo_to_ditto} (summed over its collections) or {@code
   * ditto_to_mongo}. lagMillis -1: no change with a time yet.
   *
   * @param applied changes applied to the target (Ditto statements' records; MongoDB documents
   *     written)
   * @param echoes changes that needed no write (the target already held them; Ditto -> MongoDB)
   * @param conflicts paths left as MongoDB holds them (Ditto -> MongoDB)
   * @param errors failed Ditto statements (MongoDB -> Ditto), batches handed back while MongoDB or
   *     Ditto could not be reached (Ditto -> MongoDB)
   */
  public record DirectionHealth(
      String direction,
      State state,
      long lagMillis,
      double errorRate,
      long applied,
      long echoes,
      long conflicts,
      long errors,
      long deadLettered) {}

  /** The whole picture. */
  public record Report(
      State state,
      boolean running,
      List<String> reasons,
      Map<String, CollectionHealth> collections,
      Map<String, DirectionHealth> directions,
      HealthThresholds thresholds) {}

  public static final String MONGO_TO_DITTO = "mongo_to_ditto";
  public static final String DITTO_TO_MONGO = "ditto_to_mongo";

  /** The key of the Ditto -> MongoDB totals among the per-collection samples. */
  private static final String REVERSE_SAMPLE = "\u0000" + DITTO_TO_MONGO;

  static final long ERROR_WINDOW_MILLIS = 5 * 60_000L;
  private static final long SAMPLE_EVERY_MILLIS = 5_000L;
  private static final String[] PHASES = {"starting", "snapshotting", "streaming", "finished"};

  private final EmbeddedSync sync;
  private final List<CollectionConfig> collections;
  private final HealthThresholds thresholds;
  private final String sourceName;
  private final String sinkName;
  private final LongSupplier clock;

  /**
   * (time, totals per Ditto collection: records, requests, errors, dead-lettered) for the windowed
   * error rate.
   */
  private final Deque<Map.Entry<Long, Map<String, long[]>>> samples = new ArrayDeque<>();

  public HealthMonitor(
      EmbeddedSync sync,
      Map<String, String> settings,
      List<CollectionConfig> collections,
      HealthThresholds thresholds) {
    this(sync, settings, collections, thresholds, System::currentTimeMillis);
  }

  HealthMonitor(
      EmbeddedSync sync,
      Map<String, String> settings,
      List<CollectionConfig> collections,
      HealthThresholds thresholds,
      LongSupplier clock) {
    this.sync = sync;
    this.collections = List.copyOf(collections);
    this.thresholds = thresholds;
    this.sourceName = EmbeddedSync.sourceMetricsName(settings);
    this.sinkName = EmbeddedSync.sinkMetricsName(settings);
    this.clock = clock;
  }

  public HealthThresholds thresholds() {
    return thresholds;
  }

  public synchronized Report evaluate() {
    long now = clock.getAsLong();
    Map<String, Double> values = metricValues();
    Map<String, long[]> totals = new HashMap<>();
    for (CollectionConfig e : collections) {
      String c = e.mapping().dittoCollection();
      totals.put(
          c,
          new long[] {
            (long) sum(values, sinkName, c, "records-total"),
                (long) sum(values, sinkName, c, "requests-total"),
            (long) sum(values, sinkName, c, "errors-total"),
                (long) sum(values, sinkName, c, "dead-lettered-total")
          });
    }
    DittoToMongoSync reverse = sync.dittoToMongo().orElse(null);
    if (reverse != null) {
      MongoSinkMetrics m = reverse.metrics();
      totals.put(REVERSE_SAMPLE, new long[] {m.events.count(), 0, 0, m.deadLettered.count()});
    }
    Map<String, long[]> baseline = baseline(now, totals);

    List<String> reasons = new ArrayList<>();
    Map<String, CollectionHealth> out = new LinkedHashMap<>();
    State overall = State.GREEN;
    if (!sync.isRunning()) {
      overall = State.RED;
      Throwable failure = sync.failure();
      reasons.add(
          failure == null
              ? "the sync is not running"
              : "the sync stopped: " + failure.getMessage());
    }
    for (CollectionConfig e : collections) {
      String c = e.mapping().dittoCollection();
      long[] t = totals.get(c);
      long[] b = baseline.getOrDefault(c, new long[4]);
      double errorRate = Math.max(ratio(t[2] - b[2], t[1] - b[1]), ratio(t[3] - b[3], t[0] - b[0]));
      long lag = sync.stats().lagMillis(c, now, thresholds.lagYellow().toMillis());
      State state = State.GREEN;
      if (lag >= thresholds.lagRed().toMillis()) {
        state = State.RED;
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s: lag %.1f s over %d s",
                c,
                lag / 1000.0,
                thresholds.lagRed().toSeconds()));
      } else if (lag >= thresholds.lagYellow().toMillis()) {
        state = State.YELLOW;
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s: lag %.1f s over %d s",
                c,
                lag / 1000.0,
                thresholds.lagYellow().toSeconds()));
      }
      if (errorRate > thresholds.errorRateRed()) {
        state = state.worst(State.RED);
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s: error rate %.2f %% over %.2f %%",
                c,
                errorRate * 100,
                thresholds.errorRateRed() * 100));
      } else if (errorRate > thresholds.errorRateYellow()) {
        state = state.worst(State.YELLOW);
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s: error rate %.2f %% over %.2f %%",
                c,
                errorRate * 100,
                thresholds.errorRateYellow() * 100));
      }
      Double phaseCode = values.get(key(sourceName, e.name(), "state"));
      String phase =
          phaseCode == null
              ? "starting"
              : PHASES[Math.max(0, Math.min(PHASES.length - 1, phaseCode.intValue()))];
      overall = overall.worst(state);
      out.put(
          c,
          new CollectionHealth(c, e.name(), state, lag, errorRate, phase, t[0], t[1], t[2], t[3]));
    }
    Map<String, DirectionHealth> directions = new LinkedHashMap<>();
    directions.put(MONGO_TO_DITTO, forward(out.values()));
    if (reverse != null) {
      long[] t = totals.get(REVERSE_SAMPLE);
      long[] b = baseline.getOrDefault(REVERSE_SAMPLE, new long[4]);
      DirectionHealth d = reverse(reverse, ratio(t[3] - b[3], t[0] - b[0]), reasons);
      directions.put(DITTO_TO_MONGO, d);
      overall = overall.worst(d.state());
    }
    return new Report(overall, sync.isRunning(), reasons, out, directions, thresholds);
  }

  /** MongoDB -> Ditto as a whole: its worst collection, its largest lag, its sums. */
  private static DirectionHealth forward(java.util.Collection<CollectionHealth> collections) {
    State state = State.GREEN;
    long lag = -1;
    double errorRate = 0;
    long applied = 0;
    long errors = 0;
    long deadLettered = 0;
    for (CollectionHealth c : collections) {
      state = state.worst(c.state());
      lag = Math.max(lag, c.lagMillis());
      errorRate = Math.max(errorRate, c.errorRate());
      applied += c.records();
      errors += c.errors();
      deadLettered += c.deadLettered();
    }
    return new DirectionHealth(
        MONGO_TO_DITTO, state, lag, errorRate, applied, 0, 0, errors, deadLettered);
  }

  /** Ditto -> MongoDB: its lag and dead-letter rate against the same thresholds. */
  private DirectionHealth reverse(
      DittoToMongoSync reverse, double errorRate, List<String> reasons) {
    MongoSinkMetrics m = reverse.metrics();
    long lag = reverse.lagMillis();
    State state = State.GREEN;
    if (!reverse.isRunning()) {
      state = State.RED;
      reasons.add("Ditto -> MongoDB is not running");
    }
    if (lag >= thresholds.lagRed().toMillis()) {
      state = state.worst(State.RED);
      reasons.add(
          String.format(
              Locale.ROOT,
              "Ditto -> MongoDB: lag %.1f s over %d s",
              lag / 1000.0,
              thresholds.lagRed().toSeconds()));
    } else if (lag >= thresholds.lagYellow().toMillis()) {
      state = state.worst(State.YELLOW);
      reasons.add(
          String.format(
              Locale.ROOT,
              "Ditto -> MongoDB: lag %.1f s over %d s",
              lag / 1000.0,
              thresholds.lagYellow().toSeconds()));
    }
    if (errorRate > thresholds.errorRateRed()) {
      state = state.worst(State.RED);
      reasons.add(
          String.format(
              Locale.ROOT,
              "Ditto -> MongoDB: dead-letter rate %.2f %% over %.2f %%",
              errorRate * 100,
              thresholds.errorRateRed() * 100));
    } else if (errorRate > thresholds.errorRateYellow()) {
      state = state.worst(State.YELLOW);
      reasons.add(
          String.format(
              Locale.ROOT,
              "Ditto -> MongoDB: dead-letter rate %.2f %% over %.2f %%",
              errorRate * 100,
              thresholds.errorRateYellow() * 100));
    }
    return new DirectionHealth(
        DITTO_TO_MONGO,
        state,
        lag,
        errorRate,
        m.written.count(),
        m.echoes.count(),
        m.conflicts.count(),
        m.retries.count(),
        m.deadLettered.count());
  }

  /**
   * The totals of the oldest kept sample (at most one older than the window), recording this one.
   */
  private Map<String, long[]> baseline(long now, Map<String, long[]> totals) {
    while (samples.size() >= 2 && now - peekSecond().getKey() >= ERROR_WINDOW_MILLIS) {
      samples.removeFirst();
    }
    Map<String, long[]> base = samples.isEmpty() ? Map.of() : samples.peekFirst().getValue();
    if (samples.isEmpty() || now - samples.peekLast().getKey() >= SAMPLE_EVERY_MILLIS) {
      samples.addLast(Map.entry(now, totals));
    }
    return base;
  }

  private Map.Entry<Long, Map<String, long[]>> peekSecond() {
    var it = samples.iterator();
    it.next();
    return it.next();
  }

  private static double ratio(long part, long whole) {
    return whole <= 0 || part <= 0 ? 0.0 : Math.min(1.0, (double) part / whole);
  }

  private Map<String, Double> metricValues() {
    Map<String, Double> out = new HashMap<>();
    for (Map.Entry<MetricName, KafkaMetric> m : sync.metrics().registry().metrics().entrySet()) {
      MetricName n = m.getKey();
      Object v;
      try {
        v = m.getValue().metricValue();
      } catch (RuntimeException e) {
        continue;
      }
      if (v instanceof Number num && n.tags().containsKey("collection")) {
        out.merge(
            key(n.tags().get("connector"), n.tags().get("collection"), n.name()),
            num.doubleValue(),
            Double::sum);
      }
    }
    return out;
  }

  private static double sum(
      Map<String, Double> values, String connector, String collection, String metric) {
    return values.getOrDefault(key(connector, collection, metric), 0.0);
  }

  private static String key(String connector, String collection, String metric) {
    return connector + '\u0000' + collection + '\u0000' + metric;
  }
}
