package io.mongoditto.e2e.faults;

/**
 * How big a run is. The short plan runs in {@code mvn verify}; the long one with {@code
 * -Dfaults.long=true} (or {@code -Pfaults}). {@code -Dfaults.seed=N} replays a run.
 *
 * @param seedDocs documents written before the source starts (copied by its snapshot)
 * @param opsPerSecond the workload's rate while faults are injected
 * @param streamingKills kill -9 of a worker while streaming (one more always lands in the snapshot)
 * @param rebalances a second worker added, then removed
 * @param dittoOutages Ditto unavailable (503, 429 + Retry-After, dropped connections, hung
 *     requests)
 * @param mongoCuts every MongoDB connection cut, new ones refused for a while
 * @param minOutageSeconds shortest outage
 * @param maxOutageSeconds longest outage
 * @param historySize change events the local MongoDB keeps (the resume point expires beyond it)
 * @param settleSeconds how long the pipeline may take to converge at the end
 */
record FaultPlan(
    String name,
    long seed,
    int seedDocs,
    int opsPerSecond,
    int streamingKills,
    int rebalances,
    int dittoOutages,
    int mongoCuts,
    int minOutageSeconds,
    int maxOutageSeconds,
    int historySize,
    int settleSeconds) {

  static FaultPlan fromSystemProperties() {
    long seed = Long.getLong("faults.seed", 20261125L);
    if (Boolean.getBoolean("faults.long")) {
      return new FaultPlan("long", seed, 4000, 40, 5, 2, 4, 3, 5, 60, 40_000, 600);
    }
    return new FaultPlan("short", seed, 1600, 20, 1, 1, 4, 1, 3, 5, 6_000, 180);
  }
}
