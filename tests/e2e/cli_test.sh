#!/usr/bin/env bash
# End-to-end checks of the badgateway command line. Usage: cli_test.sh CASE BADGATEWAY FIXTURES
# Every wait polls for an event (a file, a line, a pid) with a deadline.
set -uo pipefail
case_name=$1 bg=$2 fx=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1

fail() { echo "FAIL [$case_name]: $*" >&2; exit 1; }
expect_code() {  # expect_code WANT CMD...
  local want=$1; shift
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  [[ $got == "$want" ]] || { cat "$work/out" "$work/err" >&2; fail "exit $got, wanted $want: $*"; }
}
# Every JSON report a case writes must be valid against docs/json-report.schema.json.
valid_json() {  # valid_json REPORT...
  python3 "$here/validate_json_report.py" "$@" >"$work/validate.out" 2>&1 \
    || { cat "$work/validate.out" >&2; fail "JSON report not valid: $*"; }
}
# serve_get OUTPUT_FILE PATH: the status line `serve` (its first line in OUTPUT_FILE names the
# port) answers to GET PATH over HTTP/1.0.
serve_get() {
  local port status_line
  port=$(sed -n 's/^serving .* on 127\.0\.0\.1:\([0-9]*\);.*/\1/p' "$1")
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.0\r\n\r\n' "$2" >&3
  IFS= read -r status_line <&3
  exec 3>&-
  printf '%s\n' "$status_line"
}
wait_for() {  # wait_for SECONDS CONDITION...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.02
  done
}

case $case_name in
exit-codes)
  expect_code 1 "$bg" run "$fx/failing.toml" --json "$work/failing.json"
  grep -q "status: expected 504, got 502" "$work/out" || fail "mismatch not explained"
  valid_json "$work/failing.json"
  # The rejected config is kept for the report: in our own TMPDIR, removed with $work.
  TMPDIR="$work" expect_code 2 "$bg" run "$fx/bad-nginx-config.toml" --json "$work/error.json"
  valid_json "$work/error.json"
  python3 - "$work/error.json" <<'PY' || fail "JSON of a rejected config"
import json, sys
s = json.load(open(sys.argv[1]))["scenarios"][0]
assert s["verdict"] == "ERROR" and "nginx -t" in s["broken"]["harness_error"], s
assert s["broken"]["run_dir"], s
PY
  grep -q 'bad-nginx-config.toml:10:12: nginx.location: nginx -t rejected the config: .*unknown directive "proxy_passs"' "$work/out" \
    || { cat "$work/out" >&2; fail "nginx -t message does not name the scenario's line"; }
  expect_code 2 "$bg" frobnicate
  expect_code 2 "$bg" run --jobs 0
  expect_code 2 "$bg" run --no-such-flag
  expect_code 2 "$bg" run --nginx /nonexistent/nginx
  grep -q "nginx not found" "$work/err" || fail "missing nginx not explained"
  expect_code 2 "$bg" run --filter 'no-such-*'
  # A scenario planned to take longer than --timeout is rejected before anything runs.
  expect_code 2 "$bg" run --timeout 1s "$fx/failing.toml"
  grep -qx "badgateway: $fx/failing.toml: requests: may take up to 5s (delay plus count / concurrency x timeout per group), over the scenario time limit of 1s (run --timeout)" "$work/err" \
    || { cat "$work/err" >&2; fail "time limit not explained"; }
  expect_code 2 "$bg" run --timeout banana "$fx/failing.toml"
  grep -q "^badgateway: --timeout: expected a duration" "$work/err" || fail "bad --timeout accepted"
  ;;
bad-scenario)
  expect_code 2 "$bg" run "$fx/bad-unknown-key.toml"
  grep -qx "badgateway: $fx/bad-unknown-key.toml:14:1: expect.stauts: unknown key (did you mean \"status\"?)" "$work/err" \
    || { cat "$work/err" >&2; fail "error does not name file:line:col and field"; }
  [[ $(wc -l <"$work/err") == 1 ]] || fail "error is not one line"
  expect_code 2 "$bg" run "$work/missing.toml"
  # An own config: the error names the scenario's key and the config's own file and line.
  expect_code 2 "$bg" run "$fx/bad-own-config.toml"
  grep -qx "badgateway: $fx/bad-own-config.toml:11:10: nginx.config: $(cd "$fx" && pwd)/own-config-unmapped/nginx.conf:6: proxy_pass connects to reports:8000, which no fake stands for (add a fake with host = \"reports:8000\")" "$work/err" \
    || { cat "$work/err" >&2; fail "own-config error does not name both files"; }
  [[ $(wc -l <"$work/err") == 1 ]] || fail "own-config error is not one line"
  ;;
