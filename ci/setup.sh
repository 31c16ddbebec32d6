#!/usr/bin/env bash
# Installs what badgateway needs from Debian's packages. Idempotent: installs only what is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libfmt-dev libtomlplusplus-dev doctest-dev nlohmann-json3-dev
  nginx php-fpm clang-format
  libxml2-utils  # tests: xmllint checks the JUnit reports
)
[[ "${BADGATEWAY_WITH_DOCKER:-0}" == 1 ]] && packages+=(docker.io)

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
