#!/usr/bin/env bash
# Fuzzing stage: builds the libFuzzer targets (tests/fuzz/) with clang, ASan and UBSan in the
# sanitizer build (build-asan/, shared with ci/stage-asan.sh) and runs each for a fixed time on a
# copy of its seed corpus (tests/fuzz/corpus/).
# Fails on the first crash, leak, sanitizer report or timeout; prints executions per target.
#   FUZZ_SECONDS   time per target (default 25)
#   FUZZ_TARGETS   space-separated subset of targets (default: all)
#   FUZZ_BUILD_DIR build directory (default build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-25}
# The ASan stage's build (ci/configure-sanitize.sh): its objects are the fuzz targets' too.
build=${FUZZ_BUILD_DIR:-build-asan}

start=$(date +%s)
bash ci/configure-sanitize.sh "$build"
targets=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.cpp | sed 's/\.cpp$//')}
# shellcheck disable=SC2086 # one argument per target
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target $targets
built=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/bgw-fuzz-stage-XXXXXX")
trap 'rm -rf "$work"' EXIT
# libFuzzer ends with _Exit, so a target's own temp dir (the config scanner's) goes with $work.
export TMPDIR="$work"

status=0
summary=()
for target in $targets; do
  corpus="$work/$target"
  mkdir -p "$corpus" "$work/artifacts-$target"
  if [ -d "tests/fuzz/corpus/$target" ]; then cp -r "tests/fuzz/corpus/$target/." "$corpus/"; fi
  log="$work/$target.log"
  dict=()
  [ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb bounds memory per input.
  if "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "${dict[@]}" -artifact_prefix="$work/artifacts-$target/" "$corpus" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    echo "---- $target failed; log tail:" >&2
    tail -n 60 "$log" >&2
    for a in "$work/artifacts-$target"/*; do
      [ -e "$a" ] || continue
      echo "---- crashing input $(basename "$a") (base64):" >&2
      base64 -w0 "$a" >&2
      echo >&2
    done
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  summary+=("$(printf '%-24s %-6s %10s executions' "$target" "$result" "${execs:-?}")")
done
done_at=$(date +%s)

printf '%s\n' "${summary[@]}"
echo "fuzz stage: build $((built - start)) s, fuzzing $((done_at - built)) s (${seconds} s per target), total $((done_at - start)) s"
exit $status
