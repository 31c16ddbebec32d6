#!/usr/bin/env bash
# Benchmark (not a test): how far [[timeline]] actions land from their schedule. Runs
# bench/timeline_accuracy.toml (100 fake actions 50 ms apart and 3 nginx reloads, under 100
# requests/s of open-loop traffic) RUNS times and prints, per kind of action, the lateness
# (happened - scheduled) percentiles over every run, from the JSON report. The reload's figure
# is when SIGHUP went out; "reload done" is when nginx's new workers ran.
# Usage: bench/timeline_accuracy.sh [BUILD_DIR] [RUNS] [--nginx SPEC]
set -euo pipefail
build=${1:-build}
runs=${2:-3}
shift $(( $# > 2 ? 2 : $# ))
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT INT TERM
"$build/badgateway" run --repeat "$runs" --json "$work/report.json" "$@" \
  "$here/timeline_accuracy.toml" >"$work/out.txt" 2>&1 || {
  cat "$work/out.txt" >&2
  echo "bench: the run failed" >&2
  exit 1
}
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
late = {}
for s in r["scenarios"]:
    for e in s["broken"]["timeline"]:
        if e["happened_ms"] is None:
            late.setdefault(e["action"] + " (failed)", []).append(0)
            continue
        late.setdefault(e["action"], []).append(e["happened_ms"] - e["scheduled_ms"])
        if e["action"] == "reload":
            late.setdefault("reload done", []).append(e["done_ms"] - e["scheduled_ms"])
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
print(f"timeline actions: lateness from schedule, ms ({len(r['scenarios'])} runs, "
      f"{r['scenarios'][0]['nginx']})")
print(f"{'action':20} {'n':>5} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
for k in sorted(late):
    v = late[k]
    print(f"{k:20} {len(v):5} {pct(v,50):8.3f} {pct(v,90):8.3f} {pct(v,99):8.3f} {max(v):8.3f}")
PY
