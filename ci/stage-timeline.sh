#!/usr/bin/env bash
# Timeline stage (issue 13): the catalog's timeline scenarios run TIMELINE_REPEAT times each (10 by
# default) with --jobs 2, then again under `stress-ng --cpu 2` when it is installed, and the
# timeline benchmark prints how far actions land from their schedule. Run from the repository
# root after a build into ./build; exit non-zero when any run did not pass. Prints the recovery
# times the max-fails scenario measured (its windows' first_success) per run.
set -euo pipefail
cd "$(dirname "$0")/.."
bg=${BADGATEWAY:-./build/badgateway}
repeat=${TIMELINE_REPEAT:-10}
# Every catalog scenario with a [[timeline]].
mapfile -t scenarios < <(grep -rl '^\[\[timeline\]\]' scenarios | sort)
work=$(mktemp -d)
chmod 700 "$work"
stress_pid=
cleanup() {
  if [[ -n $stress_pid ]]; then
    kill -TERM "$stress_pid" 2>/dev/null || true
    wait "$stress_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
start=$SECONDS

recovery() {  # the max-fails scenario's measured recovery, from a JSON report
  python3 - "$1" <<'PY'
import json, re, sys
times = {"broken": [], "fixed": []}
for s in json.load(open(sys.argv[1]))["scenarios"]:
    if s["name"] != "max-fails-recovery" or "broken" not in s:
        continue
    for c in s["broken"]["checks"]:
        if c["subject"] == 'window "recovery": first_success':
            times["broken"].append(float(re.match(r"([0-9.]+)(ms|s)", c["actual"]).group(1)) *
                                   (0.001 if "ms" in c["actual"].split()[0] else 1))
print("max-fails-recovery, broken (fail_timeout=3s): first success after the deploy, s: " +
      ", ".join(f"{t:.3f}" for t in sorted(times["broken"])))
PY
}

run() {  # run LABEL
  local t0=$SECONDS rc=0
  "$bg" run --jobs 2 --repeat "$repeat" --json "$work/$1.json" "${scenarios[@]}" \
    >"$work/$1.txt" 2>&1 || rc=$?
  tail -n 1 "$work/$1.txt"
  recovery "$work/$1.json"
  echo "timeline stage: $1: $((SECONDS - t0)) s"
  if ((rc != 0)); then
    grep -E '^(FAIL|ERROR|TIMEOUT) |  [a-z]+: ' "$work/$1.txt" | head -40
    return 1
  fi
}

run plain
if command -v stress-ng >/dev/null; then
  stress-ng --cpu 2 --timeout 900s --quiet &
  stress_pid=$!
  run stress
  kill -TERM "$stress_pid"
  wait "$stress_pid" 2>/dev/null || true
  stress_pid=
else
  echo "timeline stage: stress-ng not installed, the stressed runs skipped"
fi
bash bench/timeline_accuracy.sh "$(dirname "$bg")" 3
echo "timeline stage: $((SECONDS - start)) s"
