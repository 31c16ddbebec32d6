#!/usr/bin/env bash
# Stability under load: the catalog PASSES times (default 5) with --jobs 2 while stress-ng keeps
# both cores busy; zero failed verdicts allowed. Prints failures per pass and the client's
# elapsed-time error against nginx's $request_time. Run from the repo root after ci/build.sh.
# Usage: ci/stage-soak.sh [PASSES] [BADGATEWAY] [SCENARIOS]
set -uo pipefail
passes=${1:-5}
bg=${2:-./build/badgateway}
work=$(mktemp -d)
chmod 700 "$work"
hog=
cleanup() {
  [[ -n $hog ]] && kill "$hog" 2>/dev/null && wait "$hog" 2>/dev/null
  # --keep left the run directories (their access logs are measured): remove them now.
  python3 -c 'import json, sys
for f in sys.argv[1:]:
    for s in json.load(open(f))["scenarios"]:
        for p in (s.get("broken"), s.get("fixed")):
            if p and p.get("run_dir"): print(p["run_dir"])' "$work"/pass*.json 2>/dev/null |
    while read -r d; do [[ $d == /*badgateway* ]] && rm -rf "$d"; done
  rm -rf "$work"
}
trap cleanup EXIT
export NO_COLOR=1

stress-ng --cpu 2 --timeout 3600s --quiet &
hog=$!
failed=0
start=$SECONDS
for ((i = 1; i <= passes; i++)); do
  "$bg" run ${3:+"$3"} --jobs 2 --keep --json "$work/pass$i.json" >"$work/pass$i.out" 2>&1
  code=$?
  summary=$(tail -1 "$work/pass$i.out")
  echo "pass $i: exit $code: $summary"
  if ((code != 0)); then
    failed=$((failed + 1))
    # The failure blocks after the table: the checks that failed and nginx's lines, so a flake
    # seen once in CI can be diagnosed from its log alone.
    awk '/^(FAIL|ERROR) /{show=1} show{print} /^$/{show=0}' "$work/pass$i.out" | grep . ||
      cat "$work/pass$i.out"
  fi
done
kill "$hog" && wait "$hog" 2>/dev/null
hog=
python3 "$(dirname "$0")/elapsed_error.py" "$work"/pass*.json
# The reports of loaded runs (steady clocks, slow phases) are valid like the others.
valid=1
python3 "$(dirname "$0")/../tests/e2e/validate_json_report.py" "$work"/pass*.json >"$work/validate.out" ||
  { valid=0; grep -v ': valid$' "$work/validate.out"; }
echo "soak: $passes passes under stress-ng --cpu 2, $failed with failed verdicts, $((SECONDS - start)) s"
((failed == 0 && valid))
