#!/usr/bin/env bash
# Configures and builds into ./build: the Release configuration (what users build by default; GCC's
# optimiser-driven warnings only fire there) with warnings as errors. ccache is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBADGATEWAY_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build build -j "$(nproc)"
