#!/usr/bin/env bash
# badgateway without CAP_SYS_ADMIN, as in a container run without --privileged: no PID, network or
# mount namespaces. setpriv drops the capability from the bounding set, so even root runs without
# it. Usage: no_privilege_test.sh BADGATEWAY SCENARIOS
# - the local launcher and real PHP-FPM still work, kill = "all" included (php-fpm calls setsid(),
#   so its master and workers are a process group of their own that only a PID namespace took
#   down with the init);
# - an own config, which needs a private network namespace, is an ERROR saying what it needs;
# - a scenario with a network of its own ([network], upstream hosts) is skipped with the reason;
# - a SIGKILLed badgateway leaves no nginx and no PHP-FPM behind (the init kills its group and the
#   program's own).
set -uo pipefail
bg=$1 scenarios=$2
command -v setpriv >/dev/null || { echo "skipped: no setpriv (util-linux)"; exit 77; }
[[ $(id -u) == 0 ]] || { echo "skipped: needs root (to show that root alone is not enough)"; exit 77; }
# A short directory of its own, not under $TMPDIR: CI's tmpfs path is long, and PHP-FPM's unix
# socket inside a run directory must stay within sun_path's 107 bytes.
work=$(mktemp -d /tmp/bg-np.XXXXXX)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1 TMPDIR=$work
fail() { echo "FAIL [no-privilege]: $*" >&2; exit 1; }
unprivileged() { setpriv --bounding-set=-sys_admin -- "$@"; }
unprivileged unshare -n true 2>/dev/null && fail "setpriv did not take CAP_SYS_ADMIN away"

unprivileged "$bg" run "$scenarios" --filter php-fpm-crashed-stale-socket --filter php-fpm-not-running \
  --filter upstream-refused >"$work/out" 2>&1 || { cat "$work/out" >&2; fail "scenarios without namespaces failed"; }
grep -qx "3 passed, 0 failed, 0 errors; 3 runs in .*" "$work/out" || { cat "$work/out" >&2; fail "summary"; }

unprivileged "$bg" run "$scenarios" --filter shop-api-down >"$work/out" 2>&1
code=$?
[[ $code == 2 ]] || { cat "$work/out" >&2; fail "own config: exit $code, wanted 2"; }
grep -qF "broken: harness error: cannot create a network namespace: Operation not permitted (a network of its own (an own config, [network]) needs CAP_SYS_ADMIN and CAP_NET_ADMIN: root on a host; in a container, docker run --cap-add SYS_ADMIN --cap-add NET_ADMIN, or --privileged)" \
  "$work/out" || { cat "$work/out" >&2; fail "own config: error does not say what it needs"; }

# A scenario that needs a network of its own is skipped with the reason, never run on this
# machine's network (and not a failure: exit 0).
unprivileged "$bg" run "$scenarios" --filter firewall-reject --json "$work/skip.json" >"$work/out" 2>&1 \
  || { cat "$work/out" >&2; fail "network scenario: exit $?, wanted 0 (skipped)"; }
grep -qF '"skip_reason":"needs a network of its own: cannot create a network namespace: Operation not permitted' \
  "$work/skip.json" || { cat "$work/out" "$work/skip.json" >&2; fail "network scenario: not skipped with the reason"; }

# SIGKILL while PHP-FPM serves a slow script: every process of the run must go.
ours() { pgrep -f -- "$work/badgateway-" || true; }
unprivileged "$bg" run "$scenarios" --filter php-fpm-slow-script-504 >"$work/out" 2>&1 &
pid=$!
deadline=$((SECONDS + 20))
until pgrep -f -- "$work/badgateway-php-fpm-slow-script-504-.*php-fpm.conf" >/dev/null; do
  ((SECONDS < deadline)) || { kill -9 $pid; fail "php-fpm never started"; }
  sleep 0.02
done
kill -9 $pid
wait $pid 2>/dev/null
deadline=$((SECONDS + 10))
while [[ -n $(ours) ]]; do
  ((SECONDS < deadline)) || { ps -o pid,pgid,args -p "$(ours | paste -sd,)" >&2; kill -9 $(ours); fail "processes outlived a SIGKILLed badgateway"; }
  sleep 0.02
done
echo "ok [no-privilege]: local launcher and PHP-FPM without CAP_SYS_ADMIN; own config refused with the reason; network scenario skipped; nothing outlives SIGKILL"
