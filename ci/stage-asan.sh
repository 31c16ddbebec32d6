#!/usr/bin/env bash
# CI stage: an ASan+UBSan build runs the unit and integration tests and the CLI end-to-end checks,
# then the catalog once more under a CPU hog: this build doubles as one soak pass.
set -euo pipefail
cd "$(dirname "$0")/.."
# Warnings are errors in the Release build only: GCC 12 at -O1 with sanitizers reports a false
# -Wmismatched-new-delete inside Boost.Asio's coroutine frame allocator. -g1 (line tables): enough for
# the sanitizers' stack traces, and a third quicker to compile than -g.
start=$SECONDS
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DBADGATEWAY_WERROR=OFF -DBADGATEWAY_SANITIZE=address,undefined -DBADGATEWAY_TOML_HEADER_ONLY=ON "${launcher[@]}" >/dev/null
cmake --build build-asan -j "$(nproc)"
echo "stage-asan: built in $((SECONDS - start)) s"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Docker tests run in the normal suite; here the point is our own code under the sanitizers.
ctest --test-dir build-asan --output-on-failure -j 2 --timeout 600 -LE 'docker|lint'
bash ci/stage-soak.sh 1 ./build-asan/badgateway
echo "stage-asan: done in $((SECONDS - start)) s"
