#!/usr/bin/env python3
"""Kill test: `badgateway run` interrupted at random moments with SIGINT, SIGTERM and SIGKILL.

Right before each signal the test records what the run owns: its process tree (pid + start time),
the namespaces its processes and threads are in or hold open (net, mnt, pid, not this machine's
own) and the sockets they hold. Right after the run is gone, within a short deadline for the kernel
to finish (polled, never slept through), none of them may remain anywhere on the machine:

- processes: not one of the recorded ones still alive (this test is a child subreaper, so zombies
  of the run land here and are reaped at once: they hold nothing and are counted apart);
- namespaces: no process, thread or open file on the machine still refers to a recorded one, and
  no nsfs mount pins one;
- sockets: no process holds a recorded socket (a socket nobody holds is closed);
- mounts: none on this machine's side mentions the run's TMPDIR.

Run directories and Docker containers cannot go with the process: after a SIGKILL they must be
gone after the next run or `badgateway clean` (alternately), and after SIGINT/SIGTERM at once.

usage: kill_test.py BADGATEWAY [--trials N] [--signals INT,TERM,KILL] [--seed S] [--no-clean]
                               [--docker IMAGE] [--max-delay SECONDS]
Prints one line per trial and a summary; exit 1 when anything leaked.
"""
import argparse
import ctypes
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PR_SET_CHILD_SUBREAPER = 36
KERNEL_DEADLINE = 2.0  # seconds for the kernel to finish tearing a run down
EXIT_DEADLINE = 15.0   # a graceful interrupt is bounded by badgateway's own grace periods


def listdir(path):
    try:
        return os.listdir(path)
    except OSError:
        return []


def readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return None


