#!/usr/bin/env python3
"""The bad-input corpus: every file here is a scenario with exactly one defect. Each must be
rejected by `badgateway list FILE` with exit code 2, nothing on stdout, and exactly the one line
in FILE.expected on stderr (after "badgateway: "), in well under a second.

Some cases are made here instead of committed: names and patterns 30,000-50,000 characters long,
and a named pipe. @CORPUS@ and @DIR@ in expected lines stand for the corpus and the scratch dir.

usage: check_corpus.py BADGATEWAY CORPUS_DIR [--update]   (--update rewrites the .expected files)
"""
import os
import subprocess
import sys
import tempfile
import time

LIMIT_S = 1.0  # per file; a typical one takes a few milliseconds

HEAD = 'name = "{name}"\ndescription = "d"\ncause = "misconfiguration"\nteaches = "t"\n'
TAIL = '\n[nginx]\nlocation = "return 200;"\n\n[expect]\nstatus = 200\n'
LONG = 50_000


def generated(scratch):
    """(file name, text, expected) for the cases built at test time."""
    out = []
    out.append(("long-name.toml", HEAD.format(name="a" * LONG) + TAIL,
                f"long-name.toml:1:8: name: is {LONG} characters long (at most 100)"))
    out.append(("long-fake-name.toml",
                HEAD.format(name="long-fake-name") + f'\n[fakes.{"a" * LONG}]\nbehaviour = "ok"\n' + TAIL,
                f"long-fake-name.toml:6:1: fakes.{'a' * LONG}: is {LONG} characters long (at most 100)"))
    out.append(("long-host.toml",
                HEAD.format(name="long-host") + f'\n[fakes.app]\nbehaviour = "ok"\nhost = "{"a" * LONG}"\n' + TAIL,
                f"long-host.toml:8:8: fakes.app.host: host name is {LONG} characters long (at most 253)"))
    out.append(("long-method.toml",
                HEAD.format(name="long-method") + f'\n[[requests]]\nmethod = "{"A" * LONG}"\n' + TAIL,
                f"long-method.toml:7:10: requests.method: is {LONG} characters long (at most 100)"))
    depth = 30_000
    out.append(("nested-parentheses.toml",
                HEAD.format(name="nested-parentheses") + TAIL + "error_log = '" + "(" * depth + ")" * depth + "'\n",
                "nested-parentheses.toml:11:13: expect.error_log: invalid regular expression: "
                "parentheses are too deeply nested at offset 251"))
    os.mkfifo(os.path.join(scratch, "pipe.conf"))
    out.append(("config-named-pipe.toml",
                HEAD.format(name="config-named-pipe") + '\n[nginx]\nconfig = "pipe.conf"\n\n[expect]\nstatus = 200\n',
                "config-named-pipe.toml:7:10: nginx.config: cannot read @DIR@/pipe.conf: not a regular file (a named pipe)"))
    return out


def run(binary, cwd, name):
    start = time.monotonic()
    p = subprocess.run([binary, "list", name], cwd=cwd, capture_output=True, timeout=30)
    return p, time.monotonic() - start


def main():
    binary, corpus = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    update = "--update" in sys.argv[3:]
    failures, slowest, count = [], (0.0, ""), 0

    def check(cwd, name, expected, subst):
        nonlocal slowest, count
        count += 1
        p, took = run(binary, cwd, name)
        slowest = max(slowest, (took, name))
        got = p.stderr.decode("utf-8", "replace")
        want = "badgateway: " + expected.replace(subst[0], subst[1]) + "\n"
        problems = []
        if p.returncode != 2:
            problems.append(f"exit {p.returncode}, want 2")
        if p.stdout:
            problems.append(f"stdout not empty: {p.stdout[:200]!r}")
        if got != want:
            problems.append(f"stderr\n      got:  {got[:400]!r}\n      want: {want[:400]!r}")
        if took >= LIMIT_S:
            problems.append(f"took {took:.3f} s (limit {LIMIT_S} s)")
        if problems:
            failures.append(f"{name}: " + "; ".join(problems))
        return got

    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".toml"):
            continue
        exp_path = os.path.join(corpus, name[:-5] + ".expected")
        if update:
            p, _ = run(binary, corpus, name)
            line = p.stderr.decode("utf-8", "replace").removeprefix("badgateway: ").rstrip("\n")
            with open(exp_path, "w") as f:
                f.write(line.replace(corpus, "@CORPUS@") + "\n")
        if not os.path.exists(exp_path):
            failures.append(f"{name}: no {os.path.basename(exp_path)}")
            continue
        with open(exp_path) as f:
            expected = f.read().rstrip("\n")
        check(corpus, name, expected, ("@CORPUS@", corpus))

    with tempfile.TemporaryDirectory(prefix="badgateway-bad-input-") as scratch:
        for name, text, expected in generated(scratch):
            with open(os.path.join(scratch, name), "w") as f:
                f.write(text)
            check(scratch, name, expected, ("@DIR@", scratch))

    print(f"bad-input corpus: {count} files, slowest {slowest[1]} in {slowest[0] * 1000:.0f} ms")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
