#!/usr/bin/env bash
# Build a minimal FROM-scratch nginx image out of this machine's own nginx
# binary (e.g. Debian's nginx package), for air-gapped hosts where no image
# registry can be reached.  See docker/README.md.
#
# Usage: docker/build-nginx-image.sh [--tag TAG] [--nginx PATH]
#   --tag TAG     image tag (default: badgateway/nginx:local)
#   --nginx PATH  nginx binary to package (default: $NGINX, else `command -v nginx`,
#                 else /usr/sbin/nginx)
#
# Exit status: 0 built, 1 build/packaging failure, 2 usage error or docker unusable.
set -euo pipefail

prog=${0##*/}
tag=badgateway/nginx:local
nginx_src=${NGINX:-}

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}
die() { # die STATUS MESSAGE...
    local status=$1
    shift
    printf '%s: error: %s\n' "$prog" "$*" >&2
    exit "$status"
}

while (($# > 0)); do
    case $1 in
        --tag)
            (($# >= 2)) || die 2 "--tag needs a value"
            tag=$2
            shift 2
            ;;
        --tag=*)
            tag=${1#*=}
            shift
            ;;
        --nginx)
            (($# >= 2)) || die 2 "--nginx needs a value"
            nginx_src=$2
            shift 2
            ;;
        --nginx=*)
            nginx_src=${1#*=}
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die 2 "unknown argument '$1' (try --help)" ;;
    esac
done
[[ -n $tag ]] || die 2 "--tag must not be empty"

# --- docker must be usable ---------------------------------------------------
command -v docker >/dev/null 2>&1 || die 2 "docker CLI not found in PATH"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
    die 2 "docker daemon not reachable ('docker version' failed; is dockerd running and are you allowed to use it?)"

# --- locate nginx ------------------------------------------------------------
if [[ -z $nginx_src ]]; then
    nginx_src=$(command -v nginx 2>/dev/null || true)
    [[ -n $nginx_src ]] || nginx_src=/usr/sbin/nginx
fi
[[ -x $nginx_src && ! -d $nginx_src ]] || die 1 "nginx binary not found or not executable: $nginx_src"
nginx_src=$(readlink -f -- "$nginx_src")
command -v ldd >/dev/null 2>&1 || die 1 "ldd not found (install libc-bin)"

nginx_version=$("$nginx_src" -v 2>&1 | sed -n 's|^nginx version: [^/]*/\([^ ]*\).*|\1|p' | head -n1)
[[ -n $nginx_version ]] || die 1 "could not determine nginx version from '$nginx_src -v'"
nginx_configure=$("$nginx_src" -V 2>&1 | sed -n 's/^configure arguments: //p')

# configure_arg NAME DEFAULT -> value of --NAME=... from `nginx -V`, else DEFAULT
configure_arg() {
    local word words
    read -r -a words <<<"$nginx_configure"
    for word in "${words[@]}"; do
        if [[ $word == "--$1="* ]]; then
            printf '%s\n' "${word#*=}"
            return
        fi
    done
    printf '%s\n' "$2"
}
conf_dir=$(dirname -- "$(configure_arg conf-path /etc/nginx/nginx.conf)")
prefix_dir=$(configure_arg prefix /usr/share/nginx)
modules_dir=$(configure_arg modules-path /usr/lib/nginx/modules)

# --- stage the root filesystem -------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/badgateway-nginx-image.XXXXXXXX")
chmod 0700 "$tmp"
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
root=$tmp/rootfs
mkdir -p "$root"

# copy_file SRC [DEST]: copy SRC (symlinks dereferenced) to DEST (default: the
# same path) inside the image.
copy_file() {
    local src=$1 dest=${2:-$1}
    mkdir -p -- "$root$(dirname -- "$dest")"
    cp -L --preserve=mode -- "$src" "$root$dest"
}

# copy_deps FILE: copy every shared library ldd reports for FILE (incl. the
# dynamic loader) at the path ldd printed.
copy_deps() {
    local out line lib
    out=$(ldd -- "$1" 2>&1) || {
        # Static binaries make ldd fail with "not a dynamic executable".
        [[ $out == *"not a dynamic executable"* || $out == *"statically linked"* ]] && return 0
        die 1 "ldd $1 failed: $out"
    }
    while IFS= read -r line; do
        [[ $line == *"not found"* ]] && die 1 "ldd $1: missing library: ${line#"${line%%[![:space:]]*}"}"
        lib=
        if [[ $line =~ =\>\ (/[^[:space:]]+) ]]; then
            lib=${BASH_REMATCH[1]}
        elif [[ $line =~ ^[[:space:]]*(/[^[:space:]]+) ]]; then
            lib=${BASH_REMATCH[1]} # the dynamic loader line
        fi
        [[ -n $lib && ! -e $root$lib ]] && copy_file "$lib"
    done <<<"$out"
    return 0
}

# nginx itself, at the conventional path, with its libraries.
copy_file "$nginx_src" /usr/sbin/nginx
copy_deps "$nginx_src"

# Dynamic modules (and their libraries).
if [[ -d $modules_dir ]]; then
    mkdir -p "$root$modules_dir"
    cp -a -- "$modules_dir/." "$root$modules_dir/"
    shopt -s nullglob
    for mod in "$modules_dir"/*.so; do
        copy_deps "$mod"
    done
    shopt -u nullglob
fi

# Configuration (mime.types, fastcgi_params, ...), without enabled sites.
if [[ -d $conf_dir ]]; then
    mkdir -p "$root$conf_dir"
    cp -a -- "$conf_dir/." "$root$conf_dir/"
    rm -rf -- "$root$conf_dir/sites-enabled"
    mkdir -p "$root$conf_dir/sites-enabled"
fi

# Prefix (html/, modules-available/ that modules-enabled/ links point at; for a source build
# from build-nginx.sh also logs/, which nginx opens before reading its config). The conf dir may
# already be inside it, so each is copied once, merged into what is there.
[[ $prefix_dir == /usr/share/nginx ]] && prefix_dirs=("$prefix_dir") || prefix_dirs=("$prefix_dir" /usr/share/nginx)
for dir in "${prefix_dirs[@]}"; do
    if [[ -d $dir ]]; then
        mkdir -p "$root$dir"
        cp -a -- "$dir/." "$root$dir/"
    fi
done

# OpenSSL's configuration and the CA store, when nginx links OpenSSL. Without its openssl.cnf
# (OPENSSLDIR/openssl.cnf: a system_default section can set MinProtocol, CipherString and the
# security level) nginx in the image would handshake with other defaults than the same binary on
# this machine, and a config that trusts the system store (proxy_ssl_trusted_certificate
# /etc/ssl/certs/ca-certificates.crt) would not even pass nginx -t: local and Docker verdicts would
# differ. Copied as they are (symlinks kept), without private/ (this machine's private keys).
# (ldd's output is read whole first: `ldd | grep -q` under pipefail fails at random, when grep
# exits before ldd has written everything and ldd dies of SIGPIPE.)
nginx_libs=$(ldd -- "$nginx_src" 2>/dev/null || true)
if [[ $nginx_libs == *libssl.so* ]]; then
    ssl_dir=$(openssl version -d 2>/dev/null | sed -n 's/^OPENSSLDIR: "\(.*\)"$/\1/p')
    [[ -n $ssl_dir ]] || ssl_dir=/usr/lib/ssl # Debian's, where `openssl` is not installed
    for dir in "$ssl_dir" /etc/ssl /usr/share/ca-certificates; do
        [[ -d $dir ]] || continue
        mkdir -p "$root$dir"
        cp -a -- "$dir/." "$root$dir/"
        rm -rf -- "$root$dir/private"
    done
    # OpenSSL's providers (ossl-modules), which a config may load by name.
    ossl_modules=$(openssl version -m 2>/dev/null | sed -n 's/^MODULESDIR: "\(.*\)"$/\1/p')
    if [[ -z $ossl_modules ]]; then # next to libcrypto, its real path (/lib is /usr/lib here)
        libcrypto=$(sed -n 's|.*libcrypto\.so[^ ]* => \(/[^ ]*\).*|\1|p' <<<"$nginx_libs" | head -n1)
        ossl_modules=$(dirname -- "$(readlink -f -- "$libcrypto")")/ossl-modules
    fi
    if [[ -d $ossl_modules ]]; then
        mkdir -p "$root$ossl_modules"
        cp -a -- "$ossl_modules/." "$root$ossl_modules/"
    fi
fi

# glibc NSS modules for getpwnam()/getgrnam() ("user" directive) and resolving.
# Since glibc 2.34 "files" and "dns" are built into libc.so.6 and the .so.2
# files are empty stubs; copying them anyway is harmless and keeps older
# glibc (where they are real modules) working.
libc_path=$(ldd -- "$nginx_src" 2>/dev/null | sed -n 's|.*libc\.so\.6 => \(/[^ ]*\).*|\1|p' | head -n1)
if [[ -n $libc_path ]]; then
    for nss in libnss_files.so.2 libnss_dns.so.2; do
        nss_path=$(dirname -- "$libc_path")/$nss
        if [[ -e $nss_path ]]; then
            copy_file "$nss_path"
            copy_deps "$nss_path"
        fi
    done
fi

mkdir -p "$root/etc"
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
# "nobody" is listed as a group too: "user nobody;" without a group name makes
# nginx look up group "nobody" (Debian only has "nogroup").
cat >"$root/etc/group" <<'GROUP'
root:x:0:
www-data:x:33:
nogroup:x:65534:
nobody:x:65534:
GROUP
cat >"$root/etc/nsswitch.conf" <<'NSS'
passwd: files
group: files
shadow: files
hosts: files dns
NSS
chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/nsswitch.conf"

# Writable runtime directories.
mkdir -p "$root/tmp" "$root/var/log/nginx" "$root/var/lib/nginx" "$root/run/lock" "$root/root"
chmod 1777 "$root/tmp"
chmod 0755 "$root/var/log/nginx" "$root/var/lib/nginx" "$root/run" "$root/run/lock"
chmod 0700 "$root/root"
ln -s ../run/lock "$root/var/lock" # --lock-path=/var/lock/nginx.lock on Debian

cat >"$tmp/Dockerfile" <<DOCKERFILE
# Generated by docker/build-nginx-image.sh from $nginx_src ($nginx_version).
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.badgateway.source="local-nginx" \\
      org.badgateway.nginx-version="$nginx_version" \\
      org.opencontainers.image.version="$nginx_version" \\
      org.opencontainers.image.title="badgateway nginx (local package)"
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
DOCKERFILE

printf '%s: building %s from %s (nginx %s)\n' "$prog" "$tag" "$nginx_src" "$nginx_version" >&2
docker build --tag "$tag" "$tmp" || die 1 "docker build failed"
printf '%s: built %s\n' "$prog" "$tag" >&2
