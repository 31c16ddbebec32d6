# Shared by the bench/ scripts (sourced, not run): a private work directory, the processes they
# start (stopped and reaped on exit, whatever the exit), free ports, medians.
# shellcheck shell=bash
bench_work=$(mktemp -d)
chmod 700 "$bench_work"
bench_pids=()
# SIGTERM, not SIGQUIT: background jobs of a non-interactive shell start with SIGINT and SIGQUIT
# ignored, and nothing started may make the cleanup wait for ever (KILL after 10 s).
bench_cleanup() {
  local p deadline=$((SECONDS + 10))
  for p in "${bench_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${bench_pids[@]}"; do
    while kill -0 "$p" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$bench_work"
}
trap bench_cleanup EXIT INT TERM

bench_need() {  # bench_need COMMAND PACKAGE
  command -v "$1" >/dev/null || { echo "bench: $1 not installed (apt-get install $2)" >&2; exit 2; }
}
bench_need_two_cores() {
  (($(nproc) >= 2)) || { echo "bench: needs 2 cores (servers on one, the client on the other)" >&2; exit 2; }
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local deadline=$((SECONDS + 10))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "bench: port $1 never opened" >&2; exit 1; }
    sleep 0.02
  done
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# start_nginx NAME PORT CPU HTTP_BLOCK_BODY: one nginx process (master_process off, so the process
# taskset pins is the one that serves), in the foreground, owned by this script.
start_nginx() {
  local dir="$bench_work/$1"
  mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
$( [[ $(id -u) == 0 ]] && echo "user root root;" )
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  $4
}
CONF
  taskset -c "$3" nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
  bench_pids+=($!)
  wait_port "$2"
}