list-explain)
  expect_code 0 "$bg" list
  [[ $(wc -l <"$work/out") -ge 14 ]] || fail "catalog lists fewer than 14 scenarios"
  grep -q "^upstream-refused  *server_unavailable" "$work/out" || fail "list format"
  expect_code 0 "$bg" explain upstream-stalls
  for want in "Cause:" "Look for:" "upstream timed out" "Directive:" "proxy_read_timeout" "Fix:"; do
    grep -q "$want" "$work/out" || fail "explain lacks $want"
  done
  # The expected result and the config change from broken to fixed, diff-style.
  expect_code 0 "$bg" explain php-fpm-slow-script-504
  grep -q "^Expect:       status 504; from nginx" "$work/out" || fail "explain lacks the expectation"
  grep -qx -- "    - fastcgi_read_timeout 300ms;" "$work/out" || fail "explain lacks the removed line"
  grep -qx -- "    + fastcgi_read_timeout 3s;" "$work/out" || fail "explain lacks the added line"
  grep -qx -- "      fastcgi_pass {{fakes.php}};" "$work/out" || fail "explain lacks context"
  grep -q "^  then expect status 200; from upstream" "$work/out" || fail "explain lacks the fixed expectation"
  expect_code 2 "$bg" explain no-such-scenario
  ;;
serve-http)
  "$bg" serve --listen 127.0.0.1:0 --behaviour status --set code=503 >"$work/serve.out" 2>&1 &
  pid=$!
  wait_for 10 grep -q "^serving" "$work/serve.out" || fail "serve did not start"
  status_line=$(serve_get "$work/serve.out" /hello)
  [[ $status_line == "HTTP/1.1 503 Service Unavailable"* ]] || fail "got '$status_line'"
  wait_for 10 grep -q "request GET /hello" "$work/serve.out" || fail "serve did not print the request"
  # Each event carries its local time to the millisecond, to be lined up with nginx's error log.
  python3 - "$work/serve.out" <<'PY' || { cat "$work/serve.out" >&2; fail "event lines without a (local) timestamp"; }
import datetime, re, sys
lines = [l for l in open(sys.argv[1]) if not l.startswith("serving")]
assert lines, "no event lines"
for line in lines:
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) status ", line)
    assert m, line
    age = datetime.datetime.now() - datetime.datetime.fromisoformat(m[1])
    assert datetime.timedelta(0) <= age < datetime.timedelta(seconds=60), (line, age)
PY
  kill -INT $pid
  wait $pid
  code=$?
  [[ $code == 0 ]] || fail "serve exit $code"
  # --quiet: served, but no line per event; the start and stop lines stay.
  "$bg" serve --quiet --listen 127.0.0.1:0 --behaviour ok >"$work/quiet.out" 2>&1 &
  pid=$!
  wait_for 10 grep -q "^serving" "$work/quiet.out" || fail "serve --quiet did not start"
  status_line=$(serve_get "$work/quiet.out" /quiet)
  [[ $status_line == "HTTP/1.1 200 OK"* ]] || fail "serve --quiet answered '$status_line'"
  kill -INT $pid
  wait $pid || fail "serve --quiet exit $?"
  [[ $(grep -vc -e '^serving' -e '^stopped' "$work/quiet.out") == 0 ]] \
    || { cat "$work/quiet.out" >&2; fail "serve --quiet printed events"; }
  grep -q "^stopped" "$work/quiet.out" || fail "serve --quiet did not say it stopped"
  # unix socket endpoint: the file exists while serving and is removed afterwards
  sock="$work/fake.sock"
  "$bg" serve --listen "unix:$sock" --behaviour ok >"$work/serve2.out" 2>&1 &
  pid=$!
  wait_for 10 test -S "$sock" || fail "unix socket not created"
  kill -TERM $pid
  wait $pid
  [[ ! -e $sock ]] || fail "unix socket left behind"
  expect_code 2 "$bg" serve --listen 10.1.2.3:80 --behaviour ok
  grep -q "not a loopback address" "$work/err" || fail "non-loopback accepted"
  expect_code 2 "$bg" serve --behaviour ok --set latncy=1s
  grep -q "latncy" "$work/err" || fail "unknown parameter not named"
  ;;
serve-tls)
  # --tls DIR: the certificates are written there and named; a client that trusts DIR/ca.pem and
  # sends the required SNI gets the behaviour's answer over TLS; one without SNI gets the alert.
  "$bg" serve --listen 127.0.0.1:0 --behaviour status --set code=503 --tls "$work/tls" \
    --tls-config 'names = ["app.internal"], sni = "required"' >"$work/serve.out" 2>&1 &
  pid=$!
  wait_for 10 grep -q "^serving" "$work/serve.out" || { cat "$work/serve.out" >&2; fail "serve did not start"; }
  grep -q "^serving status (http over TLS) on 127\.0\.0\.1:" "$work/serve.out" || fail "no TLS in the first line"
  grep -qx "tls.ca: $work/tls/ca.pem (.*)" "$work/serve.out" || fail "CA path not printed"
  [[ $(stat -c %a "$work/tls/client.key") == 600 ]] || fail "client key not 0600"
  port=$(sed -n 's/^serving .* on 127\.0\.0\.1:\([0-9]*\);.*/\1/p' "$work/serve.out")
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$work/tls/ca.pem" \
    --resolve "app.internal:$port:127.0.0.1" "https://app.internal:$port/")
  [[ $code == 503 ]] || fail "over TLS with SNI: got '$code'"
  curl -s -o /dev/null --max-time 5 -k "https://127.0.0.1:$port/" 2>"$work/curl.err"
  [[ $? == 35 ]] || fail "without SNI: the handshake did not fail"
  wait_for 10 grep -q "TLS: handshake failed" "$work/serve.out" || fail "failed handshake not printed"
  kill -TERM $pid
  wait $pid
  [[ $? == 0 ]] || fail "serve exit"
  expect_code 2 "$bg" serve --behaviour ok --tls "$work/tls2" --tls-config 'sni = "always"'
  grep -q 'tls.sni: expected one of "optional", "required"' "$work/err" || fail "bad --tls-config not named: $(cat "$work/err")"
  [[ ! -e $work/tls2 ]] || fail "certificates made for a bad --tls-config"
  expect_code 2 "$bg" serve --behaviour ok --tls-config 'sni = "required"'
  grep -q -- "--tls-config needs --tls DIR" "$work/err" || fail "--tls-config without --tls accepted"
  ;;
