#!/usr/bin/env bash
# Build nginx from a source archive into badgateway's build cache, never downloading anything.
# See docker/README.md.
#
# Usage: docker/build-nginx.sh [--cache-dir DIR] [--image] [--jobs N] [--force] ARCHIVE...
#   ARCHIVE         an nginx source archive (.tar.gz): nginx.org's release tarball
#                   (./configure at the top) or a repository snapshot (auto/configure),
#                   e.g. ../shared/nginx-src/nginx-1.31.4.tar.gz
#   --cache-dir DIR where builds go, one directory per version (default: $BADGATEWAY_NGINX_CACHE,
#                   else ${XDG_CACHE_HOME:-$HOME/.cache}/badgateway/nginx)
#   --image         also make the Docker image badgateway/nginx:VERSION from the build, offline
#                   (with docker/build-nginx-image.sh)
#   --jobs N        make -jN (default: nproc)
#   --force         rebuild even when a complete build is cached
#
# A build is DIR/VERSION/ (nginx's --prefix: sbin/nginx, conf/ with mime.types and fastcgi_params);
# DIR/VERSION/.badgateway-complete is written last and holds `nginx -V` and the build time: a
# build without it is incomplete and is rebuilt. `badgateway run --nginx VERSION` finds the build
# there (same default and the same BADGATEWAY_NGINX_CACHE variable).
#
# Prints "VERSION PATH-TO-NGINX BUILD-SECONDS|cached" per archive on stdout.
# Exit status: 0 built (or cached), 1 build failure, 2 usage error or unusable archive.
set -euo pipefail

prog=${0##*/}
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
cache_dir=${BADGATEWAY_NGINX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/badgateway/nginx}
make_image=0
force=0
jobs=$(nproc 2>/dev/null || echo 2)
archives=()

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}
die() { # die STATUS MESSAGE...
    local status=$1
    shift
    printf '%s: error: %s\n' "$prog" "$*" >&2
    exit "$status"
}
note() { printf '%s: %s\n' "$prog" "$*" >&2; }

while (($# > 0)); do
    case $1 in
        --cache-dir)
            (($# >= 2)) || die 2 "--cache-dir needs a value"
            cache_dir=$2
            shift 2
            ;;
        --cache-dir=*)
            cache_dir=${1#*=}
            shift
            ;;
        --jobs)
            (($# >= 2)) || die 2 "--jobs needs a value"
            jobs=$2
            shift 2
            ;;
        --jobs=*)
            jobs=${1#*=}
            shift
            ;;
        --image)
            make_image=1
            shift
            ;;
        --force)
            force=1
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        -*) die 2 "unknown option '$1' (try --help)" ;;
        *)
            archives+=("$1")
            shift
            ;;
    esac
