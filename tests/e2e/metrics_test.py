#!/usr/bin/env python3
"""Live metrics against the real consumers (issue 15).

  metrics_test.py prometheus BADGATEWAY FIXTURE OUTDIR
      a run with --metrics-listen, scraped while its traffic runs, and --metrics-textfile; both
      pass `promtool check metrics` and hold what the scenario did.
  metrics_test.py graphite BADGATEWAY FIXTURE OUTDIR
      carbon-cache (graphite-carbon) started here, on loopback, in the foreground, with its own
      config in a 0700 directory; a run with --graphite; then the whisper files of the expected
      metrics exist and hold values (whisper-fetch).

Exit 77 (skipped) when promtool / carbon-cache / whisper-fetch is not installed.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SKIP = 77


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, seconds):
    """Polls `predicate` until it returns something true, or fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)  # polling interval, not a synchronisation: the deadline bounds the wait
    fail(f"{what}: not within {seconds} s")


def promtool_check(text, what):
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=60)
    if p.returncode != 0:
        fail(f"promtool check metrics on {what}: exit {p.returncode}: {p.stdout}{p.stderr}")


def value_of(text, name, **labels):
    """The value of the first series `name` whose labels include `labels`, else None."""
    values = values_of(text, name, **labels)
    return values[0] if values else None


