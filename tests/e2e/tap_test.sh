#!/usr/bin/env bash
# --tap for prove users: a run with a passing and a failing scenario writes TAP version 13 that
# Debian's prove (perl) parses, reporting 1 of 2 failed with no parse error; a passing run's TAP
# passes in prove; an unwritable --tap or --html path is exit 2 before anything runs.
# Usage: tap_test.sh BADGATEWAY FIXTURES SCENARIOS
set -uo pipefail
bg=$1 fx=$2 scenarios=$3
work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1

fail() { echo "FAIL [tap]: $*" >&2; exit 1; }
command -v prove >/dev/null || { echo "SKIP: prove (Debian's perl) is not installed"; exit 77; }

# 1 of 2 fails: badgateway exits 1, prove sees 2 tests, test 2 failed, no parse errors.
"$bg" run "$scenarios/server_unavailable/upstream-refused.toml" "$fx/failing.toml" \
  --tap "$work/mixed.tap" >"$work/out" 2>&1
code=$?
[[ $code == 1 ]] || { cat "$work/out" >&2; fail "badgateway exited $code, wanted 1"; }
head -2 "$work/mixed.tap" | tr '\n' ' ' | grep -qx 'TAP version 13 1..2 ' || fail "no TAP 13 header and plan"
grep -q '^not ok [12] - fixture-failing \[' "$work/mixed.tap" || fail "the failure is not a 'not ok'"
grep -q '^      expected: "504"$' "$work/mixed.tap" || fail "no expected value in the YAML block"
grep -q '^      seen: "502"$' "$work/mixed.tap" || fail "no seen value in the YAML block"
# timeout: prove reading a file through `cat` has nothing to wait for; bounded anyway.
timeout 60 prove --verbose --exec cat "$work/mixed.tap" >"$work/prove.out" 2>&1
code=$?
cat "$work/prove.out"
[[ $code != 0 ]] || fail "prove passed a TAP stream with a failed test"
grep -q "Failed 1/2 subtests" "$work/prove.out" || fail "prove did not count 1 failure of 2"
grep -qi "parse error" "$work/prove.out" && fail "prove found a parse error"
grep -q 'Result: FAIL' "$work/prove.out" || fail "prove's result is not FAIL"

# All pass (and a skipped one): prove passes.
"$bg" run "$scenarios/server_unavailable/upstream-refused.toml" --tap "$work/pass.tap" \
  >"$work/out" 2>&1 || { cat "$work/out" >&2; fail "the passing run failed"; }
timeout 60 prove --exec cat "$work/pass.tap" >"$work/prove.out" 2>&1 \
  || { cat "$work/prove.out" >&2; fail "prove failed a passing run"; }
grep -q 'Result: PASS' "$work/prove.out" || fail "prove's result is not PASS"

# Standard output: the TAP alone.
"$bg" run "$scenarios/server_unavailable/upstream-refused.toml" --tap - >"$work/stdout.tap" \
  2>"$work/err" || fail "--tap - failed"
head -1 "$work/stdout.tap" | grep -qx 'TAP version 13' || fail "--tap - is not TAP on stdout"

# A path that cannot be written: exit 2, named, before any scenario ran.
for option in --tap --html; do
  "$bg" run "$fx/failing.toml" "$option" /nonexistent/dir/report >"$work/out" 2>"$work/err"
  code=$?
  [[ $code == 2 ]] || fail "$option to an unwritable path exited $code, wanted 2"
  grep -q "cannot write /nonexistent/dir/report" "$work/err" || { cat "$work/err" >&2; fail "$option: error does not name the file"; }
done
echo "ok: prove parses --tap (1 of 2 failed; all passed), --tap -, unwritable paths exit 2"
