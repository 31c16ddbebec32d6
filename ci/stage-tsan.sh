#!/usr/bin/env bash
# CI stage: a ThreadSanitizer build of the threaded units' tests (tests/CMakeLists.txt,
# threaded_unit_tests: the fakes' server and every behaviour on it, the process unit).
set -euo pipefail
cd "$(dirname "$0")/.."
# Warnings are errors in the Release build only: GCC 12 at -O1 with sanitizers reports a false
# -Wmismatched-new-delete inside Boost.Asio's coroutine frame allocator. -g1 (line tables): enough for
# the sanitizers' stack traces, and a third quicker to compile than -g.
start=$SECONDS
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DBADGATEWAY_WERROR=OFF -DBADGATEWAY_SANITIZE=thread "${launcher[@]}" >/dev/null
cmake --build build-tsan -j "$(nproc)" --target threaded_unit_tests
echo "stage-tsan: built in $((SECONDS - start)) s"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/ci/tsan.supp"
./build-tsan/tests/threaded_unit_tests --no-intro
echo "stage-tsan: done in $((SECONDS - start)) s"
