#!/usr/bin/env python3
"""The client's elapsed time against nginx's own $request_time, per response, from JSON reports
of runs made with --keep (the access log is read from each phase's run directory, so reports of
versions without request_time_ms work too). Prints count, min, median, p95 and max of
elapsed - $request_time in milliseconds. Usage: elapsed_error.py REPORT.json..."""
import json
import statistics
import sys
from pathlib import Path

errors = []
clocks = {}
for report in sys.argv[1:]:
    for s in json.load(open(report))["scenarios"]:
        for phase in (s.get("broken"), s.get("fixed")):
            if not phase or not phase.get("run_dir"):
                continue
            log = Path(phase["run_dir"]) / "logs/access.log"
            times = {}
            if log.exists():
                for line in log.read_text(errors="replace").splitlines():
                    f = line.split("|")
                    if len(f) >= 6 and f[0] != "-":
                        times[f[0].rsplit("-", 1)[-1]] = float(f[4]) * 1000.0
            for i, r in enumerate(phase["responses"]):
                if str(i) not in times or r["status"] == 0:
                    continue
                errors.append((float(r["elapsed_ms"]) - times[str(i)], times[str(i)]))
                c = r.get("elapsed_clock", "steady (whole ms)").split(":")[0]
                clocks[c] = clocks.get(c, 0) + 1
if not errors:
    sys.exit("no responses with an access-log line")


def show(what, values):
    values = sorted(values)
    if not values:
        return
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    print(f"elapsed - $request_time, {what}, {len(values)} responses: min {values[0]:+.3f} ms, "
          f"median {statistics.median(values):+.3f} ms, p95 {p95:+.3f} ms, max {values[-1]:+.3f} ms")


print(f"clocks: {clocks}")
show("all", [e for e, _ in errors])
show("$request_time >= 100 ms (the timeouts)", [e for e, t in errors if t >= 100])
