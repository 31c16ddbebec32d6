#!/usr/bin/env bash
# Build the badgateway image (docker/badgateway.Dockerfile, unchanged) where no image registry can
# be reached: if debian:bookworm-slim is not present locally, make it from Debian's packages with
# mmdebstrap (minbase, the slim image's dpkg excludes and policy-rc.d, the official image's apt
# sources) and `docker import` it under that name; then make the .deb with CPack (or take --deb)
# and `docker build --network host` (the build's apt reaches Debian's mirror through this
# machine's network and resolver). Prints what each step took and the sizes. See docker/README.md.
#
# Usage: docker/build-badgateway-image.sh [--tag TAG] [--deb PATH | --build-dir DIR]
#   --tag TAG        image tag (default: badgateway:local)
#   --deb PATH       the badgateway_*.deb to install (default: made by CPack from --build-dir)
#   --build-dir DIR  a configured build directory (default: build/ of this checkout); it is
#                    brought up to date (cmake --build) before CPack packs it
#
# Exit status: 0 built, 1 build/packaging failure, 2 usage error or docker/mmdebstrap unusable.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
tag=badgateway:local
deb=
build_dir=$here/../build
base=debian:bookworm-slim

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
        --tag | --deb | --build-dir)
            (($# >= 2)) || die 2 "$1 needs a value"
            case $1 in
                --tag) tag=$2 ;;
                --deb) deb=$2 ;;
                --build-dir) build_dir=$2 ;;
            esac
            shift 2
            ;;
        --tag=*) tag=${1#*=} && shift ;;
        --deb=*) deb=${1#*=} && shift ;;
        --build-dir=*) build_dir=${1#*=} && shift ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die 2 "unknown argument '$1' (try --help)" ;;
    esac
done
[[ -n $tag ]] || die 2 "--tag must not be empty"
if [[ -n $deb ]]; then
    [[ -f $deb && $deb == *.deb ]] || die 2 "--deb: not a .deb file: $deb"
else
    [[ -f $build_dir/CPackConfig.cmake ]] ||
        die 2 "--build-dir: $build_dir is not a configured build directory (no CPackConfig.cmake; run cmake -S . -B build first)"
fi

command -v docker >/dev/null 2>&1 || die 2 "docker CLI not found in PATH"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
    die 2 "docker daemon not reachable ('docker version' failed; is dockerd running and are you allowed to use it?)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/badgateway-image.XXXXXXXX")
chmod 0700 "$tmp"
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

size_mb() { # size_mb IMAGE -> its size in MB, as `docker images` counts them
    local bytes
    bytes=$(docker image inspect --format '{{.Size}}' "$1")
    printf '%d.%d MB' $((bytes / 1000000)) $((bytes % 1000000 / 100000))
}

# --- the base image ------------------------------------------------------------
if docker image inspect "$base" >/dev/null 2>&1; then
    note "base $base: present ($(size_mb "$base")), used as it is"
