#!/usr/bin/env bash
# No-Docker quickstart: a real Kafka broker (KRaft, combined broker+controller) and a real
# connect-distributed worker as separate JVMs, from the jars Maven resolved into
# e2e/target/kafka-lib, with this project's plugin zip unpacked into a fresh plugin.path, plus the
# local MongoDB and the local Ditto. Then it prints the curl commands that create both connectors.
#
#   scripts/quickstart.sh [start] [--no-build] [--kafka-only]
#                                  start everything in the background. Stops a previous run first and
#                                  DELETES its work dir: the broker's data (topics, connector configs
#                                  and offsets) and the local Ditto's data start empty.
#                                  --kafka-only: broker and worker only, bring your own MongoDB/Ditto
#   scripts/quickstart.sh stop [NAME] [--kill]
#                                  stop everything `start` started, or one process (to test a fault):
#                                  NAME is kafka, local-mongo, local-ditto or connect; --kill: SIGKILL
#   scripts/quickstart.sh restart NAME
#                                  stop NAME if it runs and start it again with the same settings; data
#                                  is kept (broker log dir, Ditto's data dir in the work dir) except the
#                                  local MongoDB's, which lives in memory
#   scripts/quickstart.sh restart-worker
#                                  the same as `restart connect`: connectors resume from their offsets
#   scripts/quickstart.sh status   which processes are up
#
# Ports (environment): KAFKA_PORT=9092 CONTROLLER_PORT=9093 CONNECT_PORT=8083 MONGO_PORT=27017
# DITTO_PORT=4000. Work dir: QUICKSTART_DIR (default target/quickstart). Logs: $QUICKSTART_DIR/logs.
# The local Ditto's API key: DITTO_API_KEY (default local-dev-key), handed to it and to the worker in
# the environment (never on a command line) and kept in $QUICKSTART_DIR/ditto-api-key (mode 600).
# The worker's config is the root connect-distributed.properties with the broker address, REST
# port and plugin.path of this run; the connector configs read secrets through ${env:...}.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${QUICKSTART_DIR:-$ROOT/target/quickstart}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${CONTROLLER_PORT:-9093}"
CONNECT_PORT="${CONNECT_PORT:-8083}"
MONGO_PORT="${MONGO_PORT:-27017}"
DITTO_PORT="${DITTO_PORT:-4000}"
DITTO_API_KEY="${DITTO_API_KEY:-local-dev-key}"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)"
LIB="$ROOT/e2e/target/kafka-lib"
ZIP="$ROOT/connector/target/mongo-ditto-connector-$VERSION.zip"
PIDS="$WORK/pids"
SETTINGS="$WORK/settings"
KEY_FILE="$WORK/ditto-api-key"
# start order; stopping goes the other way (worker before broker)
PROCESSES=(kafka local-mongo local-ditto connect)
JVM=(java -XX:+UseSerialGC "-Dlog4j2.configurationFile=$WORK/log4j2.properties" -cp "$LIB/*")

