#!/usr/bin/env bash
# CI stage: the clang ASan+UBSan build (ci/configure-sanitize.sh) runs the unit and integration
# tests and the CLI end-to-end checks, then the catalog once more under a CPU hog: this build
# doubles as one soak pass. The fuzz stage reuses its objects (FUZZ_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
bash ci/configure-sanitize.sh build-asan
cmake --build build-asan -j "$(nproc)"
echo "stage-asan: built in $((SECONDS - start)) s"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Docker tests run in the normal suite; here the point is our own code under the sanitizers.
# Left out here, each covered elsewhere: the kill trials (the kill stage), installing (the tests
# stage) and the two tests that spend their time in Chromium and tmux rather than in badgateway.
# (Not the catalog: e2e/diagnose-roundtrip reads its report.)
ctest --test-dir build-asan --output-on-failure -j 2 --timeout 600 -LE 'docker|lint' \
  -E '^e2e/(kill|install|html-report-browser|live-progress)$'
bash ci/stage-soak.sh 1 ./build-asan/badgateway
echo "stage-asan: done in $((SECONDS - start)) s"
