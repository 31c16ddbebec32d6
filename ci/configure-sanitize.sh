#!/usr/bin/env bash
# Configures the one clang build that serves the ASan+UBSan stage and the fuzz stage: every unit,
# toml++ included (always compiled from its headers), compiled with ASan, UBSan and libFuzzer's coverage
# instrumentation (BADGATEWAY_FUZZ, see CMakeLists.txt), so that the tests, the catalog soak pass
# and the libFuzzer targets share the same objects instead of building the harness twice.
# -O1 with line tables: what libFuzzer's docs recommend, enough for the sanitizers' stack traces,
# and far quicker to compile than -O2 -g. Warnings are errors in the Release build only.
# Usage: ci/configure-sanitize.sh [BUILD_DIR] (default build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
  -DCMAKE_CXX_COMPILER=clang++ -DBADGATEWAY_FUZZ=ON \
  -DBADGATEWAY_WERROR=OFF "${launcher[@]}" >/dev/null
