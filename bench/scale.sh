#!/usr/bin/env bash
# Benchmark (not a test): how badgateway scales (issue 15 §5).
#   1. Idle connections: the fake `ok` holds N idle connections; its memory per connection
#      (resident set before and after, /proc/PID/status VmRSS).
#   2. Requests: one scenario sends R requests through nginx to `ok` ([[traffic]], open loop,
#      keep-alive); badgateway's wall time and peak resident set (getrusage of the child), for
#      several R, each as a ratio to the smallest.
#   3. Concurrency: closed loop with C clients for a fixed time; the same figures per C.
# Prints tables; never a timing assertion. Usage: bench/scale.sh [BUILD_DIR] [IDLE_CONNECTIONS]
set -euo pipefail
build=${1:-build}
idle=${2:-10000}
bg=$(realpath "$build/badgateway")
work=$(mktemp -d)
chmod 700 "$work"
serve_pid=
cleanup() {
  if [[ -n $serve_pid ]]; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
# Each process (the client here, the fake) holds one descriptor per connection.
ulimit -n $((idle + 1024)) 2>/dev/null || {
  echo "bench: cannot raise the open-file limit to $((idle + 1024)) (ulimit -Hn: $(ulimit -Hn))" >&2
  exit 2
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== 1. $idle idle connections held by the fake ok"
port=$(free_port)
"$bg" serve --quiet --listen "127.0.0.1:$port" --behaviour ok >/dev/null &
serve_pid=$!
python3 - "$port" "$idle" "$serve_pid" <<'PY'
import socket, sys, time
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
deadline = time.monotonic() + 10
while True:  # the fake listens once serve is up
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("bench: the fake never listened")
        time.sleep(0.02)
time.sleep(0.2)  # let the probe connection's session end before the baseline
before = rss_kib()
conns = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(n)]
# Every connection accepted and idle in the fake: one request each would make them busy; an idle
# keep-alive client holds a connection without a request, so none is sent. Wait for the accepts:
# the fake's RSS settles once they are all in.
last, stable = -1, 0
deadline = time.monotonic() + 30
while stable < 5 and time.monotonic() < deadline:
    now = rss_kib()
    stable = stable + 1 if now == last else 0
    last = now
    time.sleep(0.1)
after = rss_kib()
print(f"  fake RSS {before / 1024:.1f} MiB -> {after / 1024:.1f} MiB with {n} idle connections: "
      f"{(after - before) * 1024 / n / 1024:.2f} KiB per connection")
for c in conns:
    c.close()
PY
kill -TERM "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
serve_pid=

scenario() {  # scenario FILE TRAFFIC_LINES
  cat >"$1" <<TOML
name = "scale"
description = "bench/scale.sh: many requests through nginx to ok"
cause = "high_load"
teaches = "-"
directive = "-"

[fakes.app]
behaviour = "ok"

[nginx]
main = "worker_rlimit_nofile 8192;"
events = "worker_connections 4096;"
http = """
upstream app {
    server {{fakes.app}};
    keepalive 64;
}
"""
location = """
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_pass http://app;
"""

[[traffic]]
$2
keepalive = true
timeout = "10s"

[expect]
[[expect.window]]
count.success = { min = 1 }
TOML
}

measure() {  # measure SCENARIO_FILE -> "seconds peak_rss_mib responses"
  python3 - "$bg" "$1" "$work/report.json" <<'PY'
import json, resource, subprocess, sys, time
bg, scenario, report = sys.argv[1:4]
start = time.monotonic()
subprocess.run([bg, "run", scenario, "--jobs", "1", "--json", report],
               stdout=subprocess.DEVNULL, check=False)
took = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
with open(report) as f:
    phase = json.load(f)["scenarios"][0]["broken"]
print(f"{took:.2f} {peak:.1f} {len(phase.get('traffic', []))}")
PY
}

table() {  # table TITLE LABEL VALUES... (each value: the [[traffic]] lines for it, ';'-separated)
  local title=$1 label=$2
  shift 2
  echo "== $title"
  printf '  %-22s %10s %8s %12s %8s %10s\n' "$label" responses "wall s" "peak RSS MiB" "x wall" "x RSS"
  local base_t= base_m=
  for v in "$@"; do
    scenario "$work/scale.toml" "${v//;/$'\n'}"
    read -r t m n < <(measure "$work/scale.toml")
    [[ -z $base_t ]] && base_t=$t base_m=$m
    printf '  %-22s %10s %8s %12s %8s %10s\n' "${v%%;*}" "$n" "$t" "$m" \
      "$(python3 -c "print(f'{$t/$base_t:.2f}')")" "$(python3 -c "print(f'{$m/$base_m:.2f}')")"
  done
}

table "2. requests through nginx to ok (open loop, 5000/s: 10,000 to 100,000)" "stream" \
  'duration = "2s";rate = "5000/s"' 'duration = "6s";rate = "5000/s"' \
  'duration = "20s";rate = "5000/s"'
table "3. concurrency (closed loop, 5 s)" "clients" \
  'clients = 8;duration = "5s"' 'clients = 64;duration = "5s"' 'clients = 512;duration = "5s"'
