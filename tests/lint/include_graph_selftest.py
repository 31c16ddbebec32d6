#!/usr/bin/env python3
"""include_graph.py finds what it is for: run on include_graph_fixture/ (a lower unit including an
upper one, a unit the order leaves out, a cycle), it must exit 1 naming each, and must not count a
test file's includes. usage: include_graph_selftest.py"""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
EXPECTED = [
    "harness/low/low.hpp:3: harness/low includes harness/high (above it)",
    "harness/high/high.hpp:5: harness/high includes harness/stray (not in the order)",
    "harness/stray.hpp:1: harness/stray is not in the order (architecture.md)",
    "cycle among: harness/high, harness/low",
]

run = subprocess.run([sys.executable, str(HERE / "include_graph.py"), str(HERE / "include_graph_fixture")],
                     capture_output=True, text=True)
print(run.stdout, end="")
print(run.stderr, end="", file=sys.stderr)
lines = run.stdout.splitlines()
failures = [f"missing: {line}" for line in EXPECTED if line not in lines]
if run.returncode != 1:
    failures.append(f"exit code {run.returncode}, expected 1")
if any("low_test.cpp" in line for line in lines):
    failures.append("a *_test.cpp file was checked")
for failure in failures:
    print(f"self-test: {failure}")
sys.exit(1 if failures else 0)