else
    command -v mmdebstrap >/dev/null 2>&1 || die 2 "$base is not present and mmdebstrap is not installed (apt install mmdebstrap)"
    note "base $base: not present, making it with mmdebstrap"
    t0=$SECONDS
    # What the official debian:bookworm-slim has on top of minbase: merged /usr without the
    # usrmerge package (and the perl it pulls in), dpkg excludes for documentation, man pages and
    # translations (the slim part), policy-rc.d so that packages do not start services during a
    # build, apt configs that keep no caches or translations in layers, and deb.debian.org's
    # sources for all three suites.
    slim=()
    for p in /usr/share/doc/ /usr/share/man/ /usr/share/info/ /usr/share/locale/ /usr/share/groff/ \
        /usr/share/lintian/ /usr/share/linda/; do
        slim+=("--dpkgopt=path-exclude=$p*")
    done
    slim+=("--dpkgopt=path-include=/usr/share/doc/*/copyright")
    mkdir "$tmp/apt.conf.d"
    clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"'
    printf '%s\n' "DPkg::Post-Invoke { $clean; };" "APT::Update::Post-Invoke { $clean; };" \
        'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' >"$tmp/apt.conf.d/docker-clean"
    printf '%s\n' 'Acquire::Languages "none";' >"$tmp/apt.conf.d/docker-no-languages"
    printf '%s\n' 'Acquire::GzipIndexes "true";' 'Acquire::CompressionTypes::Order:: "gz";' \
        >"$tmp/apt.conf.d/docker-gzip-indexes"
    printf '%s\n' 'Apt::AutoRemove::SuggestsImportant "false";' >"$tmp/apt.conf.d/docker-autoremove-suggests"
    sources='Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
    # shellcheck disable=SC2016 # $1 is the hook's argument, expanded by mmdebstrap's shell
    policy_hook='printf "#!/bin/sh\nexit 101\n" >"$1/usr/sbin/policy-rc.d" && chmod 0755 "$1/usr/sbin/policy-rc.d"'
    # check/signed-by: the sources above name their keyring already (no gpg needed to infer it).
    # shellcheck disable=SC2016 # the same: "$1" in the rm hook is the hook's argument
    mmdebstrap --quiet --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr "${slim[@]}" \
        --skip=chroot/policy-rc.d --skip=check/signed-by --essential-hook="$policy_hook" \
        --customize-hook="copy-in $tmp/apt.conf.d/docker-clean $tmp/apt.conf.d/docker-no-languages $tmp/apt.conf.d/docker-gzip-indexes $tmp/apt.conf.d/docker-autoremove-suggests /etc/apt/apt.conf.d" \
        --customize-hook='rm -f "$1"/var/cache/apt/*.bin' \
        bookworm "$tmp/rootfs.tar" - <<<"$sources" >"$tmp/mmdebstrap.log" 2>&1 ||
        die 1 "mmdebstrap failed: $(tail -5 "$tmp/mmdebstrap.log")"
    docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' --message "mmdebstrap --variant=minbase bookworm (slim)" \
        "$tmp/rootfs.tar" "$base" >/dev/null || die 1 "docker import failed"
    rm -f -- "$tmp/rootfs.tar"
    note "base $base: made in $((SECONDS - t0)) s, $(size_mb "$base")"
fi

# --- the .deb --------------------------------------------------------------------
mkdir "$tmp/context"
if [[ -z $deb ]]; then
    t0=$SECONDS
    cmake --build "$build_dir" >"$tmp/build.log" 2>&1 || die 1 "cmake --build $build_dir failed: $(tail -5 "$tmp/build.log")"
    cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$tmp/deb" >"$tmp/cpack.log" 2>&1 ||
        die 1 "cpack failed: $(tail -5 "$tmp/cpack.log")"
    debs=("$tmp"/deb/badgateway_*.deb)
    [[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || die 1 "cpack made no single badgateway_*.deb"
    deb=${debs[0]}
    note "made $(basename "$deb") in $((SECONDS - t0)) s"
fi
# The Dockerfile copies badgateway_*.deb: a --deb named otherwise gets that prefix in the context.
name=$(basename "$deb")
[[ $name == badgateway_* ]] || name=badgateway_$name
cp -- "$deb" "$tmp/context/$name"

# --- the image -------------------------------------------------------------------
old=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
t0=$SECONDS
note "building $tag from $(basename "$deb")"
docker build --network host --force-rm --tag "$tag" -f "$here/badgateway.Dockerfile" "$tmp/context" ||
    die 1 "docker build failed"
new=$(docker image inspect --format '{{.Id}}' "$tag")
# The image this tag named before is dangling now: remove it (not if another tag still names it).
if [[ -n $old && $old != "$new" && -z $(docker image inspect --format '{{join .RepoTags ""}}' "$old" 2>/dev/null) ]]; then
    docker image rm "$old" >/dev/null 2>&1 ||
        note "the image $tag named before ($old) is still used by a container: not removed"
fi
note "built $tag in $((SECONDS - t0)) s, $(size_mb "$tag")"