serve-signals)
  # serve stops cleanly on INT, TERM and QUIT even when started with SIGINT and SIGQUIT ignored
  # (what a background job of a non-interactive shell inherits).
  for sig in INT TERM QUIT; do
    sock="$work/sig-$sig.sock"
    python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM):
    signal.signal(s, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$bg" serve --listen "unix:$sock" --behaviour ok >"$work/serve.out" 2>&1 &
    pid=$!
    wait_for 10 test -S "$sock" || fail "SIG$sig: serve did not start"
    kill -$sig $pid
    deadline=$((SECONDS + 5))
    while kill -0 $pid 2>/dev/null && ! grep -q '^State:.*Z' /proc/$pid/status 2>/dev/null; do
      ((SECONDS < deadline)) || { kill -KILL $pid; fail "serve ignored SIG$sig"; }
      sleep 0.02
    done
    wait $pid
    code=$?
    [[ $code == 0 ]] || fail "SIG$sig: serve exit $code"
    [[ ! -e $sock ]] || fail "SIG$sig: unix socket left behind"
    grep -q "^stopped" "$work/serve.out" || fail "SIG$sig: serve did not stop cleanly"
  done
  ;;
serve-fastcgi)
  # A hand-written nginx config in front of `serve --protocol fastcgi`, as a user would do it.
  sock="$work/php.sock"
  "$bg" serve --protocol fastcgi --listen "unix:$sock" --behaviour stderr >"$work/serve.out" 2>&1 &
  fake=$!
  wait_for 10 test -S "$sock" || fail "fastcgi socket not created"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/nginx/logs"
  cat >"$work/nginx/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/logs/error.log info;
$([[ $(id -u) == 0 ]] && echo "user root root;")
events {}
http {
  access_log off;
  client_body_temp_path $work/nginx/cb; fastcgi_temp_path $work/nginx/fc; proxy_temp_path $work/nginx/px;
  uwsgi_temp_path $work/nginx/uw; scgi_temp_path $work/nginx/sc;
  server { listen 127.0.0.1:$port; location / { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$sock; } }
}
CONF
  nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" &
  ngx=$!
  wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null || { kill $ngx $fake; fail "nginx did not listen"; }
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /index.php?x=1 HTTP/1.0\r\nHost: t\r\n\r\n' >&3
  response=$(cat <&3)
  exec 3>&-
  kill -QUIT $ngx; wait $ngx
  kill -INT $fake; wait $fake
  [[ $response == "HTTP/1.1 200"* ]] || fail "got: ${response%%$'\r'*}"
  grep -q "X-Badgateway-Fake: stderr" <<<"$response" || fail "fake marker missing"
  grep -q 'FastCGI sent in stderr: "PHP Warning' "$work/nginx/logs/error.log" || fail "stderr not logged by nginx"
  grep -q "request GET /index.php" "$work/serve.out" || fail "serve did not print the request"
  [[ ! -e $sock ]] || fail "socket left behind"
  ;;
serve-fastcgi-escape)
  # Regression (issue 10, bug 9): bytes a FastCGI client sends reach the terminal escaped.
  sock="$work/fcgi.sock"
  "$bg" serve --protocol fastcgi --listen "unix:$sock" --behaviour ok >"$work/serve.out" 2>&1 &
  fake=$!
  wait_for 10 test -S "$sock" || { kill $fake; fail "fastcgi socket not created"; }
  python3 - "$sock" <<'PY' || { kill -INT $fake; wait $fake; fail "fastcgi client failed"; }
import socket, struct, sys
def record(kind, content):
    return struct.pack(">BBHHBB", 1, kind, 1, len(content), 0, 0) + content
def pair(name, value):
    return bytes([len(name), len(value)]) + name + value
params = pair(b"REQUEST_METHOD", b"GET") + pair(b"REQUEST_URI", b"/\x1b[2J\x1b]0;owned\x07")
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(record(1, struct.pack(">HB5x", 1, 0)) + record(4, params) + record(4, b"") + record(5, b""))
while s.recv(65536):
    pass
