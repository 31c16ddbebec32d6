#!/usr/bin/env bash
# Kill test stage: `badgateway run` interrupted at random moments, 10 times each with SIGINT,
# SIGTERM and SIGKILL (tests/e2e/kill_test.py says what is checked). Run from the repository root
# after a build into ./build; exit non-zero when anything of a run was left behind.
# With a Docker daemon and the local image, 3 more SIGKILL trials with a Docker column check that
# the containers go with `clean` or the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
bg=${BADGATEWAY:-./build/badgateway}
start=$SECONDS
python3 tests/e2e/kill_test.py "$bg" --trials "${KILL_TRIALS:-10}"
if [[ ${KILL_DOCKER:-1} == 1 ]] && docker image inspect badgateway/nginx:local >/dev/null 2>&1; then
  python3 tests/e2e/kill_test.py "$bg" --trials 3 --signals KILL --docker badgateway/nginx:local \
    --max-delay 12 --filter 'upstream-*' --filter 'php-fpm-*' --filter 'shop-*'
else
  echo "kill stage: Docker trials skipped (KILL_DOCKER=0 or no image badgateway/nginx:local)"
fi
echo "kill stage: $((SECONDS - start)) s"
