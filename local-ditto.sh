#!/usr/bin/env bash
# Starts the local Ditto (the real Ditto engine behind Ditto's HTTP API) in the foreground.
#   LOCAL_DITTO_API_KEY=KEY ./local-ditto.sh [--port 4000] [--data-dir DIR] [--host 127.0.0.1]
# (--api-key KEY works too, but puts the key on the command line, where ps shows it)
# Endpoint: http://127.0.0.1:PORT (append /api/v5/store/execute). Stop with Ctrl-C.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/local-ditto/node"
if [[ ! -f "$dir/node_modules/@dittolive/ditto/package.json" ]]; then
  (cd "$dir" && npm install --no-audit --no-fund >&2)
fi
# The engine's native layer prints tracing notes to stderr; set LOCAL_DITTO_STDERR to keep them.
exec node "$dir/server.js" "$@" 2>>"${LOCAL_DITTO_STDERR:-/dev/null}"
