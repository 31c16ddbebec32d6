#!/usr/bin/env bash
# CI stage: badgateway's own image. Builds it with docker/build-badgateway-image.sh (the base
# image from Debian's packages when no registry has it, the .deb from build/, the Dockerfile
# unchanged), then, inside containers of it: `list` and `check` of the installed catalog; a smoke
# subset of the catalog with the container's own Debian nginx and PHP-FPM, once with Docker's
# default privileges and once with CAP_SYS_ADMIN + CAP_NET_ADMIN (own configs need private network
# and mount namespaces), each with its JUnit and JSON reports checked; an own config without the
# capabilities, which must be an ERROR naming them; `docker stop` of a run (tini passes SIGTERM
# on: exit 143); serve published with -p, which needs --listen-beyond-loopback. Leaves no
# container behind and no dangling image (the image itself stays tagged, for the next build's
# layer cache). Prints each step's time. Usage: ci/stage-image.sh [--tag TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=badgateway:local
[[ ${1:-} == --tag ]] && tag=${2:?--tag needs a value}
t_stage=$SECONDS
fail() { echo "FAIL [stage-image]: $*" >&2; exit 1; }
step() { printf '=== image: %s (%d s)\n' "$1" $((SECONDS - t_step)); t_step=$SECONDS; }
t_step=$SECONDS

