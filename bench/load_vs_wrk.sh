#!/usr/bin/env bash
# Benchmark (not a test): badgateway's load generator (`badgateway load`) against wrk, in the same
# run, both against nginx's `return 200` (one worker, on loopback), nginx pinned to one core and
# the client to the other (taskset), one thread each, alternating rounds. Prints each round's
# requests/s, the medians and the ratio load/wrk (issue 15's goal: at least 0.9).
# Usage: bench/load_vs_wrk.sh [BUILD_DIR] [SECONDS] [ROUNDS] [CONNECTIONS]
# Both clients use keep-alive (wrk always does): what is measured is the client's cost per request.
set -euo pipefail
build=${1:-build}
secs=${2:-3}
rounds=${3:-3}
conns=${4:-32}
bg=$(realpath "$build/badgateway")
command -v wrk >/dev/null || { echo "bench: wrk not installed (apt-get install wrk)" >&2; exit 2; }
command -v taskset >/dev/null || { echo "bench: taskset not installed (util-linux)" >&2; exit 2; }
(($(nproc) >= 2)) || { echo "bench: needs 2 cores (nginx on one, the client on the other)" >&2; exit 2; }
work=$(mktemp -d)
chmod 700 "$work"
pids=()
cleanup() {
  local p deadline=$((SECONDS + 10))
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    while kill -0 "$p" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/logs"
cat >"$work/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $work/nginx.pid;
error_log $work/logs/error.log warn;
$( [[ $(id -u) == 0 ]] && echo "user root root;" )
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; location / { return 200; } }
}
CONF
# master_process off: the process taskset pins is the one that serves.
taskset -c 0 nginx -p "$work/" -c "$work/nginx.conf" -e "$work/logs/error.log" &
pids+=($!)
deadline=$((SECONDS + 10))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  ((SECONDS < deadline)) || { echo "bench: nginx never listened on $port" >&2; exit 1; }
  sleep 0.02
done

url="http://127.0.0.1:$port/"
wrk_rps() { taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" "$url" | awk '/Requests\/sec/ {print $2}'; }
load_rps() {
  taskset -c 1 "$bg" load "$url" --connections "$conns" --duration "${secs}s" --keepalive |
    awk '/^  requests / {print $(NF-3)}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
w=() l=()
for ((i = 1; i <= rounds; i++)); do
  # Alternating which goes first, so that a drift in the machine's load hits both alike.
  if ((i % 2)); then
    w+=("$(wrk_rps)"); l+=("$(load_rps)")
  else
    l+=("$(load_rps)"); w+=("$(wrk_rps)")
  fi
  printf 'round %d: wrk %10.0f  badgateway load %10.0f requests/s\n' "$i" "${w[-1]}" "${l[-1]}"
done
mw=$(median "${w[@]}")
ml=$(median "${l[@]}")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'median (-t1 -c%d, %ss, %d rounds): wrk %.0f, badgateway load %.0f requests/s\n' \
  "$conns" "$secs" "$rounds" "$mw" "$ml"
awk -v l="$ml" -v w="$mw" 'BEGIN { printf "ratio load/wrk %.2f (goal >= 0.90)\n", l / w }'
