#!/usr/bin/env bash
# README command 1: set up, build, and run the built-in catalog against the local nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
bash ci/build.sh
exec ./build/badgateway run --jobs 2 "$@"
