#!/usr/bin/env python3
"""The HTML report in a real browser: headless Chromium opens a report of a real run.

Runs BADGATEWAY on the report fixtures (a timeline scenario: traffic, a restart, 502s broken, none
fixed; and a [[requests]] scenario) with --html, then has Chromium (foreground, argv array, a
deadline, a fresh --user-data-dir removed at the end):
  1. take a screenshot (1400x2000) to SCREENSHOT, printed for a developer to look at;
  2. dump the DOM after the page's script ran, with the console logged to stderr.
Fails on a script error (an "Uncaught" console line, or <body> without the data-ok the script sets)
and on a missing element: the summary table with a row per result, a section per result, and in
the timeline scenario's section an <svg> with request bars and action marks. The same checks are
run on two spoilt copies of the report (a script that throws; no sections) and must fail there:
a check that cannot fail proves nothing.

usage: html_report_test.py BADGATEWAY FIXTURE_DIR OUT_DIR
Exit 0 when everything holds, 1 otherwise (77: no chromium).
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

TIMELINE = "report-app-restarts"  # the timeline scenario's name
RUN_DEADLINE = 120  # seconds for the badgateway run
BROWSER_DEADLINE = 60  # seconds per Chromium run (about 3 s here)


def run_bounded(argv, deadline, **kwargs):
    """Runs argv in the foreground in its own process group; kills the group past the deadline."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, **kwargs)
    try:
        out, err = proc.communicate(timeout=deadline)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise RuntimeError(f"{argv[0]} hung past {deadline}s and was killed")
    finally:
        # Chromium's helpers (zygote, renderer) live in the group: none outlives the test.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def chromium(extra, url):
    profile = tempfile.mkdtemp(prefix="bg-chromium-")
    os.chmod(profile, 0o700)
    try:
        argv = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--window-size=1400,2000", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                f"--user-data-dir={profile}", *extra, url]
        return run_bounded(argv, BROWSER_DEADLINE)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def problems_with(report_path, expected_results, timeline_name):
    """What is wrong with the report as Chromium renders it (empty: nothing)."""
    code, dom, log = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom"],
                              "file://" + report_path)
    found = []
    if code != 0:
        found.append(f"chromium --dump-dom exited {code}")
    for line in log.splitlines():
        if "Uncaught" in line or ":ERROR:CONSOLE" in line:
            found.append("script error: " + line.strip())
    if not re.search(rf'<body[^>]*\bdata-ok="{expected_results}"', dom):
        found.append(f'<body> has no data-ok="{expected_results}": the page\'s script did not run '
                     "to its end")
    summary = re.search(r'<table id="summary">(.*?)</table>', dom, re.S)
    if not summary:
        found.append("no summary table")
    elif len(re.findall(r"<tr class=", summary.group(1))) != expected_results:
        found.append(f"the summary table has not {expected_results} result rows")
    sections = re.findall(r'<section class="scenario [^"]*" id="(r\d+)"(.*?)</section>', dom, re.S)
    if len(sections) != expected_results:
        found.append(f"{len(sections)} scenario sections, not {expected_results}")
    timeline = [body for _, body in sections if f"<h2>{timeline_name} " in body]
    if not timeline:
        found.append(f"no section for {timeline_name} (the timeline scenario)")
    else:
        body = timeline[0]
        svgs = re.findall(r"<svg[^>]*class=\"timeline\".*?</svg>", body, re.S)
        if len(svgs) != 2:
            found.append(f"{len(svgs)} timeline charts in the timeline scenario, not 2 (broken, fixed)")
        for svg in svgs:
            if len(re.findall(r'<rect class="bar s', svg)) < 10:
                found.append("a timeline chart with fewer than 10 request bars")
            if not re.search(r'<g class="mark[^"]*"><line', svg):
                found.append("a timeline chart without action marks")
        if not re.search(r'<rect class="bar s502"', body):
            found.append("no 502 bar in the timeline scenario's charts")
        if "app restarts" not in body:
            found.append("the action \"app restarts\" is not labelled")
        for part in ("What it reproduces", "Fakes", 'class="diff"', 'class="checks"',
                     "nginx's error log"):
            if part not in body:
                found.append(f"the timeline scenario's section lacks {part}")
    return found


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    bg, fixtures, out_dir = sys.argv[1:]
    if shutil.which("chromium") is None:
        print("SKIP: chromium is not installed (ci/setup.sh installs it with the test packages)")
        return 77
    os.makedirs(out_dir, exist_ok=True)
    report = os.path.abspath(os.path.join(out_dir, "report.html"))
    screenshot = os.path.abspath(os.path.join(out_dir, "report.png"))
    for stale in (report, screenshot):
        if os.path.exists(stale):
            os.unlink(stale)
    # The timeline scenario and a [[requests]] one (report/refused.toml), in that order: the chart
    # is within the screenshot's 2000 pixels.
    argv = [bg, "run", os.path.join(fixtures, "report"), "--html", report]
    code, out, err = run_bounded(argv, RUN_DEADLINE)
    if code != 0:
        print(f"FAIL: badgateway run exited {code}\n{out}\n{err}")
        return 1
    failures = []

    code, _, log = chromium([f"--screenshot={screenshot}"], "file://" + report)
    if code != 0 or not os.path.exists(screenshot) or os.path.getsize(screenshot) < 10000:
        failures.append(f"no screenshot (chromium exited {code}): {log[-500:]}")
    else:
        with open(screenshot, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                failures.append("the screenshot is not a PNG")
    print(f"screenshot: {screenshot}")
    print(f"report: {report}")

    failures += problems_with(report, 2, TIMELINE)

    # The checks must be able to fail: a script that throws, and a report without its sections.
    with open(report, encoding="utf-8") as f:
        html = f.read()
    spoilt = tempfile.mkdtemp(prefix="bg-html-")
    try:
        throwing = os.path.join(spoilt, "throws.html")
        with open(throwing, "w", encoding="utf-8") as f:
            f.write(html.replace("<script>", "<script>undefined_function_of_the_test();", 1))
        found = problems_with(throwing, 2, TIMELINE)
        if not any("script error" in p for p in found) or not any("data-ok" in p for p in found):
            failures.append(f"a throwing script was not caught: {found}")
        empty = os.path.join(spoilt, "no-sections.html")
        with open(empty, "w", encoding="utf-8") as f:
            f.write(re.sub(r'<section class="scenario.*?</section>\n', "", html, flags=re.S))
        found = problems_with(empty, 2, TIMELINE)
        if not any("scenario sections" in p for p in found):
            failures.append(f"a report without sections was not caught: {found}")
    finally:
        shutil.rmtree(spoilt, ignore_errors=True)

    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("ok: the report renders in Chromium with no script error and every element")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
