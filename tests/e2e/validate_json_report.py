"""Validates badgateway JSON reports against docs/json-report.schema.json, and checks what a
schema cannot say (the counts agree with the results, ids are unique).

    validate_json_report.py REPORT...        every REPORT must be valid (exit 1 otherwise)
    validate_json_report.py --self-test DIR  DIR/valid-*.json must pass, DIR/invalid-*.json fail

The schema is closed (additionalProperties: false), so a field the tool writes and the schema and
docs/json-report.md do not describe fails here. Needs python3-jsonschema (Debian's 4.10 or later;
ci/setup.sh installs it with BADGATEWAY_TEST_DEPS=1).
"""
import glob
import json
import os
import sys

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                      "json-report.schema.json")


def validator():
    try:
        from jsonschema import Draft202012Validator
    except ImportError as e:
        sys.exit(f"validate_json_report: python3-jsonschema is missing ({e}); "
                 "install it (BADGATEWAY_TEST_DEPS=1 bash ci/setup.sh)")
    with open(SCHEMA) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def consistency(report):
    """What the schema cannot express: counts against results, unique ids."""
    problems = []
    results = report["scenarios"]
    by_status = {s: [r for r in results if r["status"] == s]
                 for s in ("finished", "interrupted", "skipped")}
    if report["total"] != len(results):
        problems.append(f"total {report['total']} but {len(results)} results")
    for status, rs in by_status.items():
        if report[status] != len(rs):
            problems.append(f"{status} {report[status]} but {len(rs)} results with that status")
    passed = sum(r["verdict"] == "pass" for r in by_status["finished"])
    if report["passed"] != passed:
        problems.append(f"passed {report['passed']} but {passed} results with verdict pass")
    ids = [r["id"] for r in results]
    if len(set(ids)) != len(ids):
        problems.append("result ids repeat")
    for r in results:
        if not r["id"].startswith(r["name"]) or not r["id"].endswith(f"[{r['nginx']}]"):
            problems.append(f"id {r['id']!r} is not NAME[ #N] [COLUMN]")
        if "repetition" in r and f"{r['name']} #{r['repetition']} [" not in r["id"]:
            problems.append(f"id {r['id']!r} lacks #{r['repetition']}")
        phases = [r[name] for name in ("broken", "fixed") if name in r]
        for phase in phases:
            if phase["passed"] and ("harness_error" in phase or "timed_out" in phase
                                    or not all(c["passed"] for c in phase["checks"])):
                problems.append(f"{r['id']}: {phase['phase']} passed with an error, a timeout "
                                "or a failed check")
        if r["status"] == "finished":
            # ScenarioResult::verdict(): an error first, then a timeout, then any failed phase.
            want = ("ERROR" if any("harness_error" in p for p in phases) else
                    "TIMEOUT" if any("timed_out" in p for p in phases) else
                    "FAIL" if not all(p["passed"] for p in phases) else "pass")
            if r["verdict"] != want:
                problems.append(f"{r['id']}: verdict {r['verdict']}, its phases say {want}")
    return problems


def problems_of(v, path):
    try:
        with open(path, "rb") as f:
            report = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError) as e:
        return [f"does not parse: {e}"]
    found = [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
             for e in sorted(v.iter_errors(report), key=lambda e: list(e.absolute_path))]
    return found or consistency(report)


def first(report, status):
    return next(r for r in report["scenarios"] if r["status"] == status)


def first_finished(report, verdict):
    return next(r for r in report["scenarios"] if r.get("verdict") == verdict)