PY
  wait_for 10 grep -q "request GET" "$work/serve.out" || { kill -INT $fake; wait $fake; fail "request not printed"; }
  kill -INT $fake; wait $fake
  grep -qF 'request GET /\x1b[2J\x1b]0;owned\x07' "$work/serve.out" || { cat -v "$work/serve.out" >&2; fail "not escaped"; }
  if grep -q $'\x1b' "$work/serve.out"; then fail "a raw ESC reached the terminal"; fi
  ;;
serve-socket-mode)
  # Issue 16 §3: the socket was left to the umask (0755 under 022), so nginx's workers (www-data)
  # got "(13: Permission denied)" and every behaviour answered 502.
  umask 022
  sock="$work/mode.sock"
  for mode in default 0660 640; do
    args=() want=666
    [[ $mode == default ]] || { args=(--socket-mode "$mode"); want=${mode#0}; }
    # Emptied here, not by the child: a wait on the file must not see the last run's line (and
    # signal a serve that has not yet set up its handlers: it would ignore SIGINT and hang).
    : >"$work/serve.out"
    "$bg" serve --listen "unix:$sock" --behaviour ok "${args[@]}" >"$work/serve.out" 2>&1 &
    pid=$!
    wait_for 10 grep -q "^serving" "$work/serve.out" || { kill $pid; fail "$mode: serve did not start"; }
    got=$(stat -c %a "$sock")
    kill -INT $pid
    wait $pid
    [[ $got == "$want" ]] || fail "--socket-mode $mode: the socket is $got, wanted $want"
  done
  expect_code 2 "$bg" serve --listen "unix:$sock" --behaviour ok --socket-mode 999
  grep -qx 'badgateway: --socket-mode: expected an octal mode such as 0660 or 0666, got "999"' "$work/err" \
    || { cat "$work/err" >&2; fail "bad --socket-mode not explained"; }
  [[ $(wc -l <"$work/err") == 1 ]] || fail "--socket-mode error is not one line"
  expect_code 2 "$bg" serve --listen 127.0.0.1:0 --behaviour ok --socket-mode 0660
  grep -qx 'badgateway: --socket-mode: only for a unix socket (--listen unix:/path)' "$work/err" \
    || { cat "$work/err" >&2; fail "--socket-mode on TCP not refused"; }
  [[ ! -e $sock ]] || fail "socket left behind"
  ;;
serve-localhost)
  # Issue 16 §3: localhost:PORT was refused. nginx resolving localhost tries 127.0.0.1 and ::1,
  # so serve listens on both, on one port (port 0: the one the kernel gave 127.0.0.1).
  python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null \
    || { echo "skipped: no IPv6 loopback here (serve-localhost-no-ipv6 covers that)"; exit 77; }
  ask() {  # ask HOST PORT PATH: prints the status line of the answer, then its X-Badgateway-Fake
    exec 3<>"/dev/tcp/$1/$2" || return 1
    printf 'GET %s HTTP/1.0\r\n\r\n' "$3" >&3
    local line status fake=
    IFS= read -r status <&3
    while IFS= read -r line <&3 && [[ ${line%$'\r'} ]]; do
      [[ $line == "X-Badgateway-Fake: "* ]] && fake=${line#*: }
    done
    exec 3>&-
    printf '%s|%s\n' "${status%$'\r'}" "${fake%$'\r'}"
  }
  # A port free on both addresses, for the explicit-port run.
  free=$(python3 -c 'import socket
a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
socket.socket(socket.AF_INET6).bind(("::1", p)); print(p)')
  for given in 0 "$free"; do
    # Emptied here, not by the child: a wait on the file must not see the last run's line (and
    # signal a serve that has not yet set up its handlers: it would ignore SIGINT and hang).
    : >"$work/serve.out"
    "$bg" serve --listen "localhost:$given" --behaviour status --set code=503 >"$work/serve.out" 2>"$work/serve.err" &
    pid=$!
    wait_for 10 grep -q "^serving" "$work/serve.out" || { kill $pid; cat "$work/serve.err" >&2; fail "localhost:$given: serve did not start"; }
    read -r v4 v6 < <(sed -n 's/^serving status (http) on 127\.0\.0\.1:\([0-9]*\) and \[::1\]:\([0-9]*\); Ctrl-C to stop$/\1 \2/p' "$work/serve.out")
    [[ -n ${v4:-} && $v4 == "${v6:-}" ]] || { kill -INT $pid; cat "$work/serve.out" >&2; fail "localhost:$given: not both addresses on one port"; }
    [[ $given == 0 || $v4 == "$given" ]] || { kill -INT $pid; fail "localhost:$given: served on port $v4"; }
    for host in 127.0.0.1 ::1; do
      # One fake on two addresses: the same name on both (it once said "status (::1)" on ::1).
      got=$(ask $host "$v4" "/from-$host")
      [[ $got == "HTTP/1.1 503 Service Unavailable|status" ]] || { kill -INT $pid; fail "localhost:$given: $host answered '$got'"; }
    done
    wait_for 10 grep -q "status \[::1\]:$v4 request GET /from-::1 " "$work/serve.out" \
      || { kill -INT $pid; cat "$work/serve.out" >&2; fail "the ::1 request not printed with its address"; }
    grep -q "status 127\.0\.0\.1:$v4 request GET /from-127\.0\.0\.1 " "$work/serve.out" \
      || { kill -INT $pid; cat "$work/serve.out" >&2; fail "the 127.0.0.1 request not printed with its address"; }
    kill -INT $pid
    wait $pid
    code=$?
    [[ $code == 0 ]] || fail "localhost:$given: serve exit $code"
    [[ ! -s $work/serve.err ]] || { cat "$work/serve.err" >&2; fail "localhost:$given: unexpected stderr"; }
  done
  # Other names stay refused, saying what is accepted.
  expect_code 2 "$bg" serve --listen example.com:80 --behaviour ok
  grep -qx 'badgateway: --listen example.com:80: "example.com" is a host name; serve takes a loopback address (127.0.0.1:PORT, \[::1\]:PORT), localhost:PORT or unix:/path' "$work/err" \
    || { cat "$work/err" >&2; fail "a host name not explained"; }
  ;;
serve-localhost-no-ipv6)
  # Without IPv6, localhost is 127.0.0.1 alone, said in one line on stderr. A network namespace of
  # our own, its lo without IPv6, stands for such a machine.
  if [[ ${BADGATEWAY_NO_IPV6_NETNS:-} != 1 ]]; then
    unshare -n true 2>/dev/null || { echo "skipped: cannot make a network namespace (needs root)"; exit 77; }
    BADGATEWAY_NO_IPV6_NETNS=1 unshare -n bash "${BASH_SOURCE[0]}" "$case_name" "$bg" "$fx"
    exit $?
  fi
  ip link set lo up || fail "cannot bring lo up"
  if [[ -e /proc/sys/net/ipv6/conf/lo/disable_ipv6 ]]; then
    echo 1 >/proc/sys/net/ipv6/conf/lo/disable_ipv6 || fail "cannot disable IPv6 on lo"
  fi
  "$bg" serve --listen localhost:0 --behaviour status --set code=503 >"$work/serve.out" 2>"$work/serve.err" &
  pid=$!
  wait_for 10 grep -q "^serving" "$work/serve.out" || { kill $pid; cat "$work/serve.err" >&2; fail "serve did not start"; }
  port=$(sed -n 's/^serving status (http) on 127\.0\.0\.1:\([0-9]*\); Ctrl-C to stop$/\1/p' "$work/serve.out")
  [[ -n $port ]] || { kill -INT $pid; cat "$work/serve.out" >&2; fail "not 127.0.0.1 alone"; }
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET / HTTP/1.0\r\n\r\n' >&3
  IFS= read -r status_line <&3
  exec 3>&-
  kill -INT $pid
  wait $pid
  code=$?
  [[ $status_line == "HTTP/1.1 503 Service Unavailable"* ]] || fail "got '$status_line'"
  [[ $code == 0 ]] || fail "serve exit $code"
  [[ $(cat "$work/serve.err") == "badgateway: no IPv6 loopback (::1) here: localhost is 127.0.0.1 only" ]] \
    || { cat "$work/serve.err" >&2; fail "the fallback not said in one line"; }
  ;;
serve-beyond-loopback)
  # Issue 16 §2: beyond loopback (a serve in a container, published with -p) only when asked for
  # by name; the refusal names the flag. The accepted case listens on 0.0.0.0 inside a network
  # namespace of our own, so nothing is ever reachable from outside this test.
  for addr in 0.0.0.0:0 "[::]:0" 192.0.2.1:8080; do
    expect_code 2 "$bg" serve --listen "$addr" --behaviour ok
    host=${addr%:*} host=${host#\[} host=${host%\]}
    [[ $(cat "$work/err") == "badgateway: --listen $addr: \"$host\" is not a loopback address (serve listens beyond loopback only with --listen-beyond-loopback)" ]] \
      || { cat "$work/err" >&2; fail "$addr: refusal does not name the flag in one line"; }
  done
  # Loopback needs no flag (all of 127/8 is loopback); a host name stays refused with it.
  expect_code 2 "$bg" serve --listen-beyond-loopback --listen example.com:80 --behaviour ok
  grep -q '"example.com" is a host name' "$work/err" || { cat "$work/err" >&2; fail "host name accepted"; }
  if [[ ${BADGATEWAY_SERVE_NETNS:-} != 1 ]]; then
    unshare -n true 2>/dev/null || { echo "skipped: cannot make a network namespace (needs root)"; exit 77; }
    BADGATEWAY_SERVE_NETNS=1 unshare -n bash "${BASH_SOURCE[0]}" "$case_name" "$bg" "$fx"
    exit $?
  fi
  ip link set lo up || fail "cannot bring lo up"
  "$bg" serve --listen-beyond-loopback --listen 0.0.0.0:0 --behaviour status --set code=503 \
    >"$work/serve.out" 2>"$work/serve.err" &
  pid=$!
  wait_for 10 grep -q "^serving" "$work/serve.out" || { kill $pid; cat "$work/serve.err" >&2; fail "serve did not start"; }
  port=$(sed -n 's/^serving status (http) on 0\.0\.0\.0:\([0-9]*\); Ctrl-C to stop$/\1/p' "$work/serve.out")
  [[ -n $port ]] || { kill -INT $pid; cat "$work/serve.out" >&2; fail "not serving on 0.0.0.0"; }
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET / HTTP/1.0\r\n\r\n' >&3
  IFS= read -r status_line <&3
  exec 3>&-
  kill -INT $pid
  wait $pid
  code=$?
  [[ $status_line == "HTTP/1.1 503 Service Unavailable"* ]] || fail "got '$status_line'"
  [[ $code == 0 && ! -s $work/serve.err ]] || { cat "$work/serve.err" >&2; fail "serve exit $code"; }
  ;;
help-version)
  expect_code 0 "$bg" --version
  grep -q "^badgateway [0-9]" "$work/out" || fail "version"
  for cmd in run list explain serve clean; do
    expect_code 0 "$bg" $cmd --help
    grep -q "usage: badgateway $cmd" "$work/out" || fail "$cmd --help"
  done
  ;;
no-leak)
  export TMPDIR="$work/tmp"
  mkdir -p "$TMPDIR"
  expect_code 0 "$bg" run --jobs 2 --filter 'upstream-*' --filter 'blackholed-*'
  [[ -z $(ls -A "$TMPDIR") ]] || fail "run directories left: $(ls "$TMPDIR")"
  pgrep -f "$TMPDIR" >/dev/null && fail "processes left behind: $(pgrep -af "$TMPDIR")"
  expect_code 0 "$bg" run --keep --filter upstream-refused --json "$work/keep.json"
  valid_json "$work/keep.json"
  [[ $(ls "$TMPDIR" | wc -l) == 2 ]] || fail "--keep did not keep both run directories"
  [[ $(stat -c %a "$TMPDIR"/badgateway-upstream-refused-broken-*) == 700 ]] || fail "run dir not 0700"
  ;;
