#!/usr/bin/env bash
# Every C++ file under version control is formatted as .clang-format says. Skips (77) without
# clang-format or outside a git checkout.
set -uo pipefail
cd "$1" || exit 2
command -v clang-format >/dev/null || { echo "skip: clang-format not installed"; exit 77; }
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "skip: not a git checkout"; exit 77; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
((${#files[@]} > 0)) || { echo "no C++ files found"; exit 1; }
if ! clang-format --dry-run -Werror "${files[@]}"; then
  echo "clang-format: the files above differ; run: clang-format -i \$(git ls-files '*.cpp' '*.hpp')"
  exit 1
fi
echo "ok: ${#files[@]} files formatted"