# Each turns a valid report (one with finished, skipped and interrupted results, a pass with both
# phases and a FAIL) into one that must be rejected.
MUTATIONS = {
    "unknown top-level field": lambda r: r.update(format=2),
    "unknown result field": lambda r: first(r, "finished").update(host="x"),
    "unknown phase field": lambda r: first(r, "finished")["broken"].update(retries=1),
    "unknown response field": lambda r: first(r, "finished")["broken"]["responses"][0].update(
        headers={}),
    "unknown check field": lambda r: first(r, "finished")["broken"]["checks"][0].update(note=""),
    "outcome not in the vocabulary": lambda r: first(r, "finished")["broken"]["responses"][0]
    .update(outcome="reset"),
    "generated_by none (the check's word, not the response's)": lambda r: first(
        r, "finished")["broken"]["responses"][0].update(generated_by="none"),
    "check kind not in the vocabulary": lambda r: first(r, "finished")["broken"]["checks"][0]
    .update(kind="headers"),
    "verdict not in the vocabulary": lambda r: first(r, "finished").update(verdict="skip"),
    "status not in the vocabulary": lambda r: first(r, "skipped").update(status="cancelled"),
    "finished without verdict": lambda r: first(r, "finished").pop("verdict"),
    "skipped with a verdict": lambda r: first(r, "skipped").update(verdict="pass"),
    "skipped without skip_reason": lambda r: first(r, "skipped").pop("skip_reason"),
    "interrupted with a phase": lambda r: first(r, "interrupted").update(
        broken=first(r, "finished")["broken"]),
    "fixed phase under broken": lambda r: first(r, "finished")["broken"].update(phase="fixed"),
    "request_time_ms as text": lambda r: first(r, "finished")["broken"]["responses"][0].update(
        request_time_ms="201"),
    "response without elapsed_clock": lambda r: first(r, "finished")["broken"]["responses"][0]
    .pop("elapsed_clock"),
    "timed_out false (written only when true)": lambda r: first(r, "finished")["broken"].update(
        timed_out=False),
    "total disagrees with the results": lambda r: r.update(total=r["total"] + 1),
    "passed disagrees with the verdicts": lambda r: r.update(passed=r["passed"] + 1),
    "verdict disagrees with the phases": lambda r: first_finished(r, "FAIL").update(
        verdict="TIMEOUT"),
    "repeated id": lambda r: r["scenarios"].append(dict(r["scenarios"][0])) or r.update(
        total=r["total"] + 1, finished=r["finished"] + 1, passed=r["passed"] + 1),
}


def self_test(v, directory):
    good = sorted(glob.glob(os.path.join(directory, "valid-*.json")))
    bad = sorted(glob.glob(os.path.join(directory, "invalid-*.json")))
    assert good and bad, f"no valid-*.json or invalid-*.json in {directory}"
    failed = False
    for path in good:
        for p in problems_of(v, path):
            print(f"{path}: {p}")
            failed = True
    for path in bad:
        found = problems_of(v, path)
        if not found:
            print(f"{path}: accepted, but it must be rejected")
            failed = True
        else:
            print(f"{os.path.basename(path)}: rejected as it should be: {found[0]}")
    mutated = 0
    for path in good:
        with open(path) as f:
            original = json.load(f)
        statuses = {r["status"] for r in original["scenarios"]}
        verdicts = {r.get("verdict") for r in original["scenarios"]}
        if not {"finished", "skipped", "interrupted"} <= statuses or "FAIL" not in verdicts:
            continue
        for what, mutate in MUTATIONS.items():
            report = json.loads(json.dumps(original))
            mutate(report)
            found = [e.message for e in v.iter_errors(report)] or consistency(report)
            if not found:
                print(f"{path} with {what}: accepted, but it must be rejected")
                failed = True
            mutated += 1
    if not mutated:
        print("no valid-*.json report with finished, skipped, interrupted and FAIL results")
        failed = True
    if not failed:
        print(f"ok: {len(good)} valid reports accepted; {len(bad)} invalid ones and "
              f"{mutated} mutations of valid ones rejected")
    return 1 if failed else 0


def main(argv):
    v = validator()
    if argv[:1] == ["--self-test"] and len(argv) == 2:
        return self_test(v, argv[1])
    if not argv:
        sys.exit(__doc__)
    failed = False
    for path in argv:
        found = problems_of(v, path)
        for p in found:
            print(f"{path}: {p}")
        failed = failed or bool(found)
        if not found:
            print(f"{path}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
