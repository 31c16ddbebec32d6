#!/usr/bin/env bash
# No cross-talk between parallel runs: upstream-resets next to other scenarios with --jobs 2,
# ROUNDS times; its broken run must get nginx's 502 every time. Before the fakes' sockets were
# close-on-exec, another run's nginx could hold a copy of the fake's connection, so the RST never
# reached nginx and the client got a 504. Usage: parallel_isolation.sh BADGATEWAY SCENARIOS [ROUNDS]
set -uo pipefail
bg=$1 scenarios=$2 rounds=${3:-10}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1

# upstream-resets and scenarios that keep nginx and fakes busy while it runs; two of them start
# real PHP-FPM pools (more processes spawned during its run).
filters=(--filter upstream-resets --filter upstream-stalls --filter upstream-refused
  --filter truncated-200 --filter next-upstream-retries --filter php-fpm-slow-script-504
  --filter php-fpm-crashed-stale-socket --filter keepalive-race-post)
bad=0
for ((i = 1; i <= rounds; i++)); do
  "$bg" run "$scenarios" --jobs 2 "${filters[@]}" --json "$work/r.json" >"$work/out" 2>&1
  code=$?
  # Valid against docs/json-report.schema.json, like every report the tests write.
  python3 "$here/validate_json_report.py" "$work/r.json" || exit 1
  got=$(python3 - "$work/r.json" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["scenarios"]:
    if s["name"] == "upstream-resets":
        print(",".join(str(r["status"]) for r in s["broken"]["responses"]))
PY
)
  echo "round $i: exit $code, upstream-resets broken run got ${got:-nothing}"
  if [[ $got != 502 ]]; then
    bad=$((bad + 1))
    cat "$work/out"
  fi
done
echo "$bad of $rounds rounds without 502"
((bad == 0))