def values_of(text, name, **labels):
    """The values of every series `name` whose labels include `labels`."""
    out = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
        if not m or m.group(1) != name:
            continue
        have = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            out.append(float(m.group(4)))
    return out


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def run_badgateway(bg, fixture, extra, outdir):
    log = open(os.path.join(outdir, "run.log"), "w")
    return subprocess.Popen([bg, "run", fixture, "--json", os.path.join(outdir, "run.json")] + extra,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


def finish_run(proc, outdir):
    try:
        code = proc.wait(timeout=90)
    except subprocess.TimeoutExpired:
        fail("badgateway run did not end within 90 s")
    with open(os.path.join(outdir, "run.log")) as f:
        log = f.read()
    if code != 0:
        fail(f"badgateway run: exit {code}:\n{log}")
    return log


def test_prometheus(bg, fixture, outdir):
    if not shutil.which("promtool"):
        print("promtool not installed (Debian's prometheus package): skipped")
        return SKIP
    port = free_port()
    textfile = os.path.join(outdir, "final.prom")
    proc = run_badgateway(bg, fixture, ["--metrics-listen", f"127.0.0.1:{port}",
                                        "--metrics-textfile", textfile], outdir)
    try:
        url = f"http://127.0.0.1:{port}/metrics"

        def scrape():
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    ctype = r.headers.get("Content-Type", "")
                    if not ctype.startswith("text/plain; version=0.0.4"):
                        fail(f"Content-Type {ctype!r}")
                    return r.read().decode()
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                if proc.poll() is not None:
                    fail(f"badgateway ended (exit {proc.returncode}) before a scrape")
                return None

        def live_scrape():
            text = scrape()
            # A phase running, its stub_status read and a second of latencies behind it.
            if (text and 1 in values_of(text, "badgateway_phase_running")
                    and value_of(text, "badgateway_nginx_connections_active") is not None
                    and value_of(text, "badgateway_response_latency_last_second_seconds") is not None):
                return text
            return None

        live = wait_for("a scrape while traffic runs", live_scrape, 60)
        with open(os.path.join(outdir, "live.prom"), "w") as f:
            f.write(live)
        promtool_check(live, "a live scrape")
        for name in ["badgateway_responses_total", "badgateway_response_outcomes_total",
                     "badgateway_response_latency_seconds_bucket", "badgateway_fake_connections_total",
                     "badgateway_fake_requests_total", "badgateway_nginx_connections_accepted_total",
                     "badgateway_nginx_http_requests_total", "badgateway_upstream_attempts_total"]:
            if value_of(live, name) is None:
                fail(f"live scrape lacks {name}:\n{live}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/other", timeout=2)
            fail("/other answered 200")
        except urllib.error.HTTPError as e:
            if e.code != 404:
                fail(f"/other: {e.code}, not 404")
        finish_run(proc, outdir)
    finally:
        stop(proc)
    with open(textfile) as f:
        final = f.read()
    promtool_check(final, "the textfile")
    broken = {"scenario": "metrics-app-restarts", "phase": "broken"}
    fixed = {"scenario": "metrics-app-restarts", "phase": "fixed"}
    checks = [
        ("502s in the broken run", value_of(final, "badgateway_responses_total", status="502", **broken), lambda v: v >= 1),
        ("no 502 in the fixed run", value_of(final, "badgateway_responses_total", status="502", **fixed), lambda v: v is None),
        ("100 responses in the fixed run", value_of(final, "badgateway_response_latency_seconds_count", **fixed), lambda v: v == 100),
        ("the spare's requests", value_of(final, "badgateway_fake_requests_total", fake="spare", **fixed), lambda v: v >= 1),
        ("app's connections", value_of(final, "badgateway_fake_connections_total", fake="app", **broken), lambda v: v >= 1),
        ("attempts above requests when nginx retried", value_of(final, "badgateway_upstream_attempts_total", **fixed), lambda v: v > 100),
        ("phases ended", value_of(final, "badgateway_phase_running", **fixed), lambda v: v == 0),
    ]
    for what, v, ok in checks:
        if not ok(v):
            fail(f"textfile: {what}: got {v}\n{final}")
    if os.path.exists(textfile + ".tmp"):
        fail("the textfile's .tmp stayed")
    print(f"ok: live scrape and textfile pass promtool; {len(final.splitlines())} lines")
    return 0


CARBON_CONF = """[cache]
STORAGE_DIR = {dir}/storage/
LOCAL_DATA_DIR = {dir}/storage/whisper/
WHISPER_DIR = {dir}/storage/whisper/
CONF_DIR = {dir}/conf/
LOG_DIR = {dir}/log/
PID_DIR = {dir}/run/
DATABASE = whisper
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
MIN_TIMESTAMP_RESOLUTION = 1
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = {line_port}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = {pickle_port}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = {query_port}
USE_FLOW_CONTROL = True
LOG_UPDATES = False
LOG_CREATES = True
CACHE_WRITE_STRATEGY = sorted
WHISPER_AUTOFLUSH = True
WHISPER_FALLOCATE_CREATE = False
"""

SCHEMAS = """[badgateway-test]
pattern = ^bgtest\\.
retentions = 1s:30m

[default]
pattern = .*
retentions = 60s:1d
"""


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def whisper_values(path):
    p = subprocess.run(["whisper-fetch", "--from", str(int(time.time()) - 1800), path],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        return []
    values = []
    for line in p.stdout.splitlines():
        ts, _, v = line.partition("\t")
        if v and v != "None":
            values.append(float(v))
    return values


def test_graphite(bg, fixture, outdir):
    for tool in ["carbon-cache", "whisper-fetch"]:
        if not shutil.which(tool):
            print(f"{tool} not installed (graphite-carbon, python3-whisper): skipped")
            return SKIP
    base = tempfile.mkdtemp(prefix="bg-carbon-")  # 0700
    carbon = None
    try:
        for sub in ["conf", "log", "run", "storage/whisper"]:
            os.makedirs(os.path.join(base, sub), mode=0o700)
        line_port, pickle_port, query_port = free_port(), free_port(), free_port()
        conf = os.path.join(base, "conf", "carbon.conf")
        with open(conf, "w") as f:
            f.write(CARBON_CONF.format(dir=base, line_port=line_port, pickle_port=pickle_port,
                                       query_port=query_port))
        with open(os.path.join(base, "conf", "storage-schemas.conf"), "w") as f:
            f.write(SCHEMAS)
        carbon_log = open(os.path.join(outdir, "carbon.log"), "w")
        carbon = subprocess.Popen(
            ["carbon-cache", f"--config={conf}", f"--pidfile={base}/run/carbon.pid",
             f"--logdir={base}/log", "--nodaemon", "start"],
            stdin=subprocess.DEVNULL, stdout=carbon_log, stderr=subprocess.STDOUT,
            start_new_session=True)

        def ready():
            if carbon.poll() is not None:
                fail(f"carbon-cache ended (exit {carbon.returncode}); see {outdir}/carbon.log")
            return accepts(line_port)

        wait_for("carbon-cache accepting", ready, 60)
        proc = run_badgateway(bg, fixture, ["--graphite", f"127.0.0.1:{line_port}",
                                            "--graphite-prefix", "bgtest"], outdir)
        try:
            log = finish_run(proc, outdir)
        finally:
            stop(proc)
        if "warning: --graphite" in log:
            fail(f"badgateway warned about Graphite:\n{log}")
        whisper = os.path.join(base, "storage", "whisper", "bgtest", "metrics-app-restarts")
        expected = [
            "broken/{nginx}/responses/status/502.wsp",
            "broken/{nginx}/fake_connections/fake/app.wsp",
            "fixed/{nginx}/fake_requests/fake/spare.wsp",
            "fixed/{nginx}/upstream_attempts.wsp",
            "fixed/{nginx}/latency/percentile/p99.wsp",
            "fixed/{nginx}/nginx/active.wsp",
            "fixed/{nginx}/nginx/requests.wsp",
            "fixed/{nginx}/running.wsp",
        ]

        def nginx_node():
            broken = os.path.join(whisper, "broken")
            nodes = os.listdir(broken) if os.path.isdir(broken) else []
            return nodes[0] if len(nodes) == 1 else None

        node = wait_for("the whisper tree of the scenario", nginx_node, 60)
        for rel in expected:
            path = os.path.join(whisper, rel.format(nginx=node))
            values = wait_for(f"values in {path}", lambda: whisper_values(path), 60)
            if rel.endswith("502.wsp") and max(values) < 1:
                fail(f"{path}: no 502 counted: {values}")
        print(f"ok: {len(expected)} whisper files with values under {whisper}/*/{node}")
        return 0
    finally:
        if carbon is not None:
            stop(carbon)
        shutil.rmtree(base, ignore_errors=True)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("prometheus", "graphite"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, bg, fixture, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    return test_prometheus(bg, fixture, outdir) if mode == "prometheus" else test_graphite(bg, fixture, outdir)


if __name__ == "__main__":
    sys.exit(main())
