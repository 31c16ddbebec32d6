#!/usr/bin/env bash
# Writes a help2man include file with each command's own --help, so `man badgateway` documents
# every command's options, from the program itself. Usage: command-help.sh BADGATEWAY OUT
set -euo pipefail
bg=$1 out=$2
{
  echo "[COMMANDS]"
  for command in run list check diagnose explain serve load clean; do
    echo ".SS \"badgateway $command\""
    echo ".nf"
    # roff: a leading dot or quote starts a request, a backslash an escape.
    "$bg" "$command" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
  done
} >"$out"
