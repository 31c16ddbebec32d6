#!/usr/bin/env bash
# docker/build-nginx-image.sh copies OpenSSL's configuration and the CA store into its FROM-scratch
# image, so that nginx there handshakes as the same binary does on this machine: the image has
# OPENSSLDIR's openssl.cnf (and what it links to), the CA store and OpenSSL's providers, not this
# machine's private keys; and a config trusting the system store passes nginx -t in it.
# Builds a throwaway image under its own tag and removes it. Skips (77) without Docker or nginx.
set -uo pipefail
repo=$1
if ! docker info >/dev/null 2>&1 || ! command -v nginx >/dev/null; then
  echo "skip: no Docker engine or no local nginx"
  exit 77
fi
tag=badgateway/nginx-openssl-test:$$
container=badgateway-openssl-test-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bg-image-test.XXXXXXXX")
chmod 0700 "$tmp"
cleanup() {
  docker rm -f "$container" >/dev/null 2>&1
  docker image rm -f "$tag" >/dev/null 2>&1
  rm -rf -- "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

bash "$repo/docker/build-nginx-image.sh" --tag "$tag" >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log" >&2; fail "the image did not build"; }
docker create --name "$container" "$tag" >/dev/null || fail "docker create"
docker export "$container" | tar -tv >"$tmp/files" || fail "docker export"

ssl_dir=$(openssl version -d 2>/dev/null | sed -n 's/^OPENSSLDIR: "\(.*\)"$/\1/p')
ssl_dir=${ssl_dir:-/usr/lib/ssl}
has() {
  grep -qE " ${1#/}( -> .*)?\$" "$tmp/files" && return
  echo "--- the image's files under etc/ssl and usr/lib/ssl:" >&2
  grep -E ' (etc/ssl|usr/lib/ssl)' "$tmp/files" | head -20 >&2
  echo "--- the build's last lines:" >&2
  tail -5 "$tmp/build.log" >&2
  fail "the image lacks $1"
}
[[ -e $ssl_dir/openssl.cnf ]] && has "$ssl_dir/openssl.cnf"
[[ -e /etc/ssl/openssl.cnf ]] && has /etc/ssl/openssl.cnf
[[ -e /etc/ssl/certs/ca-certificates.crt ]] && has /etc/ssl/certs/ca-certificates.crt
modules=$(openssl version -m 2>/dev/null | sed -n 's/^MODULESDIR: "\(.*\)"$/\1/p')
[[ -n $modules && -e $modules/legacy.so ]] && has "$modules/legacy.so"
if grep -qE ' (etc/ssl|'"${ssl_dir#/}"')/private(/| ->|$)' "$tmp/files"; then
  fail "the image holds a private/ directory of this machine"
fi
echo "image files: OpenSSL config, CA store and providers present; no private/"

# The store is usable: nginx -t on a config that trusts it (it would fail on a missing file).
if [[ -e /etc/ssl/certs/ca-certificates.crt ]]; then
  mkdir -p "$tmp/conf"
  cat >"$tmp/conf/nginx.conf" <<'CONF'
events {}
http {
    server {
        listen 8080;
        location / {
            proxy_pass https://127.0.0.1:9;
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;
        }
    }
}
CONF
  docker run --rm --network none -v "$tmp/conf:/conf:ro" "$tag" nginx -t -c /conf/nginx.conf \
    >"$tmp/t.log" 2>&1 || { cat "$tmp/t.log" >&2; fail "nginx -t with the system CA store"; }
  echo "nginx -t in the image accepts proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt"
fi
echo "PASS"
