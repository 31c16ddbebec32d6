#!/usr/bin/env bash
# CI stage: the catalog repeated PASSES times with --jobs 2 while a CPU hog keeps both cores busy.
# Any failed verdict fails the stage: a timing bound that only holds on an idle machine is a bug.
# Scenarios that declare themselves load-sensitive are left out of the hogged passes (--no-load-sensitive
# when the runner knows it) and must pass in the normal suite.
# Usage: ci/stage-soak.sh BADGATEWAY_BINARY PASSES
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-./build/badgateway}
passes=${2:-5}
hog_pid=
stop_hog() { [[ -n $hog_pid ]] && kill "$hog_pid" 2>/dev/null && wait "$hog_pid" 2>/dev/null; true; }
trap stop_hog EXIT
stress-ng --cpu "$(nproc)" --quiet &
hog_pid=$!
failed=0
start=$SECONDS
for i in $(seq "$passes"); do
  t=$SECONDS
  if "$bin" run --jobs 2 >"/tmp/badgateway-soak-$i.log" 2>&1; then
    echo "stage-soak: pass $i/$passes ok ($((SECONDS - t)) s, $(tail -1 "/tmp/badgateway-soak-$i.log"))"
  else
    failed=$((failed + 1))
    echo "stage-soak: pass $i/$passes FAILED:"
    grep -E '^\[.*\] (FAIL|ERROR|fail|error)' "/tmp/badgateway-soak-$i.log" | head -20 || tail -30 "/tmp/badgateway-soak-$i.log"
  fi
done
echo "stage-soak: $passes passes under a $(nproc)-core hog, $failed failed, $((SECONDS - start)) s"
((failed == 0))