done
((${#archives[@]} > 0)) || die 2 "no source archive given (try --help)"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die 2 "--jobs must be a positive integer, not '$jobs'"
[[ -n $cache_dir ]] || die 2 "--cache-dir must not be empty"
mkdir -p -- "$cache_dir" || die 2 "cannot create cache directory $cache_dir"
cache_dir=$(cd -- "$cache_dir" && pwd)

# Close to what nginx.org's packages enable (nginx -V of the official images), minus mail and
# HTTP/3, which no scenario uses and which would lengthen every build.
modules=(
    --with-compat --with-file-aio --with-threads
    --with-http_addition_module --with-http_auth_request_module --with-http_dav_module
    --with-http_flv_module --with-http_gunzip_module --with-http_gzip_static_module
    --with-http_mp4_module --with-http_random_index_module --with-http_realip_module
    --with-http_secure_link_module --with-http_slice_module --with-http_ssl_module
    --with-http_stub_status_module --with-http_sub_module --with-http_v2_module
    --with-stream --with-stream_realip_module --with-stream_ssl_module
    --with-stream_ssl_preread_module
    --with-debug
)

# archive_version ARCHIVE -> N.N.N from src/core/nginx.h inside the archive (both layouts have it).
archive_version() {
    local header
    header=$(tar -xzOf "$1" --wildcards --no-anchored 'src/core/nginx.h' 2>/dev/null) ||
        die 2 "$1: not an nginx source archive (no src/core/nginx.h in it)"
    sed -n 's/^#define NGINX_VERSION *"\([0-9]*\.[0-9]*\.[0-9]*\)".*/\1/p' <<<"$header" | head -n1
}

# complete DIR: the build in DIR is usable (marker written last, binary answers -V with VERSION).
complete() {
    local dir=$1 version=$2
    local banner
    [[ -f $dir/.badgateway-complete && -x $dir/sbin/nginx ]] || return 1
    # Captured first: `nginx -V | grep -q` would fail under pipefail when grep exits early.
    banner=$("$dir/sbin/nginx" -V 2>&1) || return 1
    [[ $banner == "nginx version: nginx/$version"$'\n'* ]]
}

build_one() {
    local archive=$1 version prefix work src configure start seconds
    [[ -f $archive && -r $archive ]] || die 2 "$archive: no such readable file"
    version=$(archive_version "$archive")
    [[ -n $version ]] || die 2 "$archive: no NGINX_VERSION in src/core/nginx.h"
    prefix=$cache_dir/$version

    if ((force == 0)) && complete "$prefix" "$version"; then
        note "nginx $version: cached in $prefix"
        printf '%s %s cached\n' "$version" "$prefix/sbin/nginx"
        return 0
    fi

    rm -rf -- "$prefix"
    work=$(mktemp -d "${TMPDIR:-/tmp}/badgateway-nginx-build.XXXXXXXX")
    chmod 0700 "$work"
    # shellcheck disable=SC2064 # expand now: one build at a time
    trap "rm -rf -- '$work'" EXIT
    tar -xzf "$archive" -C "$work" || die 2 "$archive: cannot extract"
    src=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n1)
    if [[ -x $src/configure ]]; then
        configure=./configure # nginx.org release tarball
    elif [[ -f $src/auto/configure ]]; then
        configure=auto/configure # repository layout (hg/git snapshot)
    else
        die 2 "$archive: neither ./configure nor auto/configure at the top"
    fi

    note "nginx $version: building from $archive ($configure, make -j$jobs) into $prefix"
    start=$(date +%s.%N)
    (
        cd -- "$src"
        # Paths are spelled out so that `nginx -V` shows them: badgateway reads --conf-path
        # for {{nginx.conf_dir}}, docker/build-nginx-image.sh for what to copy.
        sh "$configure" --prefix="$prefix" \
            --sbin-path="$prefix/sbin/nginx" \
            --modules-path="$prefix/modules" \
            --conf-path="$prefix/conf/nginx.conf" \
            --error-log-path="$prefix/logs/error.log" \
            --http-log-path="$prefix/logs/access.log" \
            --pid-path="$prefix/logs/nginx.pid" \
            --lock-path="$prefix/logs/nginx.lock" \
            "${modules[@]}" >"$work/configure.log" 2>&1 ||
            { tail -n 30 "$work/configure.log" >&2; exit 1; }
        make -j"$jobs" >"$work/make.log" 2>&1 || { tail -n 40 "$work/make.log" >&2; exit 1; }
        make install >>"$work/make.log" 2>&1 || { tail -n 20 "$work/make.log" >&2; exit 1; }
    ) || die 1 "nginx $version: build failed (configure/make output above)"
    seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')

    "$prefix/sbin/nginx" -V >"$work/nginx-V" 2>&1 || die 1 "nginx $version: $prefix/sbin/nginx -V failed"
    grep -q "^nginx version: nginx/$version\$" "$work/nginx-V" ||
        die 1 "nginx $version: built binary reports $(head -n1 "$work/nginx-V")"
    {
        cat "$work/nginx-V"
        printf 'archive: %s\nbuild seconds: %s (make -j%s)\n' "$(readlink -f -- "$archive")" "$seconds" "$jobs"
    } >"$prefix/.badgateway-complete.tmp"
    mv -- "$prefix/.badgateway-complete.tmp" "$prefix/.badgateway-complete" # last: marks complete
    rm -rf -- "$work"
    trap - EXIT
    note "nginx $version: built in ${seconds}s"
    printf '%s %s %s\n' "$version" "$prefix/sbin/nginx" "$seconds"
}

trap 'exit 130' INT
trap 'exit 143' TERM
for archive in "${archives[@]}"; do
    line=$(build_one "$archive")
    printf '%s\n' "$line"
    if ((make_image)); then
        read -r version binary _ <<<"$line"
        bash "$here/build-nginx-image.sh" --nginx "$binary" --tag "badgateway/nginx:$version" >&2 ||
            die 1 "nginx $version: image build failed"
        printf '%s docker:badgateway/nginx:%s image\n' "$version" "$version"
    fi
done
