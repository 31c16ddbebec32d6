#!/usr/bin/env bash
# The whole catalog against the local nginx and the same nginx in Docker, side by side (the
# matrix view); every scenario must pass in both columns. Skips (77) without Docker or image.
set -uo pipefail
bg=$1 out=$2 image=${BADGATEWAY_DOCKER_IMAGE:-badgateway/nginx:local}
if ! docker info >/dev/null 2>&1 || ! docker image inspect "$image" >/dev/null 2>&1; then
  echo "skip: no Docker engine or no $image (see docker/build-nginx-image.sh)"
  exit 77
fi
NO_COLOR=1 "$bg" run --jobs 2 --nginx nginx --nginx "docker:$image" --json "$out/matrix.json" --junit "$out/matrix.xml"
code=$?
python3 "$(dirname "${BASH_SOURCE[0]}")/validate_json_report.py" "$out/matrix.json" || exit 1
python3 - "$out/matrix.json" <<'PY' || exit 1
import json, sys
report = json.load(open(sys.argv[1]))
by_name = {}
for s in report["scenarios"]:
    by_name.setdefault(s["name"], {})[s["nginx"]] = s["verdict"]
targets = {t for v in by_name.values() for t in v}
assert len(targets) == 2, targets
differ = {n: v for n, v in by_name.items() if len(set(v.values())) != 1 or len(v) != 2}
assert not differ, f"verdicts differ between local and Docker: {differ}"
print(f"ok: {len(by_name)} scenarios, same verdict with {sorted(targets)}")
PY
exit $code
