#!/usr/bin/env bash
# LAUNCH=slurm end to end on a private one-node Slurm cluster (tests/sh/slurm_cluster.sh): a
# small sweep stage run through Slurm (the stage a job, its points the tasks of a job array, or
# one job each with SLURM_ARRAY=0) gives byte-identical records and figures to the local run,
# also split over several arrays (SLURM_ARRAY_SIZE); a failing point fails the build with its job
# id, its coordinates and the end of its log, the other points stay cached; a cancelled task or
# job fails the build the same way; a cancelled stage cancels its arrays.  When the cluster
# cannot start (no root, no slurm-wlm), prints "skip - why".
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case "$B" in /*) bin="$B" ;; *) bin="$src/$B" ;; esac
unset MAKEFLAGS MFLAGS MAKELEVEL SLURM_JOB_ID SLURM_ARGS SLURM_ARRAY SLURM_ARRAY_SIZE SLURM_ARRAY_LIMIT
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
identical() { # the Slurm run's records and figures are the local run's
  for fl in results.json; do ok "$1: Slurm and local $fl identical" "cmp -s o/$fl local/$fl"; done
  for fl in sq.json sq.pdf sq.png; do ok "$1: Slurm and local figure $fl identical" "cmp -s f/$fl local/$fl"; done
}
stage Ts=2,4,8 --launch slurm; rc=$?
ok "the Slurm run succeeds" "[ $rc = 0 ]"
ok "its points ran as the tasks of a job array" "grep -q 'sweep sq: 6 points, 0 cached, 6 to run (slurm)' out && grep -q '^slurm job [0-9]*_0 on ' build/slurm/sq/sq-0.log && grep -q '^slurm job [0-9]*_5 on ' build/slurm/sq/sq-5.log"
ok "... from a script that runs each one by hand" "grep -q \"^3) log='build/slurm/sq/sq-3.log'; set -- '.*/repro' 'point' 'sq.lua'\" build/slurm/sq/sq.array.sh"
ok "... each with its exit status" "[ \"\$(cat build/slurm/sq/sq-*.log.rc | sort -u)\" = 0 ]"
ok "the stage ran as a Slurm job" "grep -q '^slurm job [0-9]* on ' build/slurm/sq.log"
identical array
ok "nothing is left in the queue" "[ -z \"\$(squeue -h)\" ]"

rm -rf o f
SLURM_ARRAY_SIZE=4 stage Ts=2,4,8 --launch slurm; rc=$?
a0=$(sed -n 's/^slurm job \([0-9]*\)_0 on .*/\1/p' build/slurm/sq/sq-0.log)
a4=$(sed -n 's/^slurm job \([0-9]*\)_0 on .*/\1/p' build/slurm/sq/sq-4.log)
ok "SLURM_ARRAY_SIZE=4: 6 points as two arrays (tasks 0-3 and 0-1)" "[ $rc = 0 ] && [ -n '$a0' ] && [ -n '$a4' ] && [ '$a0' != '$a4' ] && grep -q '^slurm job ${a4}_1 on ' build/slurm/sq/sq-5.log"
identical "two arrays"

rm -rf o f
SLURM_ARRAY=0 stage Ts=2,4,8 --launch slurm; rc=$?
ok "SLURM_ARRAY=0: each point a job of its own (srun)" "[ $rc = 0 ] && grep -q '^slurm job [0-9]* on ' build/slurm/sq/sq-0.log && [ -e build/slurm/sq/sq-0.log.srun ]"
identical "srun"
SLURM_ARRAY=many stage Ts=2,4,8,16 --launch slurm; rc=$?
ok "SLURM_ARRAY that is not a count is an error naming it" "[ $rc != 0 ] && grep -q \"SLURM_ARRAY must be a number of jobs.*not 'many'\" err"

# A failing point (a new T, so two new points; T = 16 also new and fine).
FAIL_T=32 stage Ts=2,4,8,16,32 --launch slurm; rc=$?
ok "a failing point fails the Slurm build" "[ $rc = 1 ]"
ok "... naming its job id and coordinates" "grep -Eq 'Slurm job [0-9]+_[0-9]+ \\(sq point T=32 seed=[12]\\) failed \\(exit status 1\\)' err"
ok "... with the end of its log" "grep -q 'point T=32 refuses' err"
ok "... and the stage's job id" "grep -Eq 'Slurm job [0-9]+ \\(stage sq\\) failed' err"
ok "... the points of T = 16 are cached" "ls o/points/sq | wc -l | grep -qx 8"
stage Ts=2,4,8,16,32 --launch slurm
ok "after the fix only the 2 failed points run" "grep -q '10 points, 8 cached, 2 to run (slurm)' out"

# Cancelled jobs: T = 64's points wait for a file that never comes; cancel them once running.
# $1: awk pattern of their job names in squeue; $2: a parameter override.
cancel_run() {
  (HOLD="$tmp/never" HOLD_T=64 "$bin/repro" stage sq.lua --out o --figures f Ts=2,4,8,64 --launch slurm \
     ${2:+"$2"} >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc") &
  local bg=$! ids i
  for i in $(seq 1 100); do
    ids=$(squeue -h -r -t R -o '%i %j' | awk "/$1/ {print \$1}")
    [ "$(echo "$ids" | grep -c .)" -ge 2 ] && break
    sleep 0.2
  done
  squeue -h -r -o '%j|%l' >"$tmp/queue"
  sleep 0.5
  scancel $ids
  wait $bg
}
SLURM_ARGS="--time=7" cancel_run ' array$' "slurm=--time=9 --comment=sq-sweep"
ok "SLURM_ARGS reach the stage's job, the sweep's own options (after them) its array's tasks" "grep -qx 'stage sq|7:00' $tmp/queue && [ \"\$(grep -c ' array|9:00\$' $tmp/queue)\" = 2 ]"
ok "a cancelled array task fails the build" "[ \"\$(cat $tmp/rc)\" = 1 ]"
ok "... naming the task and its point" "grep -Eq 'Slurm job [0-9]+_[0-9]+ \\(sq point T=64 seed=[12]\\) failed \\(ended without an exit status' err"
ok "... with Slurm's word on it" "grep -q 'CANCELLED' err"
ok "... no half-written record survives" "[ -z \"\$(find o f -name '*.tmp.*')\" ] && [ ! -e o/results.json ]"
SLURM_ARRAY=0 cancel_run 'point T=64' "slurm=--time=9"
ok "... and an srun job's" "[ \"\$(grep -c 'point T=64.*|9:00\$' $tmp/queue)\" = 2 ]"
ok "a cancelled job fails the build" "[ \"\$(cat $tmp/rc)\" = 1 ]"
ok "... naming the job and its point" "grep -Eq 'Slurm job [0-9]+ \\(sq point T=64 seed=[12]\\) failed' err"
ok "... no half-written record survives" "[ -z \"\$(find o f -name '*.tmp.*')\" ] && [ ! -e o/results.json ]"
cancel_run 'stage sq'
ok "a cancelled stage fails the build" "[ \"\$(cat $tmp/rc)\" = 1 ]"
for i in $(seq 1 50); do [ -z "$(squeue -h)" ] && break; sleep 0.2; done
ok "... and cancels its array: nothing is left in the queue" "[ -z \"\$(squeue -h)\" ]"