interrupt)
  export TMPDIR="$work/tmp"
  mkdir -p "$TMPDIR"
  for sig in INT TERM; do
    "$bg" run "$fx/slow.toml" --json "$work/$sig.json" >"$work/run.out" 2>&1 &
    pid=$!
    has_nginx() { local f; for f in "$TMPDIR"/badgateway-*/nginx.pid; do [[ -s $f ]] && return 0; done; return 1; }
    wait_for 15 has_nginx || fail "nginx never started"
    # nginx.pid holds nginx's pid inside its PID namespace; ours is the master named by its title.
    ngx=$(pgrep -f "^nginx: master process .*$TMPDIR")
    [[ -n $ngx ]] || fail "nginx master not found"
    kill -$sig $pid
    deadline=$((SECONDS + 10))
    while kill -0 $pid 2>/dev/null; do ((SECONDS < deadline)) || fail "badgateway ignored SIG$sig"; sleep 0.02; done
    wait $pid
    code=$?
    want=$((128 + $(kill -l $sig)))
    [[ $code == "$want" ]] || fail "SIG$sig: exit $code, wanted $want"
    [[ -z $(ls -A "$TMPDIR") ]] || { cat "$work/run.out"; find "$TMPDIR"; fail "SIG$sig: run directory left"; }
    if [[ -d /proc/$ngx ]] && ! grep -q '^State:.*Z' "/proc/$ngx/status" 2>/dev/null; then
      fail "SIG$sig: nginx $ngx still running"
    fi
    pgrep -f "$TMPDIR" >/dev/null && fail "SIG$sig: processes left: $(pgrep -af "$TMPDIR")"
    valid_json "$work/$sig.json"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(r["interrupted"] != 1)' \
      "$work/$sig.json" || fail "SIG$sig: JSON report does not mark the run interrupted"
  done
  ;;
