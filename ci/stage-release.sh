#!/usr/bin/env bash
# CI stage: the Release configuration (-O3 -DNDEBUG, what users build by default) builds with
# warnings as errors. GCC's optimiser-driven warnings (-Wrestrict, -Wmaybe-uninitialized, ...)
# only fire at higher optimisation levels, so the RelWithDebInfo build does not cover them.
# Builds into ./build-release; prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DBADGATEWAY_WERROR=ON \
  "${launcher[@]}" >/dev/null
cmake --build build-release -j "$(nproc)"
echo "stage-release: Release build with -Werror passed in $(($(date +%s) - start)) s"
