#!/usr/bin/env bash
# The benchmark: limits, embedded initial sync, source into Kafka vs mongo-kafka-connect 2.0.1,
# end-to-end lag, the embedded runner's heap, and Ditto -> MongoDB (the sink task against a raw bulk
# write, lag through the local Ditto's CDC feed), measured in one run on the local MongoDB and the
# local Ditto. Prints the machine and a Markdown table (docs/benchmark.md shows the latest).
#
#   scripts/bench.sh                      # default scale 0.05 (~33,000 documents), a few minutes
#   scripts/bench.sh --scale 0.2          # any scale in (0, 1]
#   scripts/bench.sh --full               # full Zava Retail (650,000+ documents), 60 s lag run
#   scripts/bench.sh --only kafka         # limits + the named parts only: sync, kafka, lag, reverse
#
# BENCH_SKIP_BUILD=1 reuses the last build; BENCH_CHILD_JAVA_OPTS adds JVM options to the embedded sync's
# child JVM only (e.g. -XX:StartFlightRecording=...); BENCH_HEAP sets the benchmark JVM's -Xmx (the local
# MongoDB, the broker and the worker live in it; the embedded sync runs in a child JVM with -Xmx512m).
set -euo pipefail
cd "$(dirname "$0")/.."

full=0
for a in "$@"; do [[ "$a" == "--full" ]] && full=1; done
heap="${BENCH_HEAP:-$([[ $full == 1 ]] && echo 6g || echo 2g)}"

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  echo "[bench] building (mvn -pl bench -am package -DskipTests)" >&2
  mvn -B -q -pl bench -am package -DskipTests >&2
fi

exec java "-Xmx$heap" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dbench.plugin.dir=bench/target/plugins \
  "-Dbench.command=scripts/bench.sh $*" \
  -cp "bench/target/mongo-ditto-bench.jar:bench/target/lib/*" \
  io.mongoditto.bench.BenchMain "$@"
