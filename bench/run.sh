#!/usr/bin/env bash
# Benchmarks (not tests): how fast the fake `ok` upstream serves, directly and behind nginx,
# against references measured in the same run with the same wrk settings:
#   A  wrk -> nginx `return 200`                 (nginx alone: the ceiling)
#   B  wrk -> badgateway fake `ok`               (the fake alone)
#   C  wrk -> nginx -> nginx `return 200`        (proxy reference)
#   D  wrk -> nginx -> badgateway fake `ok`      (what scenarios use)
# Prints requests/s and the ratios B/A and D/C. Usage: bench/run.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build=${1:-build}
secs=${2:-3}
bg=$(realpath "$build/badgateway")
command -v wrk >/dev/null || { echo "bench: wrk not installed (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
chmod 700 "$work"
pids=()
# SIGTERM, not SIGQUIT: background jobs of a non-interactive shell start with SIGINT and SIGQUIT
# ignored, and nothing we start may make the cleanup wait for ever (KILL after 10 s).
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local deadline=$((SECONDS + 10))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "bench: port $1 never opened" >&2; exit 1; }
    sleep 0.02
  done
}
start_nginx() {  # start_nginx NAME PORT LOCATION
  local dir="$work/$1"
  mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $dir/nginx.pid; error_log $dir/logs/error.log warn;
$( [[ $(id -u) == 0 ]] && echo "user root root;" )
events { worker_connections 1024; }
http {
  access_log off;
  upstream fake { server 127.0.0.1:$fake_port; keepalive 32; }
  upstream ref { server 127.0.0.1:$ref_port; keepalive 32; }
  server { listen 127.0.0.1:$2; location / { $3 } }
}
CONF
  nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
  pids+=($!)
  wait_port "$2"
}
rps() { wrk -t1 -c16 -d"${secs}s" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'; }

fake_port=$(free_port)
"$bg" serve --listen "127.0.0.1:$fake_port" --behaviour ok --set body_size=64 >/dev/null &
pids+=($!)
wait_port "$fake_port"
ref_port=$(free_port)
start_nginx ref "$ref_port" 'return 200 "0123456789012345678901234567890123456789012345678901234567890123";'
proxy_ref_port=$(free_port)
start_nginx proxy-ref "$proxy_ref_port" 'proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://ref;'
proxy_fake_port=$(free_port)
start_nginx proxy-fake "$proxy_fake_port" 'proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://fake;'

a=$(rps "$ref_port")
b=$(rps "$fake_port")
c=$(rps "$proxy_ref_port")
d=$(rps "$proxy_fake_port")
printf '%-44s %12s\n' "path (wrk -t1 -c16 -d${secs}s)" "requests/s"
printf '%-44s %12.0f\n' "A nginx return 200 (reference)" "$a" "B fake ok" "$b" \
  "C nginx -> nginx return 200 (reference)" "$c" "D nginx -> fake ok" "$d"
awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" 'BEGIN { printf "ratio B/A (fake vs nginx)          %.2f\nratio D/C (behind nginx, vs nginx) %.2f\n", b/a, d/c }'
