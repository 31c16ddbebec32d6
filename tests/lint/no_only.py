#!/usr/bin/env python3
"""Fails if a scenario under DIR sets `only = true`: committed, it would make every run of the
catalog (CI's included) run just that scenario and silently leave out the rest. Prints FILE:LINE
for each. usage: no_only.py DIR"""
import pathlib
import re
import sys
import tomllib

# A top-level key comes before the first table header; `only` may be quoted.
KEY = re.compile(r"""^\s*(only|"only"|'only')\s*=""")
HEADER = re.compile(r"^\s*\[")


def line_of_only(text):
    for number, line in enumerate(text.splitlines(), 1):
        if HEADER.match(line):
            break
        if KEY.match(line):
            return number
    return 1


root = pathlib.Path(sys.argv[1])
found = []
for path in sorted(root.rglob("*.toml")):
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        scenario = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        continue  # not this test's business: loading the catalog reports it
    if scenario.get("only") is True:
        found.append(f"{path}:{line_of_only(text)}: only = true (remove it before committing)")
for line in found:
    print(line)
if found:
    sys.exit(1)
print(f"ok: no scenario under {root} sets only = true")
