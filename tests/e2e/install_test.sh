#!/usr/bin/env bash
# badgateway installed like a tool: `cmake --install` to a prefix and the .deb (cpack), each
# then run from outside the checkout: the catalog, the container init, the man page and the
# bash completion must come from the installed files. Usage: install_test.sh BUILD_DIR
set -uo pipefail
build=$1
work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1
unset BADGATEWAY_SCENARIOS BADGATEWAY_CONTAINER_INIT
fail() { echo "FAIL [install]: $*" >&2; exit 1; }
cd "$work" || fail "cd"

# An installed badgateway under PREFIX works from anywhere, with nothing from the checkout.
check_installed() {  # check_installed PREFIX
  local prefix=$1 bg=$1/bin/badgateway
  for f in libexec/badgateway/badgateway-container-init share/badgateway/scenarios \
    share/man/man1/badgateway.1 share/bash-completion/completions/badgateway \
    share/doc/badgateway/scenario-format.md; do
    [[ -e $prefix/$f ]] || fail "$prefix/$f not installed"
  done
  head -5 "$prefix/share/man/man1/badgateway.1" | grep -q '^\.TH BADGATEWAY "1"' || fail "man page"
  grep -q '^\.SS "badgateway diagnose"' "$prefix/share/man/man1/badgateway.1" || fail "man page lacks the commands' options"
  "$bg" explain garbage-response >"$work/out" 2>&1 || fail "explain: $(cat "$work/out")"
  grep -qx "File:         $prefix/share/badgateway/scenarios/misconfiguration/garbage-response.toml" \
    "$work/out" || fail "the catalog is not the installed one: $(tail -1 "$work/out")"
  "$bg" check >"$work/out" 2>&1 || fail "check of the installed catalog: $(cat "$work/out")"
  "$bg" run --filter garbage-response >"$work/out" 2>&1 || fail "run: $(cat "$work/out")"
  grep -q "^1 passed, 0 failed" "$work/out" || fail "run did not pass: $(cat "$work/out")"
  # The completion script, as bash-completion would load it, with the installed badgateway.
  PATH="$prefix/bin:$PATH" bash -c '
    source "$1"
    complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _badgateway; echo "${COMPREPLY[*]}"; }
    [[ $(complete_words badgateway ex) == explain ]] || exit 1
    [[ $(complete_words badgateway explain garbage-r) == garbage-response ]] || exit 2
    [[ $(complete_words badgateway run --ke) == --keep ]] || exit 3
    [[ $(complete_words badgateway serve --behaviour dribb) == dribble ]] || exit 4
    [[ $(complete_words badgateway serve --listen-b) == --listen-beyond-loopback ]] || exit 5
  ' _ "$prefix/share/bash-completion/completions/badgateway" || fail "completion (case $?)"
}

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
  fail "cmake --install: $(tail -3 "$work/install.log")"
check_installed "$work/prefix"

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/deb" >"$work/cpack.log" 2>&1 ||
  fail "cpack: $(tail -3 "$work/cpack.log")"
deb=$(ls "$work"/deb/badgateway_*.deb) || fail "no .deb made"
dpkg-deb -f "$deb" Depends | grep -q "libpcre2-8-0" || fail "Depends lacks Debian's libraries: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -x "$deb" "$work/root" || fail "dpkg-deb -x"
check_installed "$work/root/usr"
echo "ok [install]: cmake --install and $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
