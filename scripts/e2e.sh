#!/usr/bin/env bash
# The browser test against a throw-away instance: `crm serve` on a free port with its own var dir
# (embedded PostgreSQL and Redis, demo data), stopped again whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

# E2E_VAR_DIR lets two runs share a machine; E2E_ONLY (frontend/e2e/run.mjs) picks journeys.
var_dir=${E2E_VAR_DIR:-var/e2e}
rm -rf "$var_dir"
mkdir -p "$var_dir"
log="$var_dir/serve.log"
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base_url="http://127.0.0.1:$port"

# Empty URLs select the embedded servers: never a database named by the environment or .env.
DATABASE_URL='' REDIS_URL='' VAR_DIR="$var_dir" .venv/bin/crm serve --host 127.0.0.1 --port "$port" \
  >"$log" 2>&1 &
server=$!

stop_server() {
  local status=$?
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ -e "$var_dir/pg/postmaster.pid" ] || [ -e "$var_dir/redis/redis.pid" ]; then
    echo "e2e: the supervisor left a server running under $var_dir" >&2
    status=1
  fi
  if [ "$status" -ne 0 ]; then
    echo "e2e: failed; last lines of $log:" >&2
    tail -n 60 "$log" >&2 || true
    if [ -s frontend/test-results/summary.txt ]; then
      echo "e2e: the journeys that failed:" >&2
      cat frontend/test-results/summary.txt >&2
    fi
  fi
  exit "$status"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -f frontend/test-results/summary.txt
echo "e2e: starting the app on $base_url"
.venv/bin/python - "$base_url/healthz" "$server" <<'PY'
import os, sys, time

import httpx

url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 600  # a first start runs initdb, migrations and the demo seed (over 3 minutes on a slow 2-core machine)
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("e2e: crm serve exited before it was ready")
    try:
        if httpx.get(url, timeout=2, trust_env=False).status_code == 200:
            sys.exit(0)
    except httpx.HTTPError:
        pass
    time.sleep(0.5)
sys.exit(f"e2e: {url} did not answer 200 in time")
PY

(cd frontend && E2E_BASE_URL="$base_url" npm run e2e)
