#!/usr/bin/env python3
"""The Grafana dashboard (docs/grafana-dashboard.json) parses, has the panels the docs promise, and
queries only metrics that docs/metrics.md documents (a renamed metric breaks it here, not on a
user's screen).

  grafana_dashboard.py DASHBOARD.json METRICS.md
"""
import json
import re
import sys


def main():
    dashboard_path, doc_path = sys.argv[1], sys.argv[2]
    try:
        with open(dashboard_path) as f:
            dashboard = json.load(f)
    except json.JSONDecodeError as e:
        print(f"{dashboard_path}:{e.lineno}:{e.colno}: not JSON: {e.msg}")
        return 1
    with open(doc_path) as f:
        documented = set(re.findall(r"`(badgateway_[a-z0-9_]+)", f.read()))
    errors = []
    if not isinstance(dashboard.get("panels"), list) or not dashboard["panels"]:
        errors.append("no panels")
    for key in ["title", "uid", "schemaVersion", "templating"]:
        if key not in dashboard:
            errors.append(f"no {key}")
    queried = set()
    titles = []
    for panel in dashboard.get("panels", []):
        if panel.get("type") == "row":
            continue
        titles.append(panel.get("title", ""))
        for key in ["title", "type", "datasource", "targets", "gridPos"]:
            if key not in panel:
                errors.append(f"panel {panel.get('title', '?')!r}: no {key}")
        for target in panel.get("targets", []):
            expr = target.get("expr", "")
            if not expr:
                errors.append(f"panel {panel.get('title')!r}: a target without expr")
            for name in re.findall(r"\b(badgateway_[a-z0-9_]+)", expr):
                queried.add(name)
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                if name not in documented and base not in documented:
                    errors.append(f"panel {panel.get('title')!r} queries {name}, which {doc_path} does not document")
    for needed in ["502", "504", "atenc", "ttempt", "ake", "stub_status"]:
        if not any(needed in t for t in titles):
            errors.append(f"no panel whose title has {needed!r}")
    for e in errors:
        print(f"{dashboard_path}: {e}")
    if not errors:
        print(f"ok: {len(titles)} panels, {len(queried)} metrics queried, all documented")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
