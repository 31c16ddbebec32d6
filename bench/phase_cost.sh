#!/usr/bin/env bash
# Benchmark (not a test): what a phase costs besides its requests, stage by stage, from the JSON
# report's `stages_us` (docs/json-report.md). Runs each scenario below REPEATS times, one at a
# time, with run directories on this machine's /tmp and then on a tmpfs, and prints the median
# of every stage, the fixed cost (every stage but `exercise`) and the ratios tmpfs/disk and
# fixed cost / the 15 ms goal of issue 15. Never a timing assertion.
# Usage: bench/phase_cost.sh [BUILD_DIR] [REPEATS]
set -euo pipefail
build=${1:-build}
repeats=${2:-20}
bg=$(realpath "$build/badgateway")
root=$(cd "$(dirname "$0")/.." && pwd)
scenarios=(
  "$root/scenarios/server_unavailable/upstream-refused.toml"  # loopback fake, rendered config
  "$root/scenarios/firewall/firewall-drop.toml"               # an upstream host on a veth link
)
work=$(mktemp -d)
chmod 700 "$work"
mounted=0
cleanup() {
  ((mounted)) && umount "$work/tmpfs" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -m 700 "$work/disk" "$work/tmpfs"
if [[ $(id -u) == 0 ]] && mount -t tmpfs -o size=256m,mode=0700 badgateway-bench "$work/tmpfs"; then
  mounted=1
else
  echo "bench: cannot mount a tmpfs (not root?): the tmpfs column is /tmp again" >&2
fi
# The disk column only means something when /tmp is not a tmpfs already.
echo "/tmp is on: $(stat -f -c %T /tmp)"

for where in disk tmpfs; do
  for s in "${scenarios[@]}"; do
    name=$(basename "$s" .toml)
    TMPDIR="$work/$where" "$bg" run "$s" --repeat "$repeats" --jobs 1 \
      --json "$work/$where-$name.json" >/dev/null || true  # a failed verdict still has stages
  done
done

python3 - "$work" "$repeats" "${scenarios[@]}" <<'PY'
import json, os, statistics, sys
work, repeats, files = sys.argv[1], sys.argv[2], sys.argv[3:]
order = ["run_dir", "sandbox", "upstreams", "nginx_t", "start", "exercise", "stop", "verdict",
         "cleanup"]
def stages(path):
    per = {}
    with open(path) as f:
        report = json.load(f)
    for s in report["scenarios"]:
        for phase in ("broken", "fixed"):
            p = s.get(phase)
            if not p or "stages_us" not in p:
                continue
            for k, v in p["stages_us"].items():
                per.setdefault(k, []).append(v / 1000)
            per.setdefault("fixed cost", []).append(
                sum(v for k, v in p["stages_us"].items() if k != "exercise") / 1000)
    return per
for f in files:
    name = os.path.basename(f)[:-5]
    disk = stages(os.path.join(work, f"disk-{name}.json"))
    tmpfs = stages(os.path.join(work, f"tmpfs-{name}.json"))
    n = len(disk.get("fixed cost", []))
    print(f"\n{name}: median of {n} phases ({repeats} runs x broken and fixed), ms")
    print(f"  {'stage':<11} {'disk':>8} {'tmpfs':>8} {'tmpfs/disk':>11}")
    for k in order + ["fixed cost"]:
        if k not in disk or k not in tmpfs:
            continue
        d, t = statistics.median(disk[k]), statistics.median(tmpfs[k])
        ratio = f"{t / d:.2f}x" if d > 0 else "-"
        print(f"  {k:<11} {d:8.2f} {t:8.2f} {ratio:>11}")
    fixed = statistics.median(tmpfs["fixed cost"])
    print(f"  fixed cost on tmpfs / 15 ms goal: {fixed / 15:.2f}x")
PY
