#!/usr/bin/env bash
# README command 2: set up, build, and run the whole test suite (unit + integration).
set -euo pipefail
cd "$(dirname "$0")/.."
BADGATEWAY_TEST_DEPS=1 bash ci/setup.sh
bash ci/build.sh
exec ctest --test-dir build --output-on-failure -j 2 --timeout 300 "$@"
