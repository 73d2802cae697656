#!/usr/bin/env bash
# Runs the local MongoDB (mongo-java-server with real change streams) as its own process.
#   ./local-mongo.sh [--host 127.0.0.1] [--port 27017] [--history 1000000] [--replica-set rs0]
# Connect with: mongodb://127.0.0.1:27017/?directConnection=true   (Ctrl-C stops it)
# Builds the local-mongo module first when it is missing or older than its sources.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULE="$ROOT/local-mongo"
CLASSPATH_FILE="$MODULE/target/local-mongo.classpath"
MAIN_CLASS="$MODULE/target/classes/io/mongoditto/localmongo/LocalMongoMain.class"

needs_build() {
  [[ ! -f "$CLASSPATH_FILE" || ! -f "$MAIN_CLASS" ]] && return 0
  [[ -n "$(find "$MODULE/src/main" "$MODULE/pom.xml" "$ROOT/pom.xml" -newer "$CLASSPATH_FILE" -print -quit)" ]]
}

if needs_build; then
  echo "local-mongo.sh: building the local-mongo module..." >&2
  # test scope adds slf4j-simple, so the server's log lines are printed
  (cd "$ROOT" && mvn -B -q -pl local-mongo -am compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE")
fi

exec java ${LOCAL_MONGO_JAVA_OPTS:-} -cp "$MODULE/target/classes:$(cat "$CLASSPATH_FILE")" \
  io.mongoditto.localmongo.LocalMongoMain "$@"