dirty-reports)
  # nginx logs a PHP error_log() with bytes 0xff 0xfe and control characters raw; both reports
  # must still parse, and show those bytes as \xNN.
  expect_code 0 "$bg" run "$fx/dirty-stderr.toml" --json "$work/r.json" --junit "$work/r.xml"
  python3 -m json.tool "$work/r.json" >/dev/null || fail "JSON report does not parse"
  valid_json "$work/r.json"
  xmllint --noout "$work/r.xml" || fail "JUnit report rejected by xmllint"
  python3 - "$work/r.json" "$work/r.xml" <<'PY' || fail "reports do not show the bytes as \xNN"
import json, sys
lines = [l for s in json.load(open(sys.argv[1]))["scenarios"] for l in s["broken"]["error_log"]
         if "dirty:" in l]
assert lines and "caf\u00e9 \\xff\\xfe bell\x07 esc\x1b[0m" in lines[0], lines
xml = open(sys.argv[2], "rb").read()
assert b"caf\xc3\xa9 \\xff\\xfe bell\\x07 esc\\x1b[0m" in xml, xml
PY
  ;;
report-sigkill)
  # A run killed with SIGKILL mid-way leaves reports that parse, hold the finished scenario and
  # mark the rest interrupted.
  export TMPDIR="$work/tmp"
  mkdir -p "$TMPDIR"
  "$bg" run "$fx/dirty-stderr.toml" "$fx/slow.toml" --json "$work/r.json" --junit "$work/r.xml" \
    >"$work/run.out" 2>&1 &
  pid=$!
  finished_one() { python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["finished"] < 1)' "$work/r.json" 2>/dev/null; }
  has_nginx() { local f; for f in "$TMPDIR"/badgateway-fixture-slow-*/nginx.pid; do [[ -s $f ]] && return 0; done; return 1; }
  wait_for 30 finished_one || { kill -KILL $pid; fail "no report with a finished scenario"; }
  wait_for 30 has_nginx || { kill -KILL $pid; fail "the slow scenario never started"; }
  kill -KILL $pid
  wait $pid
  # What SIGKILL leaves behind is not this test's subject: end the slow scenario's nginx.
  for f in "$TMPDIR"/badgateway-*/nginx.pid; do [[ -s $f ]] && kill -KILL "$(cat "$f")" 2>/dev/null; done
  valid_json "$work/r.json"
  python3 - "$work/r.json" <<'PY' || fail "JSON report after SIGKILL"
