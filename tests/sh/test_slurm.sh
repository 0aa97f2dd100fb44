#!/usr/bin/env bash
# LAUNCH=slurm end to end on a private one-node Slurm cluster (tests/sh/slurm_cluster.sh): a
# small sweep stage run through Slurm (the stage and each point a job) gives byte-identical
# records and figures to the local run; a failing point fails the build with its job id, its
# coordinates and the end of its log, the other points stay cached; a cancelled job fails the
# build the same way.  When the cluster cannot start (no root, no slurm-wlm), prints "skip - why".
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case "$B" in /*) bin="$B" ;; *) bin="$src/$B" ;; esac
unset MAKEFLAGS MFLAGS MAKELEVEL SLURM_JOB_ID SLURM_ARGS
export REPRO_PROGRESS=0 REPRO_LUA=$src/lua SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d)
source "$src/tests/sh/slurm_cluster.sh"
trap 'slurm_stop; rm -rf "$tmp"' EXIT
cd "$tmp"
source "$src/tests/sh/sweep_fixture.sh"
sweep_fixture "$tmp"
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; cat "$tmp/out" "$tmp/err" 2>/dev/null | sed 's/^/    /' | tail -n 30; fi; }

if ! slurm_start "$tmp/cluster" 4 2>"$tmp/why"; then
  echo "skip - the private Slurm cluster cannot start: $(head -n1 "$tmp/why")"
  exit 0
fi
stage() { "$bin/repro" stage sq.lua --out o --figures f "$@" >"$tmp/out" 2>"$tmp/err"; }

stage Ts=2,4,8; ok "the local run" "[ \$? = 0 ] || true; [ -s o/results.json ]"
mkdir -p local && cp o/results.json f/sq.json f/sq.pdf f/sq.png local/
rm -rf o f
stage Ts=2,4,8 --launch slurm; rc=$?
ok "the Slurm run succeeds" "[ $rc = 0 ]"
ok "its points ran as Slurm jobs" "grep -q 'sweep sq: 6 points, 0 cached, 6 to run (slurm)' out && grep -q '^slurm job [0-9]* on ' build/slurm/sq/sq-0.log"
ok "the stage ran as a Slurm job" "grep -q '^slurm job [0-9]* on ' build/slurm/sq.log"
for fl in results.json; do ok "Slurm and local $fl identical" "cmp -s o/$fl local/$fl"; done
for fl in sq.json sq.pdf sq.png; do ok "Slurm and local figure $fl identical" "cmp -s f/$fl local/$fl"; done
ok "nothing is left in the queue" "[ -z \"\$(squeue -h)\" ]"

# A failing point (a new T, so two new points; T = 16 also new and fine).
FAIL_T=32 stage Ts=2,4,8,16,32 --launch slurm; rc=$?
ok "a failing point fails the Slurm build" "[ $rc = 1 ]"
ok "... naming its job id and coordinates" "grep -Eq 'Slurm job [0-9]+ \\(sq point T=32 seed=[12]\\) failed' err"
ok "... with the end of its log" "grep -q 'point T=32 refuses' err"
ok "... and the stage's job id" "grep -Eq 'Slurm job [0-9]+ \\(stage sq\\) failed' err"
ok "... the points of T = 16 are cached" "ls o/points/sq | wc -l | grep -qx 8"
stage Ts=2,4,8,16,32 --launch slurm
ok "after the fix only the 2 failed points run" "grep -q '10 points, 8 cached, 2 to run (slurm)' out"

# A cancelled job: T = 64's points wait for a file that never comes; cancel them.
(HOLD="$tmp/never" HOLD_T=64 "$bin/repro" stage sq.lua --out o --figures f Ts=2,4,8,64 --launch slurm \
   >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc") &
bg=$!
for i in $(seq 1 100); do
  ids=$(squeue -h -o '%i %j' | awk '/point T=64/ {print $1}')
  [ -n "$ids" ] && [ "$(squeue -h -t R -o %j | grep -c 'point T=64')" -ge 1 ] && break
  sleep 0.2
done
sleep 0.5
scancel $ids
wait $bg
ok "a cancelled job fails the build" "[ \"\$(cat $tmp/rc)\" = 1 ]"
ok "... naming the job and its point" "grep -Eq 'Slurm job [0-9]+ \\(sq point T=64 seed=[12]\\) failed' err"
ok "... no half-written record survives" "[ -z \"\$(find o f -name '*.tmp.*')\" ] && [ ! -e o/results.json ]"
