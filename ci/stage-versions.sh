#!/usr/bin/env bash
# CI stage: the version matrix. Builds nginx 1.24.0 and 1.31.4 from source archives (reusing
# the build cache when it has them; never downloads), then runs the version-bound scenarios and a
# smoke set on both builds locally, and on 1.31.4 in Docker (an image made offline from the
# cached build); the tests stage runs the whole catalog on Debian's nginx (1.22.1). Fails when any verdict differs from the scenario's version-bound
# expectation (badgateway exits non-zero), when an archive is missing, or Docker is unusable.
#
# Environment:
#   BADGATEWAY_NGINX_SRC    directory holding nginx-VERSION.tar.gz (default: ../shared/nginx-src,
#                           relative to the repository root)
#   BADGATEWAY_NGINX_CACHE  build cache (default: ${XDG_CACHE_HOME:-$HOME/.cache}/badgateway/nginx)
#
# Prints the build time per version and the wall time per catalog run, then the total.
set -euo pipefail
cd "$(dirname "$0")/.."

versions=(1.24.0 1.31.4)
docker_version=1.31.4
src_dir=${BADGATEWAY_NGINX_SRC:-../shared/nginx-src}

die() {
    printf 'stage-versions: error: %s\n' "$*" >&2
    exit 1
}
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

stage_start=$(now)
[[ -d $src_dir ]] ||
    die "no nginx source directory $src_dir (set BADGATEWAY_NGINX_SRC to the directory holding nginx-VERSION.tar.gz)"
archives=()
for v in "${versions[@]}"; do
    archive=$src_dir/nginx-$v.tar.gz
    [[ -f $archive ]] || die "missing $archive (set BADGATEWAY_NGINX_SRC)"
    archives+=("$archive")
done
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    die "docker is not usable (is the docker CLI installed and dockerd running?)"
fi

# Only the CLI is needed here (CI has built everything before; alone, this is the short way).
[[ -f build/CMakeCache.txt ]] ||
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBADGATEWAY_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)" --target badgateway

report=()
t=$(now)
built=$(bash docker/build-nginx.sh "${archives[@]}") || die "nginx build failed"
while read -r version _ seconds; do
    report+=("build nginx $version: $([[ $seconds == cached ]] && echo cached || echo "${seconds}s")")
done <<<"$built"
bash docker/build-nginx.sh --image "$src_dir/nginx-$docker_version.tar.gz" >/dev/null
report+=("builds and image: $(since "$t")s")

# run_catalog LABEL NGINX...: the selected scenarios; any wrong verdict fails the stage.
run_catalog() {
    local label=$1 t
    shift
    t=$(now)
    local args=()
    for nginx in "$@"; do args+=(--nginx "$nginx"); done
    ./build/badgateway run --jobs 2 "${filters[@]}" "${args[@]}" || die "catalog on $label: a verdict differs from the expectation"
    report+=("catalog on $label: $(since "$t")s")
}
# The tests stage ran the whole catalog on Debian's nginx, locally and in Docker. Here the other
# versions run what differs between versions: every scenario bound to versions (an
# [[expect.versions]] entry, or one that pins the behaviour 1.29.7 changed), and a smoke set of
# one scenario per cause and per kind of fault.
smoke=(upstream-refused upstream-stalls upstream-resets garbage-response header-too-big
    php-fpm-not-running php-fpm-slow-script-504 php-fpm-reload-in-flight nginx-down
    max-fails-recovery rolling-deploy nginx-restart-instead-of-reload firewall-drop
    resolver-nxdomain tls-untrusted-certificate worker-connections-too-low limit-req-503
    shop-api-down)
mapfile -t bound < <(grep -l -E 'expect\.versions|1\.29\.7' scenarios/*/*.toml | xargs -n1 basename | sed 's/\.toml$//')
filters=()
for name in "${smoke[@]}" "${bound[@]}"; do filters+=(--filter "$name"); done
report+=("scenarios per version: ${#smoke[@]} smoke, ${#bound[@]} version-bound")
for v in "${versions[@]}"; do run_catalog "nginx $v" "$v"; done
run_catalog "nginx $docker_version (docker)" "docker:badgateway/nginx:$docker_version"

printf '\nstage-versions: measured\n'
printf '  %s\n' "${report[@]}"
printf '  total: %ss\n' "$(since "$stage_start")"