import json, sys
r = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in r["scenarios"]}
assert r["total"] == 2 and r["finished"] == 1 and r["interrupted"] == 1, r
assert s["fixture-dirty-stderr"]["status"] == "finished" and s["fixture-dirty-stderr"]["verdict"] == "pass"
assert s["fixture-slow"]["status"] == "interrupted" and "verdict" not in s["fixture-slow"]
PY
  xmllint --noout "$work/r.xml" || fail "JUnit report after SIGKILL does not parse"
  grep -q 'name="fixture-dirty-stderr (broken) \[nginx [^"]*\]" time="[0-9.]*">' "$work/r.xml" || fail "finished testcase missing"
  grep -A1 'name="fixture-slow (broken)' "$work/r.xml" | grep -q '<skipped message="interrupted' \
    || fail "slow scenario not marked skipped/interrupted"
  [[ ! -e $work/r.json.tmp && ! -e $work/r.xml.tmp ]] || fail "temp file left"
  ;;
run-modes)
  # --fail-fast, skip, --shuffle/--seed, --repeat, --shard and only, end to end on quick fixtures
  # (sorted: a-pass, b-fail, c-skip with skip = "...", d-pass).
  m="$fx/modes"
  expect_code 1 "$bg" run --fail-fast "$m" --json "$work/ff.json" --junit "$work/ff.xml"
  grep -qx "1 passed, 1 failed (status 1), 0 errors, 2 skipped; 2 runs in .*" "$work/out" \
    || { cat "$work/out" >&2; fail "summary after --fail-fast"; }
  valid_json "$work/ff.json"
  python3 - "$work/ff.json" <<'PY' || fail "JSON after --fail-fast"
import json, sys
r = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in r["scenarios"]}
assert r["finished"] == 2 and r["skipped"] == 2 and r["interrupted"] == 0 and r["fail_fast"], r
assert s["fixture-c-skip"]["status"] == "skipped" and s["fixture-c-skip"]["skip_reason"] == "waits for issue 99"
assert s["fixture-d-pass"]["status"] == "skipped", s["fixture-d-pass"]
assert s["fixture-d-pass"]["skip_reason"].startswith("not run: --fail-fast after fixture-b-fail ["), s
PY
  xmllint --noout "$work/ff.xml" || fail "JUnit after --fail-fast"
  grep -q '<skipped message="waits for issue 99"/>' "$work/ff.xml" || fail "skip reason not in JUnit"

  # The seed is printed first; giving it back replays the order (--jobs 1: lines in start order).
  order() { sed -n 's/^\[ *[0-9]*\/[0-9]*\] [a-zA-Z]* *\(fixture-[^[]*\) \[.*/\1/p' "$work/out"; }
  expect_code 1 "$bg" run --shuffle --repeat 2 "$m" --json "$work/repeat.json"
  valid_json "$work/repeat.json"
  seed=$(sed -n 's/^shuffled with seed \([0-9]*\): --shuffle --seed \1 replays this order$/\1/p' "$work/out")
  [[ -n $seed && $(sed -n 2p "$work/out") == "shuffled with seed $seed"* ]] || fail "seed not printed first"
  [[ $(order | wc -l) == 7 ]] || { cat "$work/out" >&2; fail "--repeat 2: not 3 x 2 runs and a skip"; }
  order >"$work/first"
  expect_code 1 "$bg" run --repeat 2 --seed "$seed" --shuffle "$m"
  order | diff "$work/first" - >&2 || fail "--seed $seed did not replay the order"

  # Two shards: every scenario in exactly one, with its own report; I/N checked.
  expect_code 0 "$bg" run --shard 1/2 "$m" --json "$work/s1.json"
  expect_code 1 "$bg" run --shard 2/2 "$m" --json "$work/s2.json"
  valid_json "$work/s1.json" "$work/s2.json"
  python3 - "$work/s1.json" "$work/s2.json" <<'PY' || fail "shards"
