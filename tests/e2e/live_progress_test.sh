#!/usr/bin/env bash
# The live progress line on a terminal: a run in a tmux pane (a real TTY) shows, while its traffic
# flows, "report-app-restarts PHASE  ELAPSEDs/2.0s  200×N ..." and erases it when the phase ends;
# the same run with its output in a file (not a TTY, as in CI) has none of it.
# Usage: live_progress_test.sh BADGATEWAY FIXTURES OUT_DIR (the last pane is saved there)
set -uo pipefail
bg=$1 fx=$2 out_dir=$3
work=$(mktemp -d)
chmod 700 "$work"
socket="bg-progress-$$"
# A private tmux server (its own socket, our config alone) that is always killed. Its panes stay
# after their command exits, so that the run's last screen can be read.
printf 'set -g remain-on-exit on\n' >"$work/tmux.conf"
tm() { tmux -L "$socket" -f "$work/tmux.conf" "$@"; }
cleanup() { tm kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL [live-progress]: $*" >&2; exit 1; }
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
scenario="$fx/report/app-restarts.toml"
line_re='report-app-restarts (broken|fixed)  [0-9]+\.[0-9]s/2\.0s  200×[0-9]+'

tm new-session -d -s run -x 200 -y 50 -- "$bg" run "$scenario" || fail "cannot start the run in tmux"

# Wait (deadline 60 s) for the line to appear while traffic runs.
seen=""
deadline=$((SECONDS + 60))
while ((SECONDS < deadline)); do
  if tm capture-pane -p -t run >"$work/pane" 2>/dev/null && seen=$(grep -Eo "$line_re.*" "$work/pane"); then
    break
  fi
  [[ $(tm display-message -p -t run '#{pane_dead}') == 1 ]] && break
  sleep 0.05
done
[[ -n $seen ]] || { cat "$work/pane" >&2; fail "no progress line while the traffic ran"; }
echo "progress line seen: $seen"

# Then the run ends (deadline 60 s): the line is gone, the summary is there. (Its exit status is
# not asserted: tmux marks the pane dead when its terminal closes and does not always have the
# status by then; the summary line says the run passed.)
deadline=$((SECONDS + 60))
until [[ $(tm display-message -p -t run '#{pane_dead}') == 1 ]]; do
  ((SECONDS < deadline)) || fail "the run did not end within 60 s"
  sleep 0.05
done
tm capture-pane -p -t run >"$work/pane"
mkdir -p "$out_dir" && cp "$work/pane" "$out_dir/live-progress-pane.txt"
cat "$work/pane"
grep -Eq '/2\.0s  ' "$work/pane" && fail "the progress line was not erased when the phase ended"
grep -q 'report-app-restarts' "$work/pane" || fail "no result line"
grep -q '^1 passed, 0 failed, 0 errors' "$work/pane" || fail "no summary: the run did not pass"

# Not a terminal: no status line, no escape sequence.
"$bg" run "$scenario" >"$work/file.out" 2>&1 || { cat "$work/file.out" >&2; fail "the run failed"; }
grep -q '/2\.0s' "$work/file.out" && fail "a progress line in output that is not a terminal"
grep -q $'\x1b\\[K' "$work/file.out" && fail "an erase sequence in output that is not a terminal"
echo "ok: the live line appeared on a TTY, was erased, and never reached a file"
