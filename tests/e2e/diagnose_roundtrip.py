#!/usr/bin/env python3
"""diagnose round-trip: for every catalog scenario whose broken run logged an upstream error (the
error_log lines of e2e/catalog-local's JSON report), `badgateway diagnose` on those lines must
propose that scenario, and `diagnose --write` must write scenarios that, run, pass: they make
nginx log that line again. Scenarios whose broken run logs nothing about an upstream (nginx not
running, a 200 with a truncated body that nginx does not log, ...) are exempt and listed.

usage: diagnose_roundtrip.py BADGATEWAY CATALOG_JSON"""
import json
import os
import re
import subprocess
import sys
import tempfile

bg, report = sys.argv[1], sys.argv[2]
scenarios = json.load(open(report))["scenarios"]
proposed, exempt, missed = [], [], []
with tempfile.TemporaryDirectory() as scratch:
    for s in scenarios:
        broken = s.get("broken") or {}
        lines = broken.get("error_log") or []
        log = os.path.join(scratch, "error.log")
        with open(log, "w") as f:
            f.write("\n".join(lines) + "\n")
        out = subprocess.run([bg, "diagnose", log], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            print(out.stdout, out.stderr, file=sys.stderr)
            sys.exit(f"FAIL: diagnose exited {out.returncode} on {s['name']}'s log")
        if not re.search(r"^\[1\] ", out.stdout, re.M):
            exempt.append(s["name"])
            continue
        reproduce = " ".join(re.findall(r"^    reproduce:  (.*)$", out.stdout, re.M))
        names = set(re.findall(r"[a-z0-9-]+", reproduce))
        (proposed if s["name"] in names else missed).append(s["name"])
        out = subprocess.run([bg, "diagnose", log, "--write", os.path.join(scratch, "w", s["name"])],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0 or "Wrote " not in out.stdout:
            print(out.stdout, out.stderr, file=sys.stderr)
            sys.exit(f"FAIL: diagnose --write wrote nothing for {s['name']}'s log")
    # One run per log: scenario names are unique within one --write directory, not across.
    written = 0
    for name in sorted(os.listdir(os.path.join(scratch, "w"))):
        d = os.path.join(scratch, "w", name)
        written += len([f for f in os.listdir(d) if f.endswith(".toml")])
        run = subprocess.run([bg, "run", "--jobs", "2", d], capture_output=True, text=True,
                             timeout=300)
        if run.returncode != 0:
            print(run.stdout[-4000:], run.stderr[-2000:], file=sys.stderr)
            sys.exit(f"FAIL: the scenarios written from {name}'s log did not all pass "
                     f"(exit {run.returncode})")
    print(f"wrote {written} scenarios from {len(proposed)} logs; all pass")
print(f"proposed its own scenario for {len(proposed)} of {len(proposed) + len(missed)} logs "
      f"with an upstream error")
print(f"exempt (no upstream error logged): {', '.join(sorted(exempt)) or 'none'}")
if missed:
    sys.exit(f"FAIL: diagnose did not propose: {', '.join(missed)}")
if len(proposed) < 20:
    sys.exit(f"FAIL: only {len(proposed)} scenarios round-tripped")