log() { printf '[quickstart] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Waits until host:port accepts TCP connections, or the process behind pid died.
wait_port() {
  local name=$1 port=$2 pid=$3 timeout=${4:-60} i
  for ((i = 0; i < timeout * 2; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || die "$name exited; see $WORK/logs/$name.log"
    sleep 0.5
  done
  die "$name did not listen on port $port within ${timeout}s; see $WORK/logs/$name.log"
}

# Starts a command in the background with its output appended to logs/<name>.log and records its
# pid (replacing the one recorded for that name).
spawn() {
  local name=$1; shift
  nohup "$@" >>"$WORK/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  forget_pid "$name"
  echo "$name $pid" >>"$PIDS"
  echo "$pid"
}

pid_of() {
  [[ -f "$PIDS" ]] || return 0
  awk -v n="$1" '$1 == n { print $2 }' "$PIDS" | tail -1
}

forget_pid() {
  [[ -f "$PIDS" ]] || return 0
  awk -v n="$1" '$1 != n' "$PIDS" >"$PIDS.tmp" && mv "$PIDS.tmp" "$PIDS"
}

# Stops one recorded process: SIGTERM and up to 10 s, then SIGKILL (or SIGKILL at once with kill=1).
stop_one() {
  local name=$1 kill=${2:-0} pid
  pid=$(pid_of "$name")
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    if ((kill)); then
      log "killing $name (pid $pid, SIGKILL)"
      kill -9 "$pid" 2>/dev/null || true
    else
      log "stopping $name (pid $pid)"
      kill "$pid" 2>/dev/null || true
    fi
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

stop_all() {
  [[ -f "$PIDS" ]] || return 0
  local i
  # reverse start order: worker before broker, so the worker leaves its group cleanly
  for ((i = ${#PROCESSES[@]} - 1; i >= 0; i--)); do stop_one "${PROCESSES[i]}"; done
  rm -f "$PIDS"
}

status() {
  [[ -f "$PIDS" ]] || { log "nothing started"; return 0; }
  local name pid
  for name in "${PROCESSES[@]}"; do
    pid=$(pid_of "$name")
    [[ -n "$pid" ]] || continue
    if kill -0 "$pid" 2>/dev/null; then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
  done
}

# The settings of this run, so that stop/restart act on what `start` started, whatever the
# environment of the later call. The worker's environment (connection strings, the key) stays in
# files only the user can read.
save_settings() {
  (umask 077
   {
     printf 'KAFKA_PORT=%q\nCONTROLLER_PORT=%q\nCONNECT_PORT=%q\nMONGO_PORT=%q\nDITTO_PORT=%q\nKAFKA_ONLY=%q\n' \
       "$KAFKA_PORT" "$CONTROLLER_PORT" "$CONNECT_PORT" "$MONGO_PORT" "$DITTO_PORT" "$KAFKA_ONLY"
     printf 'WORKER_MONGODB_CONNECTION_STRING=%q\nWORKER_DITTO_CLOUD_ENDPOINT=%q\n' \
       "$WORKER_MONGODB_CONNECTION_STRING" "$WORKER_DITTO_CLOUD_ENDPOINT"
   } >"$SETTINGS"
   printf '%s' "$DITTO_API_KEY" >"$KEY_FILE")
}

load_settings() {
  [[ -f "$SETTINGS" ]] || die "nothing started in $WORK (run: $0 start)"
  # shellcheck disable=SC1090
  source "$SETTINGS"
  DITTO_API_KEY="$(cat "$KEY_FILE")"
}


write_broker_config() {
  cat >"$WORK/server.properties" <<EOF
# KRaft combined mode: one JVM is broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$CONTROLLER_PORT
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$WORK/kafka-data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# the cleaner's 128 MiB default dedupe buffer would not fit a small heap
log.cleaner.dedupe.buffer.size=2097152
EOF
}

write_worker_config() {
  sed -e "s|^bootstrap.servers=.*|bootstrap.servers=localhost:$KAFKA_PORT|" \
      -e "s|^listeners=.*|listeners=http://127.0.0.1:$CONNECT_PORT|" \
      -e "s|^plugin.path=.*|plugin.path=$WORK/plugins|" \
      "$ROOT/connect-distributed.properties" >"$WORK/connect-distributed.properties"
}

write_log_config() {
  # WARN by default (the broker's per-partition INFO lines drown everything); INFO where an
  # operator looks: worker lifecycle, REST requests and this project's connectors.
  cat >"$WORK/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
# %X{connector.context} is Connect's "[connector|task-n] " prefix (empty outside a connector)
appender.out.layout.pattern = [%d] %p %X{connector.context}%m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = out
logger.worker.name = org.apache.kafka.connect.runtime.Worker
logger.worker.level = INFO
logger.rest.name = org.apache.kafka.connect.runtime.rest.RestServer
logger.rest.level = INFO
logger.ours.name = io.mongoditto
logger.ours.level = INFO
EOF
}

start_kafka() {
  log "starting the broker on localhost:$KAFKA_PORT"
  local broker
  broker=$(spawn kafka "${JVM[@]}" -Xmx256m kafka.Kafka "$WORK/server.properties")
  wait_port kafka "$KAFKA_PORT" "$broker" 60
}

start_local_mongo() {
  log "starting the local MongoDB on localhost:$MONGO_PORT (in memory)"
  local mongo
  [[ -x "$ROOT/local-mongo.sh" ]] || die "local-mongo.sh is missing (or use --kafka-only)"
  mongo=$(LOCAL_MONGO_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" spawn local-mongo "$ROOT/local-mongo.sh" --port "$MONGO_PORT")
  wait_port local-mongo "$MONGO_PORT" "$mongo" 120
}

prepare_collections() {
  log "creating the source's collections with pre- and post-images"
  local plugin_dir
  plugin_dir=$(echo "$WORK"/plugins/*/)
  MONGODB_CONNECTION_STRING="mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true" \
    java -Xmx128m -cp "${plugin_dir}lib/*" "$ROOT/scripts/PrepareCollections.java" \
    "$ROOT/config/zava-retail-source.json" >"$WORK/logs/prepare-collections.log" 2>&1 \
    || die "preparing the collections failed; see $WORK/logs/prepare-collections.log"
}

start_local_ditto() {
  log "starting the local Ditto on localhost:$DITTO_PORT (data in $WORK/ditto-data)"
  local ditto
  # The key travels in the environment, not on the command line (where ps shows it).
  ditto=$(LOCAL_DITTO_API_KEY="$DITTO_API_KEY" LOCAL_DITTO_STDERR="$WORK/logs/local-ditto-engine.log" \
    spawn local-ditto "$ROOT/local-ditto.sh" --port "$DITTO_PORT" --data-dir "$WORK/ditto-data")
  wait_port local-ditto "$DITTO_PORT" "$ditto" 180
}

start_connect() {
  log "starting the Connect worker on http://localhost:$CONNECT_PORT (plugin.path=$WORK/plugins)"
  local worker
  # The connector configs name these variables through the env config provider: ${env:...}
  worker=$(MONGODB_CONNECTION_STRING="$WORKER_MONGODB_CONNECTION_STRING" \
    DITTO_CLOUD_ENDPOINT="$WORKER_DITTO_CLOUD_ENDPOINT" \
    DITTO_API_KEY="$DITTO_API_KEY" \
    spawn connect "${JVM[@]}" -Xmx384m org.apache.kafka.connect.cli.ConnectDistributed \
      "$WORK/connect-distributed.properties")
  wait_port connect "$CONNECT_PORT" "$worker" 90
  local plugins=""
  for _ in $(seq 1 60); do
    plugins=$(curl -fsS "http://localhost:$CONNECT_PORT/connector-plugins" 2>/dev/null || true)
    [[ -n "$plugins" ]] && break
    sleep 0.5
  done
  grep -q 'io.mongoditto' <<<"$plugins" || log "WARNING: the worker lists no io.mongoditto plugin: $plugins"
}

start_process() {
  case "$1" in
    kafka) start_kafka ;;
    local-mongo) ((KAFKA_ONLY)) && die "--kafka-only run: no local MongoDB"; start_local_mongo
      log "the local MongoDB is in memory: it starts empty (its collections are created again)"
      prepare_collections ;;
    local-ditto) ((KAFKA_ONLY)) && die "--kafka-only run: no local Ditto"; start_local_ditto ;;
    connect) start_connect ;;
    *) die "unknown process '$1' (kafka, local-mongo, local-ditto, connect)" ;;
  esac
}

start_all() {
  local build=1
  KAFKA_ONLY=0
  for a in "$@"; do
    case "$a" in
      --no-build) build=0 ;;
      --kafka-only) KAFKA_ONLY=1 ;;
      *) die "unknown option $a" ;;
    esac
  done
  command -v java >/dev/null || die "java 17+ is required"
  if ((build)); then
    log "building the plugin zip and resolving the Kafka jars (mvn -pl e2e -am package -DskipTests)"
    (cd "$ROOT" && mvn -B -q -pl e2e -am package -DskipTests) || die "the build failed"
  fi
  [[ -f "$ZIP" ]] || die "no plugin zip at $ZIP: run without --no-build"
  compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null || die "no Kafka jars in $LIB: run without --no-build"

  stop_all
  if [[ -d "$WORK" ]]; then
    log "deleting the previous run's $WORK: the broker's data (topics, connector configs, offsets) and the local Ditto's data start empty"
  fi
  rm -rf "$WORK"
  mkdir -p "$WORK/logs" "$WORK/plugins" "$WORK/kafka-data" "$WORK/ditto-data"

  # A fresh plugin.path holding only the unpacked zip: the worker loads the plugin in isolation.
  if command -v unzip >/dev/null; then
    unzip -q "$ZIP" -d "$WORK/plugins" || die "cannot unpack $ZIP"
  else
    (cd "$WORK/plugins" && jar xf "$ZIP") || die "cannot unpack $ZIP"
  fi
  write_broker_config
  write_worker_config
  write_log_config
  WORKER_MONGODB_CONNECTION_STRING="${MONGODB_CONNECTION_STRING:-mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true}"
  WORKER_DITTO_CLOUD_ENDPOINT="${DITTO_CLOUD_ENDPOINT:-http://127.0.0.1:$DITTO_PORT}"
  save_settings

  log "formatting KRaft storage"
  "${JVM[@]}" -Xmx128m kafka.tools.StorageTool format -t "$("${JVM[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$WORK/server.properties" --standalone --ignore-formatted >"$WORK/logs/format.log" 2>&1 \
    || die "storage format failed; see $WORK/logs/format.log"

  start_kafka
  if ((KAFKA_ONLY)); then
    log "--kafka-only: bring your own MongoDB and Ditto (MONGODB_CONNECTION_STRING, DITTO_CLOUD_ENDPOINT)"
  else
    start_local_mongo
    prepare_collections
    start_local_ditto
  fi
  start_connect

  print_next_steps
}

print_next_steps() {
  local url="http://localhost:$CONNECT_PORT"
  cat <<EOF

Up: broker localhost:$KAFKA_PORT, worker $url, MongoDB mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true,
Ditto http://127.0.0.1:$DITTO_PORT (API key in $KEY_FILE). Logs: $WORK/logs. Stop: $0 stop

Create the connectors (configs in config/; the worker resolves their \${env:...} secrets):
  curl -sS -X PUT -H 'Content-Type: application/json' $url/connectors/zava-retail-mongo/config \\
       --data @$ROOT/config/zava-retail-source.json
  curl -sS -X PUT -H 'Content-Type: application/json' $url/connectors/ditto-sink/config \\
       --data @$ROOT/config/ditto-sink.json

Write to MongoDB (before or after: with startup.mode=initial the source copies what exists, then streams), then read Ditto:
  MONGODB_CONNECTION_STRING='mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true' MONGODB_DATABASE=zava \\
       $ROOT/mongo-ditto seed --scale 0.01
  curl -sS -H "Authorization: Bearer \$(cat $KEY_FILE)" -H 'Content-Type: application/json' \\
       -d '{"statement":"SELECT COUNT(*) AS n FROM orders"}' http://127.0.0.1:$DITTO_PORT/api/v5/store/execute

Check, pause, resume, offsets, delete:
  curl -sS $url/connectors?expand=status
  curl -sS $url/connectors/zava-retail-mongo/status
  curl -sS -X PUT $url/connectors/zava-retail-mongo/pause
  curl -sS -X PUT $url/connectors/zava-retail-mongo/resume
  curl -sS $url/connectors/ditto-sink/offsets
  curl -sS -X DELETE $url/connectors/ditto-sink

Faults (data is kept: the broker's in $WORK/kafka-data, the local Ditto's in $WORK/ditto-data):
  $0 restart-worker                 # the worker stops and starts again; connectors resume from their offsets
  $0 stop local-ditto               # a Ditto outage ... then: $0 restart local-ditto
  $0 stop connect --kill            # the worker killed with SIGKILL ... then: $0 restart connect
EOF
}

cmd="${1:-start}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  start) start_all "$@" ;;
  --no-build | --kafka-only) start_all "$cmd" "$@" ;;
  stop)
    if [[ $# -eq 0 ]]; then stop_all
    else
      load_settings
      name=$1; shift
      [[ " ${PROCESSES[*]} " == *" $name "* ]] || die "unknown process '$name' (${PROCESSES[*]})"
      kill=0
      for a in "$@"; do [[ "$a" == --kill ]] && kill=1 || die "unknown option $a"; done
      stop_one "$name" "$kill"
    fi ;;
  restart)
    [[ $# -eq 1 ]] || die "usage: $0 restart NAME (${PROCESSES[*]})"
    load_settings
    [[ " ${PROCESSES[*]} " == *" $1 "* ]] || die "unknown process '$1' (${PROCESSES[*]})"
    stop_one "$1"
    start_process "$1" ;;
  restart-worker)
    load_settings
    stop_one connect
    start_process connect ;;
  status) status ;;
  *) die "usage: $0 [start [--no-build] [--kafka-only] | stop [NAME [--kill]] | restart NAME | restart-worker | status]" ;;
esac
