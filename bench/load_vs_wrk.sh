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
source "$(dirname "$0")/lib.sh"
bench_need wrk wrk
bench_need taskset util-linux
bench_need_two_cores

port=$(free_port)
start_nginx nginx "$port" 0 "server { listen 127.0.0.1:$port; location / { return 200; } }"
url="http://127.0.0.1:$port/"
wrk_rps() { taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" "$url" | awk '/Requests\/sec/ {print $2}'; }
load_rps() {
  taskset -c 1 "$bg" load "$url" --connections "$conns" --duration "${secs}s" --keepalive |
    awk '/^  requests / {print $(NF-3)}'
}

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
