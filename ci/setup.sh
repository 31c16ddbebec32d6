#!/usr/bin/env bash
# Installs what badgateway needs from Debian's packages. Idempotent: installs only what is missing.
set -euo pipefail

# Building badgateway.
build=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libfmt-dev libtomlplusplus-dev doctest-dev libpcre2-dev nlohmann-json3-dev
  libcli11-dev libldns-dev libssl-dev libnftables-dev
  help2man  # the man page, made from --help
)
# Running it: the nginx and PHP-FPM it puts under test.
runtime=(nginx php-fpm iproute2)  # iproute2: `ip`, which links a run's upstream hosts
# Testing it (BADGATEWAY_TEST_DEPS=1, set by ci/run-tests.sh and .ci/run): lint, report validators,
# the CPU hog of the soak stage, clang's libFuzzer and sanitizer runtimes.
test=(clang-format python3 python3-jsonschema python3-yaml libxml2-utils stress-ng clang libclang-rt-14-dev
  chromium perl tmux  # the HTML report in a browser, prove for --tap, the live progress line
  graphite-carbon python3-whisper prometheus)  # live metrics: carbon-cache, whisper-fetch, promtool

packages=("${build[@]}" "${runtime[@]}")
[[ "${BADGATEWAY_TEST_DEPS:-0}" == 1 ]] && packages+=("${test[@]}")
[[ "${BADGATEWAY_WITH_DOCKER:-0}" == 1 ]] && packages+=(docker.io mmdebstrap)  # mmdebstrap: ci/stage-image.sh's base image

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "ci/setup.sh: need root to install: ${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Packages' postinst must not start system services: badgateway runs its own nginx/php-fpm.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  ((created_policy)) && rm -f "$policy"
fi
echo "ci/setup.sh: dependencies present"
