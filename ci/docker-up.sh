#!/usr/bin/env bash
# Makes a Docker engine available: starts dockerd if none answers and prints its pid (empty when
# one was already running), so the caller can stop exactly what it started.
set -euo pipefail
if docker info >/dev/null 2>&1; then
  exit 0
fi
command -v dockerd >/dev/null || { echo "ci/docker-up.sh: dockerd not installed (apt-get install docker.io)" >&2; exit 2; }
log=${DOCKERD_LOG:-/tmp/badgateway-dockerd.log}
dockerd >"$log" 2>&1 &
pid=$!
deadline=$((SECONDS + 60))
until docker info >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "ci/docker-up.sh: dockerd exited; last lines of $log:" >&2
    tail -5 "$log" >&2
    exit 2
  fi
  ((SECONDS < deadline)) || { echo "ci/docker-up.sh: dockerd did not answer within 60s" >&2; exit 2; }
  sleep 0.2
done
echo "$pid"