work=$(mktemp -d "${TMPDIR:-/tmp}/badgateway-stage-image.XXXXXXXX")
chmod 0700 "$work"
# Every container of this stage is named with this prefix and removed on exit, whatever happens
# (name() runs in a $(...) subshell, so a list of names kept there would be lost).
prefix=badgateway-stage-image-$$-
cleanup() {
  docker ps -aq --filter "name=^$prefix" | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT
name() { printf '%s%s\n' "$prefix" "$1"; }  # name WHAT -> a container name of this stage

# --- build -------------------------------------------------------------------------
[[ -f build/CPackConfig.cmake ]] || bash ci/build.sh
bash docker/build-badgateway-image.sh --tag "$tag" --build-dir build
step "build"

# --- list, check ---------------------------------------------------------------------
docker run --rm --name "$(name list)" "$tag" list >"$work/list" || fail "list exited $?"
grep -q "^upstream-refused  *server_unavailable" "$work/list" || fail "list lacks the catalog: $(head -3 "$work/list")"
docker run --rm --name "$(name check)" "$tag" check >"$work/check" || fail "check exited $?: $(cat "$work/check")"
grep -qE "^[0-9]+ files checked: all valid$" "$work/check" || fail "check: $(cat "$work/check")"
step "list, check"

# --- smoke runs ------------------------------------------------------------------------
# Fast scenarios covering the fakes over HTTP and FastCGI, real PHP-FPM (killed, so the pool's
# own process group must go without a PID namespace too) and an nginx that is not running.
smoke=(upstream-refused upstream-resets garbage-response header-too-big fastcgi-catch-stderr
  php-fpm-crashed-stale-socket php-fpm-permission-denied nginx-down)
own=(shop-api-down shop-php-fpm-down)  # own configs: private network and mount namespaces
filters() { local s; for s in "$@"; do printf -- '--filter\n%s\n' "$s"; done; }
mkdir -m 0777 "$work/out"
check_reports() { # check_reports NAME SCENARIO...: both reports parse, agree and say pass
  python3 tests/e2e/validate_json_report.py "$work/out/$1.json" >/dev/null ||
    fail "$1.json not valid against docs/json-report.schema.json"
  python3 - "$work/out/$1.xml" "$work/out/$1.json" "${@:2}" <<'PY' || fail "$1: reports"
import json, sys
import xml.etree.ElementTree as ET
xml, js, want = sys.argv[1], sys.argv[2], sorted(sys.argv[3:])
report = json.load(open(js))
got = sorted(s["name"] for s in report["scenarios"])
assert got == want, (got, want)
bad = [s["id"] for s in report["scenarios"] if s.get("verdict") != "pass"]
assert not bad, bad
cases = ET.parse(xml).getroot().findall("./testsuite/testcase")
assert len(cases) == 2 * len(want), len(cases)  # broken and fixed
assert not [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
PY
}

mapfile -t args < <(filters "${smoke[@]}")
docker run --rm --name "$(name smoke)" -v "$work/out:/out" "$tag" run --jobs 2 "${args[@]}" \
  --junit /out/default.xml --json /out/default.json >"$work/default.log" 2>&1 ||
  { cat "$work/default.log" >&2; fail "smoke run with Docker's default privileges"; }
check_reports default "${smoke[@]}"
step "smoke, default privileges: $(tail -1 "$work/default.log")"

# Own configs need what a default container lacks: an ERROR naming the capabilities, exit 2.
set +e
docker run --rm --name "$(name own-denied)" "$tag" run --filter "${own[0]}" >"$work/own-denied.log" 2>&1
code=$?
set -e
[[ $code == 2 ]] || { cat "$work/own-denied.log" >&2; fail "own config without privileges: exit $code, wanted 2"; }
grep -qF "cannot create a network namespace: Operation not permitted (a network of its own (an own config, [network]) needs CAP_SYS_ADMIN and CAP_NET_ADMIN" \
  "$work/own-denied.log" || { cat "$work/own-denied.log" >&2; fail "own config without privileges: no reason given"; }
step "own config, default privileges: ERROR naming CAP_SYS_ADMIN and CAP_NET_ADMIN"

# --privileged would do too, but cannot run on a host whose own bounding set lacks a capability
# (docker then fails to start the container): these two are what badgateway needs.
mapfile -t args < <(filters "${smoke[@]}" "${own[@]}")
docker run --rm --name "$(name caps)" --cap-add SYS_ADMIN --cap-add NET_ADMIN -v "$work/out:/out" \
  "$tag" run --jobs 2 "${args[@]}" --junit /out/caps.xml --json /out/caps.json >"$work/caps.log" 2>&1 ||
  { cat "$work/caps.log" >&2; fail "smoke run with CAP_SYS_ADMIN and CAP_NET_ADMIN"; }
check_reports caps "${smoke[@]}" "${own[@]}"
step "smoke + own configs, CAP_SYS_ADMIN + CAP_NET_ADMIN: $(tail -1 "$work/caps.log")"

# --- docker stop: tini passes SIGTERM on, badgateway stops everything and exits 143 ----------
stop=$(name stop)
docker run -d --name "$stop" "$tag" run --filter php-fpm-slow-script-504 --repeat 20 >/dev/null
deadline=$((SECONDS + 30))
until docker logs "$stop" 2>&1 | grep "php-fpm-slow-script-504" >/dev/null; do
  ((SECONDS < deadline)) || fail "docker stop: the run never started"
  sleep 0.1
done
docker stop -t 10 "$stop" >/dev/null
code=$(docker wait "$stop")
[[ $code == 143 ]] || { docker logs "$stop" >&2; fail "docker stop: exit $code, wanted 143"; }
step "docker stop: exit 143"

# --- serve, published with -p ------------------------------------------------------------
set +e
docker run --rm --name "$(name serve-refused)" "$tag" serve --listen 0.0.0.0:8080 --behaviour ok >/dev/null 2>"$work/refused"
code=$?
set -e
[[ $code == 2 ]] && grep -q -- "--listen-beyond-loopback" "$work/refused" ||
  fail "serve on 0.0.0.0 without the flag: exit $code, $(cat "$work/refused")"
serve=$(name serve)
docker run -d --name "$serve" -p 127.0.0.1::8080 "$tag" \
  serve --listen-beyond-loopback --listen 0.0.0.0:8080 --behaviour status --set code=503 >/dev/null
deadline=$((SECONDS + 30))
until docker logs "$serve" 2>/dev/null | grep "^serving" >/dev/null; do
  ((SECONDS < deadline)) || { docker logs "$serve" >&2; fail "serve did not start"; }
  sleep 0.1
done
port=$(docker port "$serve" 8080/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -1)
[[ -n $port ]] || fail "serve: no published port"
answer=$(python3 - "$port" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("GET", "/published")
r = c.getresponse()
print(r.status, r.getheader("X-Badgateway-Fake"))
PY
) || fail "serve through -p: no answer"
[[ $answer == "503 status" ]] || fail "serve through -p answered: $answer"
docker stop -t 10 "$serve" >/dev/null
code=$(docker wait "$serve")
[[ $code == 0 ]] || fail "serve: exit $code after docker stop"
# Into a file first: `docker logs | grep -q` under pipefail fails when grep exits before docker
# logs has written everything (SIGPIPE), which failed a CI run.
docker logs "$serve" >"$work/serve.log" 2>&1
grep -q "request GET /published" "$work/serve.log" || fail "serve did not print the request"
step "serve -p with --listen-beyond-loopback"

cleanup
[[ -z $(docker ps -aq --filter "name=^$prefix") ]] || fail "containers of this stage remain"
printf 'stage image: %d s (%s, %s)\n' $((SECONDS - t_stage)) "$tag" \
  "$(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.1f MB", $1 / 1e6}')"
