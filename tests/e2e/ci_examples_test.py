#!/usr/bin/env python3
"""The CI examples (ci/examples/site: a GitHub Actions workflow and a GitLab CI job) parse, every
program they run exists (or the job installs it with apt-get first), and their badgateway
commands, run for real in the example site with this build's badgateway, pass and write the
reports the jobs publish. The actions they `use` cannot be fetched here and are not checked.

usage: ci_examples_test.py BADGATEWAY SITE_DIR"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import yaml

bg, site = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])


def fail(message):
    print(f"FAIL [ci-examples]: {message}", file=sys.stderr)
    sys.exit(1)


def commands_of(doc_name, doc):
    """Every shell line each job runs, in order."""
    if doc_name == "github":
        for job in doc["jobs"].values():
            for step in job["steps"]:
                if "run" in step:
                    yield from step["run"].splitlines()
    else:
        for name, job in doc.items():
            if isinstance(job, dict) and "script" in job:
                for key in ("before_script", "script"):
                    yield from job.get(key, [])


docs = {}
for name, path in (("github", ".github/workflows/badgateway.yml"), ("gitlab", ".gitlab-ci.yml")):
    try:
        with open(os.path.join(site, path)) as f:
            docs[name] = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        fail(f"{path}: {e}")

checked = 0
for name, doc in docs.items():
    installed = set()
    for line in commands_of(name, doc):
        words = shlex.split(line)
        if not words:
            continue
        program = words[0]
        if program == "apt-get" and "install" in words:
            installed.update(w for w in words[2:] if not w.startswith("-"))
        if program == "badgateway":
            with tempfile.TemporaryDirectory() as scratch:
                # The job's working directory is the repository: a copy of the site, so the
                # reports land there and not in this checkout.
                repo = shutil.copytree(site, os.path.join(scratch, "repo"))
                argv = [bg] + words[1:]
                result = subprocess.run(argv, cwd=repo, capture_output=True, text=True,
                                        env=dict(os.environ, TMPDIR=scratch, NO_COLOR="1"),
                                        timeout=300)
                if result.returncode != 0:
                    fail(f"{name}: `{line}` exited {result.returncode}:\n{result.stdout}{result.stderr}")
                for i, word in enumerate(words):
                    if word in ("--junit", "--json"):
                        report = os.path.join(repo, words[i + 1])
                        if not os.path.exists(report) or not os.path.getsize(report):
                            fail(f"{name}: `{line}` did not write {words[i + 1]}")
            checked += 1
        elif shutil.which(program) is None and program not in installed:
            fail(f"{name}: `{program}` (in `{line}`) is not a program here nor installed by the job")
if checked < 4:
    fail(f"only {checked} badgateway commands found in the examples")
print(f"ok [ci-examples]: both parse; {checked} badgateway commands ran and passed")
