#!/usr/bin/env python3
"""Fails if a source file includes toml++ other than through harness/scenario/toml.hpp, which turns
toml++ 3.3's unreachable points and assumptions into checks: a unit including <toml++/...> itself
would compile toml++'s inline functions without them (two definitions of one inline function, and
the undefined behaviour back). Prints FILE:LINE for each. usage: toml_include.py SOURCE_ROOT"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]toml\+\+/')
ALLOWED = pathlib.Path("harness/scenario/toml.hpp")

root = pathlib.Path(sys.argv[1])
found, allowed_seen = [], False
for top in ("fakes", "harness", "tests", "bench"):
    for path in sorted((root / top).rglob("*")):
        if path.suffix not in (".cpp", ".hpp", ".h", ".cc") or "fixture" in path.parts[-2]:
            continue
        rel = path.relative_to(root)
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if INCLUDE.match(line):
                if rel == ALLOWED:
                    allowed_seen = True
                else:
                    found.append(f"{rel}:{number}: includes toml++ directly; include {ALLOWED}")
if not allowed_seen:
    found.append(f"{ALLOWED}: does not include toml++ (is SOURCE_ROOT right?)")
for line in found:
    print(line)
sys.exit(1 if found else 0)
