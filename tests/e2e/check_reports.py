"""Checks that the JUnit XML and JSON reports of a catalog run parse and agree with each other."""
import json
import sys
import xml.etree.ElementTree as ET

junit_path, json_path = sys.argv[1], sys.argv[2]
root = ET.parse(junit_path).getroot()
assert root.tag == "testsuites", root.tag
cases = root.findall("./testsuite/testcase")
report = json.load(open(json_path))
assert report["tool"] == "badgateway"
scenarios = report["scenarios"]
assert len(scenarios) >= 14, len(scenarios)
phases = sum(1 + ("fixed" in s) for s in scenarios)
assert len(cases) == phases, (len(cases), phases)
failed_cases = len(root.findall("./testsuite/testcase/failure")) + len(root.findall("./testsuite/testcase/error"))
failed_phases = sum((not s["broken"]["passed"]) + ("fixed" in s and not s["fixed"]["passed"]) for s in scenarios)
assert failed_cases == failed_phases, (failed_cases, failed_phases)
names = [(c.get("classname"), c.get("name")) for c in cases]
assert len(set(names)) == len(names), "testcase names repeat"
ids = [s["id"] for s in scenarios]
assert len(set(ids)) == len(ids), "result ids repeat"
assert report["finished"] == len(scenarios) and report["interrupted"] == 0, report["finished"]
for s in scenarios:
    assert s["status"] == "finished", s["status"]
    assert s["verdict"] in ("pass", "FAIL", "ERROR", "TIMEOUT"), s["verdict"]
    for r in s["broken"]["responses"]:
        assert r["generated_by"] in ("nginx", "upstream")
print(f"ok: {len(scenarios)} scenarios, {len(cases)} testcases, {failed_cases} failing")