import json, sys
names = [sorted(s["name"] for s in json.load(open(p))["scenarios"]) for p in sys.argv[1:]]
assert names == [["fixture-a-pass", "fixture-c-skip"], ["fixture-b-fail", "fixture-d-pass"]], names
PY
  expect_code 2 "$bg" run --shard 3/2 "$m"
  grep -qx 'badgateway: --shard: expected I/N with 1 <= I <= N <= 1000, such as 2/4, got "3/2"' "$work/err" \
    || { cat "$work/err" >&2; fail "bad --shard"; }
  [[ $(wc -l <"$work/err") == 1 ]] || fail "--shard error is not one line"

  # only = true: the rest is reported skipped, and the failing one does not run.
  expect_code 0 "$bg" run "$m" "$fx/only.toml" --json "$work/only.json"
  valid_json "$work/only.json"
  grep -q "^only = true on fixture-only" "$work/out" || fail "only not announced"
  grep -qx "1 passed, 0 failed, 0 errors, 4 skipped; 1 run in .*" "$work/out" \
    || { cat "$work/out" >&2; fail "only did not run only it"; }
  ;;
check)
  # The catalog is valid; a file with three independent errors gets all three, in file order,
  # with "did you mean" where a key or value is a near miss; nothing runs.
  expect_code 0 "$bg" check
  grep -qx "[0-9]* files checked: all valid" "$work/out" || fail "catalog check summary"
  expect_code 2 "$bg" check "$fx/check-three-errors.toml" "$fx/failing.toml"
  f="$fx/check-three-errors.toml"
  diff - "$work/out" <<EOF || fail "check output"
$f:3:9: cause: unknown cause "misconfgiuration" (did you mean "misconfiguration"?)
$f:6:1: fakes.app.behaviour: is required; is "behavior" a misspelling of it?
$f:11:1: requests.cuont: unknown key (did you mean "count"?)
$f: not checked until the errors above are fixed: [nginx], [expect], [fix]
2 files checked: 1 valid, 1 with 3 errors
EOF
  # Every unknown top-level key, in file order; a typo reported once, not again as "required".
  printf 'zzz = 1\nname = "x"\ndescripton = "d"\ncause = "dns"\nteaches = "t"\naaa = 2\n' >"$work/keys.toml"
  printf '[nginx]\nlocation = "return 200;"\n[expect]\nstatus = 200\n' >>"$work/keys.toml"
  expect_code 2 "$bg" check "$work/keys.toml"
  diff - "$work/out" <<EOF || fail "check of unknown keys"
$work/keys.toml:1:1: zzz: unknown key
$work/keys.toml:3:1: descripton: unknown key (did you mean "description"?)
$work/keys.toml:6:1: aaa: unknown key
1 file checked: 0 valid, 1 with 3 errors
EOF
  mkdir "$work/empty"
  expect_code 2 "$bg" check "$work/empty"
  grep -q "no scenario files" "$work/err" || fail "an empty directory passed check"
  expect_code 2 "$bg" check /nonexistent/dir
  grep -qx "badgateway: /nonexistent/dir: no such file or directory" "$work/err" || fail "missing path"
  ;;
report-stdout-keep)
  ok="$fx/../../../scenarios/misconfiguration/garbage-response.toml"
  # --json - is standard output: the report alone (for a pipe), the terminal report on stderr,
  # and no file named "-".
  cd "$work" || fail "cd"
  expect_code 0 "$bg" run "$ok" --json -
  cp "$work/out" "$work/stdout.json"
  valid_json "$work/stdout.json"
  grep -q "pass  garbage-response" "$work/err" || fail "progress not on stderr with --json -"
  [[ ! -e "$work/-" ]] || fail "--json - wrote a file named -"
  expect_code 0 "$bg" run "$ok" --junit -
  head -1 "$work/out" | grep -q '^<?xml' || fail "--junit - is not XML on stdout"
  expect_code 2 "$bg" run "$ok" --junit - --json -
  grep -q "cannot both be standard output" "$work/err" || fail "two reports on stdout accepted"
  # --keep lists every kept directory, a passing scenario's too, with the scenario's whole name;
  # the directory's name keeps the phase however long the scenario's name is.
  long=garbage-response-with-a-name-much-longer-than-forty-characters
  sed "s/^name = \"garbage-response\"/name = \"$long\"/" "$ok" >"$work/long.toml"
  TMPDIR="$work" expect_code 0 "$bg" run --keep "$work/long.toml"
  grep -q "^Kept run directories" "$work/out" || fail "kept directories not listed"
  for phase in broken fixed; do
    dir=$(sed -n "s|^  $long $phase: ||p" "$work/out")
    [[ -d $dir ]] || { cat "$work/out" >&2; fail "$phase directory not listed or missing"; }
    [[ $(basename "$dir") == *-$phase-?????? ]] || fail "phase cut from $dir"
  done
  ;;
*)
  fail "unknown case"
  ;;
esac
echo "ok [$case_name]"
