#!/usr/bin/env bash
# Benchmark (not a test): is the fake `ok` ever the bottleneck? It is measured against nginx's own
# `return 200` with the same 64-byte body, in the same run, with wrk -t1 at -c32 and -c256
# (keep-alive), each server pinned to core 0 and wrk to core 1 (taskset), rounds alternating
# which goes first so that a drift in the machine's load hits both alike:
#   A  wrk -> nginx `return 200`                 (the reference)
#   B  wrk -> badgateway fake `ok`               (the fake alone; goal: B/A >= 1)
#   C  wrk -> nginx -> nginx `return 200`        (proxy reference)
#   D  wrk -> nginx -> badgateway fake `ok`      (what scenarios use; goal: D/C >= 1)
# Prints each round, the medians and the ratios B/A and D/C.
# Usage: bench/run.sh [BUILD_DIR] [SECONDS] [ROUNDS]
set -euo pipefail
build=${1:-build}
secs=${2:-3}
rounds=${3:-3}
bg=$(realpath "$build/badgateway")
source "$(dirname "$0")/lib.sh"
bench_need wrk wrk
bench_need taskset util-linux
bench_need_two_cores

body=0123456789012345678901234567890123456789012345678901234567890123
fake_port=$(free_port)
taskset -c 0 "$bg" serve --quiet --listen "127.0.0.1:$fake_port" --behaviour ok --set body_size=64 >/dev/null &
bench_pids+=($!)
wait_port "$fake_port"
ref_port=$(free_port)
start_nginx ref "$ref_port" 0 "server { listen 127.0.0.1:$ref_port; location / { return 200 \"$body\"; } }"
# The proxies on core 0 as well: the client's core stays the client's alone.
proxy='proxy_http_version 1.1; proxy_set_header Connection "";'
proxy_ref_port=$(free_port)
start_nginx proxy-ref "$proxy_ref_port" 0 "upstream ref { server 127.0.0.1:$ref_port; keepalive 256; }
  server { listen 127.0.0.1:$proxy_ref_port; location / { $proxy proxy_pass http://ref; } }"
proxy_fake_port=$(free_port)
start_nginx proxy-fake "$proxy_fake_port" 0 "upstream fake { server 127.0.0.1:$fake_port; keepalive 256; }
  server { listen 127.0.0.1:$proxy_fake_port; location / { $proxy proxy_pass http://fake; } }"

rps() { taskset -c 1 wrk -t1 -c"$1" -d"${secs}s" "http://127.0.0.1:$2/" | awk '/Requests\/sec/ {print $2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for conns in 32 256; do
  a=() b=() c=() d=()
  for ((i = 1; i <= rounds; i++)); do
    if ((i % 2)); then
      a+=("$(rps "$conns" "$ref_port")"); b+=("$(rps "$conns" "$fake_port")")
      c+=("$(rps "$conns" "$proxy_ref_port")"); d+=("$(rps "$conns" "$proxy_fake_port")")
    else
      b+=("$(rps "$conns" "$fake_port")"); a+=("$(rps "$conns" "$ref_port")")
      d+=("$(rps "$conns" "$proxy_fake_port")"); c+=("$(rps "$conns" "$proxy_ref_port")")
    fi
    printf -- '-c%-3d round %d: A %8.0f  B %8.0f  C %8.0f  D %8.0f requests/s\n' "$conns" "$i" \
      "${a[-1]}" "${b[-1]}" "${c[-1]}" "${d[-1]}"
  done
  ma=$(median "${a[@]}") mb=$(median "${b[@]}") mc=$(median "${c[@]}") md=$(median "${d[@]}")
  printf -- '-c%-3d median of %d rounds of %ss: A nginx %.0f, B fake %.0f, C nginx->nginx %.0f, D nginx->fake %.0f\n' \
    "$conns" "$rounds" "$secs" "$ma" "$mb" "$mc" "$md"
  awk -v a="$ma" -v b="$mb" -v c="$mc" -v d="$md" -v n="$conns" 'BEGIN {
    printf "-c%-3d ratio B/A (fake vs nginx) %.2f, D/C (behind nginx) %.2f (goal >= 1)\n", n, b / a, d / c }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
