"""Checks that the JUnit XML and JSON reports of a catalog run parse and agree with each other,
and that the JSON report is valid against docs/json-report.schema.json."""
import json
import sys
import xml.etree.ElementTree as ET

import validate_json_report

junit_path, json_path = sys.argv[1], sys.argv[2]
if validate_json_report.main([json_path]) != 0:
    sys.exit(f"{json_path}: not valid against docs/json-report.schema.json")
root = ET.parse(junit_path).getroot()
assert root.tag == "testsuites", root.tag
cases = root.findall("./testsuite/testcase")
report = json.load(open(json_path))
assert report["tool"] == "badgateway"
scenarios = report["scenarios"]
assert len(scenarios) >= 14, len(scenarios)
finished = [s for s in scenarios if s["status"] == "finished"]
skipped = [s for s in scenarios if s["status"] == "skipped"]  # skip = "reason" in the catalog
run_cases = [c for c in cases if c.find("skipped") is None]
phases = sum(1 + ("fixed" in s) for s in finished)
assert len(run_cases) == phases, (len(run_cases), phases)
assert len(cases) - len(run_cases) >= len(skipped), (len(cases), len(run_cases), len(skipped))
failed_cases = len(root.findall("./testsuite/testcase/failure")) + len(root.findall("./testsuite/testcase/error"))
failed_phases = sum((not s["broken"]["passed"]) + ("fixed" in s and not s["fixed"]["passed"]) for s in finished)
assert failed_cases == failed_phases, (failed_cases, failed_phases)
names = [(c.get("classname"), c.get("name")) for c in cases]
assert len(set(names)) == len(names), "testcase names repeat"
ids = [s["id"] for s in scenarios]
assert len(set(ids)) == len(ids), "result ids repeat"
assert report["finished"] == len(finished) and report["interrupted"] == 0, report["finished"]
assert report["skipped"] == len(skipped) and len(finished) + len(skipped) == len(scenarios)
for s in skipped:
    assert s["skip_reason"] and "verdict" not in s, s
for s in finished:
    assert s["verdict"] in ("pass", "FAIL", "ERROR", "TIMEOUT"), s["verdict"]
    for r in s["broken"]["responses"]:
        assert r["generated_by"] in ("nginx", "upstream")
print(f"ok: {len(scenarios)} scenarios, {len(cases)} testcases, {failed_cases} failing")
