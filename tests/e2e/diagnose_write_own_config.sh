#!/usr/bin/env bash
# diagnose --write --config: a production log of the shop config (addresses, not names) becomes
# scenarios that run the shop's own config, unchanged, with fakes standing for its upstreams; run,
# each makes nginx log the production line again. Without --host, an address two of the config's
# hosts could be is not guessed: the group is listed as not written, naming --host.
# usage: diagnose_write_own_config.sh BADGATEWAY SOURCE_DIR
set -euo pipefail
bg=$1 src=$2
fixtures=$src/tests/e2e/fixtures/diagnose
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

out=$("$bg" diagnose "$fixtures/shop-error.log" --config "$src/scenarios/own_config/shop" \
  --write "$work/guess")
printf '%s\n' "$out"
grep -q 'say it with --host NAME=10.0.0.11' <<<"$out" || { echo "FAIL: no --host hint"; exit 1; }

out=$("$bg" diagnose "$fixtures/shop-error.log" --access-log "$fixtures/shop-access.log" \
  --config "$src/scenarios/own_config/shop" --host app1=10.0.0.11 --host app2=10.0.0.12 \
  --write "$work/mapped")
printf '%s\n' "$out"
grep -q '^Wrote 3 scenarios' <<<"$out" || { echo "FAIL: expected 3 scenarios written"; exit 1; }
# The access log's format came from the config's access_log (log_format main).
grep -q 'shop-access.log: 6 lines, 5 in the format' <<<"$out" ||
  { echo "FAIL: the access log was not read with the config's log_format"; exit 1; }
"$bg" run --jobs 2 "$work/mapped"
