#!/usr/bin/env bash
# e2e/sweep: `badgateway sweep` on two values of {{vary.read_timeout}} against the local nginx.
# 100ms is under the fakes' 300 ms: both upstreams time out (two attempts), 504s. 3s is far above:
# every answer a 200 at the first attempt. Bounds, not exact counts: nginx's timers run on its
# cached clock, and a request at the very end may be cut by the phase's end.
# usage: sweep_test.sh BADGATEWAY FIXTURES OUT_DIR
set -euo pipefail
bg=$1 fixtures=$2 out=$3
mkdir -p "$out"
json=$out/sweep.json html=$out/sweep.html
rm -f "$json" "$html"
"$bg" sweep "$fixtures/sweep-read-timeout.toml" --vary 'read_timeout=100ms,3s' \
  --json "$json" --html "$html" | tee "$out/sweep.txt"
grep -q '^read_timeout ' "$out/sweep.txt" || { echo "no table header"; exit 1; }
grep -q '<svg' "$html" || { echo "no chart in $html"; exit 1; }
python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
short, long = r["points"]
assert r["vary"] == "read_timeout", r
for p in (short, long):
    assert "error" not in p, p
    assert 35 <= p["requests"] <= 40, p
short_504 = short["status"].get("504", 0)
assert short_504 >= 0.9 * short["requests"], f"100ms: {short}"
assert short["mean_attempts"] >= 1.9, f"100ms: two upstreams, two attempts each: {short}"
assert long["status"].get("200", 0) == long["requests"], f"3s: {long}"
assert long["mean_attempts"] <= 1.05, f"3s: {long}"
assert 250 <= long["p50_ms"] <= 600, f"3s: p50 near the fakes' 300 ms: {long}"
print("ok: 100ms", short["status"], "attempts", short["mean_attempts"],
      "| 3s", long["status"], "p50", long["p50_ms"])
PY