def start_time(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    rest = stat[stat.rfind(")") + 2:].split()
    return rest[19], rest[0]  # field 22 (start time), field 3 (state)


def contents(top):
    out = []
    for root, dirs, files in os.walk(top):
        rel = os.path.relpath(root, top)
        out += [os.path.normpath(os.path.join(rel, n)) + "/" for n in dirs]
        out += [os.path.normpath(os.path.join(rel, n)) for n in files]
    return out


def pids():
    return [int(p) for p in listdir("/proc") if p.isdigit()]


def children_map():
    kids = {}
    for pid in pids():
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(pid)
    return kids


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


HOST_NS = {readlink(f"/proc/self/ns/{t}") for t in ("net", "mnt", "pid", "pid_for_children")}
HOST_NS |= {readlink(f"/proc/1/ns/{t}") for t in ("net", "mnt", "pid")}


def snapshot(root):
    """What the run rooted at `root` owns right now."""
    procs, namespaces, sockets = {}, set(), set()
    for pid in tree(root):
        st = start_time(pid)
        if not st:
            continue
        procs[pid] = st[0]
        for task in listdir(f"/proc/{pid}/task") or [str(pid)]:
            for t in ("net", "mnt", "pid", "pid_for_children"):
                link = readlink(f"/proc/{pid}/task/{task}/ns/{t}")
                if link and link not in HOST_NS:
                    namespaces.add(link)
        for fd in listdir(f"/proc/{pid}/fd"):
            link = readlink(f"/proc/{pid}/fd/{fd}")
            if not link:
                continue
            if link.startswith("socket:"):
                sockets.add(link)
            elif link.split(":")[0] in ("net", "mnt", "pid") and link not in HOST_NS:
                namespaces.add(link)
    return procs, namespaces, sockets


def leaks(snap, tmpdir):
    procs, namespaces, sockets = snap
    found = []
    for pid, st in procs.items():
        now = start_time(pid)
        if now and now[0] == st and now[1] != "Z":
            found.append(f"process {pid} ({comm(pid)})")
    held_ns, held_sock = {}, {}  # object -> who holds it (one leak per object)
    for pid in pids():
        for task in listdir(f"/proc/{pid}/task"):
            for t in ("net", "mnt", "pid", "pid_for_children"):
                link = readlink(f"/proc/{pid}/task/{task}/ns/{t}")
                if link in namespaces:
                    held_ns.setdefault(link, set()).add(f"process {pid} {comm(pid)}")
        for fd in listdir(f"/proc/{pid}/fd"):
            link = readlink(f"/proc/{pid}/fd/{fd}")
            if link in namespaces:
                held_ns.setdefault(link, set()).add(f"fd of process {pid} {comm(pid)}")
            elif link in sockets:
                held_sock.setdefault(link, set()).add(f"process {pid} {comm(pid)}")
    try:
        with open("/proc/self/mountinfo") as f:
            mountinfo = f.read()
    except OSError:
        mountinfo = ""
    for line in mountinfo.splitlines():
        for ns in namespaces:
            if "nsfs" in line and ns.split("[")[1].rstrip("]") in line:
                held_ns.setdefault(ns, set()).add(f"nsfs mount {line}")
        if tmpdir in line:
            found.append(f"mount {line}")
    found += [f"namespace {n} (held by {', '.join(sorted(h))})" for n, h in sorted(held_ns.items())]
    found += [f"socket {s} (held by {', '.join(sorted(h))})" for s, h in sorted(held_sock.items())]
    return found


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def reap_adopted():
    n = 0
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return n
        if pid == 0:
            return n
        n += 1


def run_dirs(tmpdir):
    return sorted(d for d in listdir(tmpdir) if d.startswith("badgateway-"))


def containers(pid):
    if not shutil.which("docker"):
        return []
    r = subprocess.run(["docker", "ps", "-a", "-q", "--filter", f"label=org.badgateway.pid={pid}"],
                       capture_output=True, text=True, timeout=30)
    return r.stdout.split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bg")
    ap.add_argument("--trials", type=int, default=10, help="per signal")
    ap.add_argument("--signals", default="INT,TERM,KILL")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--no-clean", action="store_true", help="no `clean` command: next run only")
    ap.add_argument("--docker", default="", help="also run against docker:IMAGE")
    ap.add_argument("--max-delay", type=float, default=4.0)
    ap.add_argument("--filter", action="append", default=[])
    a = ap.parse_args()

    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    # Short and directly in /tmp: a run directory's unix sockets (PHP-FPM's) must stay under the
    # 107-byte sun_path limit, which a CI TMPDIR plus this test's own levels overran (nginx -t then
    # rejects the config and the directory is kept for the report).
    work = tempfile.mkdtemp(prefix="bgk-", dir="/tmp")
    tmpdir = os.path.join(work, "tmp")
    os.mkdir(tmpdir)
    os.chmod(work, 0o755)  # nginx workers (nobody) reach unix sockets in the run dirs
    os.chmod(tmpdir, 0o755)
    env = dict(os.environ, TMPDIR=tmpdir, NO_COLOR="1")
    sigs = [getattr(signal, "SIG" + s) for s in a.signals.split(",")]
    plan = [s for s in sigs for _ in range(a.trials)]
    rng.shuffle(plan)
    print(f"kill test: {len(plan)} trials, seed {seed}, work {work}", flush=True)

    totals = {s: {"trials": 0, "leaky": 0, "processes": 0, "namespaces": 0, "sockets": 0,
                  "mounts": 0, "dirs": 0, "containers": 0, "zombies": 0} for s in sigs}
    base = [a.bg, "run", "--jobs", "2"]
    for f in a.filter:
        base += ["--filter", f]
    if a.docker:
        base += ["--nginx", "nginx", "--nginx", "docker:" + a.docker]
    next_mode = "clean"
    started = time.monotonic()
    for i, sig in enumerate(plan, 1):
        name = signal.Signals(sig).name
        out = open(os.path.join(work, f"run-{i}.out"), "w")
        p = subprocess.Popen(base, env=env, stdout=out, stderr=subprocess.STDOUT)
        delay = rng.uniform(0.2, a.max_delay)
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.01)  # the random moment itself, not a synchronisation
        if p.poll() is not None:
            print(f"[{i:2}] {name:7} run ended before {delay:.2f}s; not counted", flush=True)
            continue
        snap = snapshot(p.pid)
        p.send_signal(sig)
        try:
            p.wait(timeout=EXIT_DEADLINE)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            print(f"[{i:2}] {name:7} badgateway did not exit within {EXIT_DEADLINE}s", flush=True)
        zombies = 0
        end = time.monotonic() + KERNEL_DEADLINE
        while True:
            zombies += reap_adopted()
            found = leaks(snap, tmpdir)
            if not found or time.monotonic() > end:
                break
            time.sleep(0.02)  # poll interval of a bounded wait for the kernel
        zombies += reap_adopted()
        t = totals[sig]
        t["trials"] += 1
        t["zombies"] += zombies
        for item in found:
            kind = item.split()[0]
            key = {"process": "processes", "namespace": "namespaces", "socket": "sockets",
                   "mount": "mounts"}[kind]
            t[key] += 1
        dirs_now = run_dirs(tmpdir)
        if sig != signal.SIGKILL and dirs_now:
            found.append(f"run directories left by SIG{name[3:]}: {dirs_now}")
            for d in dirs_now:  # what is inside says which part of the run wrote it last
                found.append(f"  {d}: {sorted(contents(os.path.join(tmpdir, d)))[:20]}")
            t["dirs"] += len(dirs_now)
        after = ""
        if sig == signal.SIGKILL:
            mode = "run" if a.no_clean else next_mode
            next_mode = "run" if next_mode == "clean" else "clean"
            if mode == "clean":
                r = subprocess.run([a.bg, "clean"], env=env, capture_output=True, text=True,
                                   timeout=120)
                if r.returncode != 0:
                    found.append(f"clean exited {r.returncode}: {r.stdout}{r.stderr}")
            else:
                # The same kind of run again: a run without a Docker column never talks to Docker.
                nxt = [a.bg, "run", "--filter", "upstream-refused"]
                if a.docker:
                    nxt += ["--nginx", "docker:" + a.docker]
                r = subprocess.run(nxt, env=env,
                                   capture_output=True, text=True, timeout=120)
            left = run_dirs(tmpdir)
            cont = containers(p.pid) if a.docker else []
            after = f", after {mode}: {len(dirs_now)}->{len(left)} dirs"
            if left:
                found.append(f"run directories left after {mode}: {left}")
                t["dirs"] += len(left)
            if cont:
                found.append(f"containers left after {mode}: {cont}")
                t["containers"] += len(cont)
            if a.docker:
                after += f", {len(cont)} containers"
        if found:
            t["leaky"] += 1
        print(f"[{i:2}] {name:7} at {delay:.2f}s: exit {p.returncode}, recorded "
              f"{len(snap[0])} procs/{len(snap[1])} ns/{len(snap[2])} sockets, "
              f"{'LEAKS ' + str(len(found)) if found else 'clean'}{after}"
              f"{', ' + str(zombies) + ' zombies reaped here' if zombies else ''}", flush=True)
        for item in found[:12]:
            print(f"       {item}", flush=True)
        # Leave nothing for the next trial, whatever this one found.
        for d in run_dirs(tmpdir):
            shutil.rmtree(os.path.join(tmpdir, d), ignore_errors=True)
    print(f"summary ({time.monotonic() - started:.0f}s, seed {seed}):")
    bad = False
    for s, t in totals.items():
        print(f"  {signal.Signals(s).name:7} trials {t['trials']:2}, with leaks {t['leaky']:2}: "
              f"processes {t['processes']}, namespaces {t['namespaces']}, sockets {t['sockets']}, "
              f"mounts {t['mounts']}, run dirs {t['dirs']}, containers {t['containers']}; "
              f"zombies reaped by the test {t['zombies']}")
        bad = bad or t["leaky"] > 0
    shutil.rmtree(work, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
