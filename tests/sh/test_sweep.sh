#!/usr/bin/env bash
# repro.sweep on this machine: every point is cached on its own.  Adding a point runs that point
# only; editing the gather runs no point; editing the point function runs them all; a failing point
# fails the stage with its coordinates while the others stay cached; results do not depend on
# where or in which order points ran (a sequential run and a make -j2 run agree byte for byte);
# repro prune removes the point records the last run did not use, none after a failed run.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case "$B" in /*) bin="$B" ;; *) bin="$src/$B" ;; esac
unset MAKEFLAGS MFLAGS MAKELEVEL
export REPRO_PROGRESS=0 REPRO_LUA=$src/lua SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
source "$src/tests/sh/sweep_fixture.sh"
sweep_fixture "$tmp"
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; cat "$tmp/out" "$tmp/err" 2>/dev/null | sed 's/^/    /' | tail -n 20; fi; }
stage() { "$bin/repro" stage sq.lua --out o --figures f "$@" >"$tmp/out" 2>"$tmp/err"; }
val() { grep -A3 "\"sq.$1\"" o/results.json | sed -n 's/.*"value": \([^,]*\),*/\1/p' | head -n1; }
npoints() { ls o/points/sq 2>/dev/null | wc -l; }

stage; ok "first run computes 4 points" "grep -q 'sweep sq: 4 points, 0 cached, 4 to run (local)' out && [ \$(npoints) = 4 ]"
ok "the gather sees every point" "[ \"\$(val n)\" = 4.0 ]"
stage; ok "unchanged: the stage is cached" "grep -q 'sq  *cached' out"
stage Ts=2,4,8 seeds=2; ok "adding T = 8 runs its 2 points only" "grep -q '6 points, 4 cached, 2 to run' out && [ \$(npoints) = 6 ]"
stage Ts=2,4,8 seeds=3; ok "adding a seed runs 3 points only" "grep -q '9 points, 6 cached, 3 to run' out"
sum1=$(val sum)
echo 'repro.value("extra", 1, {fmt = "%.0f"})' >>sq.lua
stage Ts=2,4,8 seeds=3; ok "editing the gather runs no point" "grep -q 're-run because sq.lua changed' out && grep -q '9 points, all cached' out"
ok "... and gives the same values" "[ \"\$(val sum)\" = \"$sum1\" ]"
stage Ts=2,4 seeds=2; ok "going back to the smaller grid runs nothing" "grep -q '4 points, all cached' out"
# The point function's code is part of the key.
sed -i 's/scale \* p.T \* p.T/scale * p.T * p.T * 1/' sq.lua
stage Ts=2,4 seeds=2; ok "editing the point function runs every point" "grep -q '4 points, 0 cached, 4 to run' out"
# A captured value is part of the key.
stage Ts=2,4 seeds=2 scale=2; ok "changing a captured value runs every point" "grep -q '4 points, 0 cached, 4 to run' out"

# A failing point: the stage fails naming it, the others are cached, no record for it.
before=$(npoints)
FAIL_T=8 stage Ts=2,4,8 seeds=2 scale=2; rc=$?
ok "a failing point fails the stage" "[ $rc = 1 ]"
ok "... naming the point and the error" "grep -q 'sq point T=8 seed=1 failed' err && grep -q 'point T=8 refuses' err"
ok "... saying how many failed and that the rest are cached" "grep -q \"repro.sweep 'sq': 2 of the 2 points to run failed; the other 4 points are cached\" err"
ok "... leaving no record of the stage or the failed points" "[ ! -e o/results.json ] && [ \$(npoints) = $before ] && [ -z \"\$(find o -name '*.tmp.*')\" ]"
"$bin/repro" prune o >"$tmp/out" 2>"$tmp/err"; rc=$?
ok "repro prune after a failed run removes nothing (its points are the next run's cache)" "[ $rc = 0 ] && grep -q 'no finished run: its point records are kept' out && [ \$(npoints) = $before ]"
stage Ts=2,4,8 seeds=2 scale=2; ok "after the fix only the failed points run" "grep -q '6 points, 4 cached, 2 to run' out"

# repro prune: the records the last run did not use (other grids, scales, point functions) go.
all=$(npoints)
"$bin/repro" prune o/ >"$tmp/out" 2>"$tmp/err"; rc=$?
ok "repro prune removes the $((all - 6)) records the last run did not use and keeps its 6" "[ $rc = 0 ] && [ $all -gt 6 ] && grep -Eq '^o +removed $((all - 6)) point records \([0-9.]+ kB\), kept 6\$' out && [ \$(npoints) = 6 ]"
stage Ts=2,4,8 seeds=2 scale=2; ok "... the stage stays cached" "grep -q 'sq  *cached' out"
stage Ts=2,4 seeds=2 scale=2; ok "... a part of its grid is still cached" "grep -q '4 points, all cached' out"
stage Ts=2,4 seeds=2; ok "... a pruned grid is computed again" "grep -q '4 points, 0 cached, 4 to run' out"
stage Ts=2,4,8 seeds=2 scale=2

# Same bytes whoever ran the points: a fresh run under make -j2 (points in make's job slots).
cp o/results.json r1.json; cp f/sq.json fig1.json
rm -rf o f
printf 'all:\n\t+@"%s/repro" stage sq.lua --out o --figures f Ts=2,4,8 seeds=2 scale=2\n' "$bin" >Makefile
make -s -j2 >"$tmp/out" 2>"$tmp/err"; rc=$?
ok "make -j2 runs the sweep" "[ $rc = 0 ] && grep -q '6 points, 0 cached, 6 to run' out"
ok "make -j2 and the earlier runs give identical records and figure data" "cmp -s o/results.json r1.json && cmp -s f/sq.json fig1.json"

# The stage's cost: o/timing.tsv (wall and CPU seconds of its last run), outside its record.  Its
# CPU time counts the points run in other processes: four points that each burn about 0.2 s of
# CPU in a loop leave the stage process itself nearly idle under make -j2.
ok "timing.tsv: a header and the run's wall and CPU seconds" \
   "[ \"\$(sed -n 1p o/timing.tsv)\" = \"\$(printf 'wall_s\\tcpu_s\\tlaunch')\" ] && awk -F'\\t' 'NR == 2 && \$1 > 0 && \$2 > 0 && \$3 == \"local\" { ok = 1 } END { exit !ok }' o/timing.tsv"
ok "... and it is no output of the record" "! grep -q timing o/results.json"
cat >burn.lua <<'LUA'
local pts = repro.sweep("burn", {i = {1, 2, 3, 4}}, function(p)
  local t0, x = os.clock(), 0
  while os.clock() - t0 < 0.2 do x = x + 1 end
  return {x = x > 0 and 1 or 0}
end)
repro.value("n", #pts, {fmt = "%.0f"})
LUA
printf 'all:\n\t+@"%s/repro" stage burn.lua --out ob3 --figures f\n' "$bin" >Makefile
make -s -j2 >"$tmp/out" 2>"$tmp/err"; rc=$?
ok "a stage's CPU seconds include its points run by make -j2 (4 x 0.2 s)" \
   "[ $rc = 0 ] && grep -q 'burn: 4 points, 0 cached, 4 to run (local)' out && awk -F'\\t' 'NR == 2 && \$2 >= 0.75 { ok = 1 } END { exit !ok }' ob3/timing.tsv"

# make's slots are respected and used: eight points, each present (a file of its own) while it
# runs and counting the others present; under make -j2 the stage's own slot and one token run two
# points at a time, never three.
mkdir live
cat >slots.lua <<'LUA'
local pts = repro.sweep("slots", {i = {1, 2, 3, 4, 5, 6, 7, 8}}, function(p)
  local mine = "live/" .. p.i
  assert(io.open(mine, "w")):close()
  local t0, most = os.clock(), 0
  while os.clock() - t0 < 0.15 do
    local n = 0
    for j = 1, 8 do
      local f = io.open("live/" .. j)
      if f then
        f:close()
        n = n + 1
      end
    end
    if n > most then most = n end
  end
  os.remove(mine)
  return {most = most}
end)
local most = 0
for _, r in ipairs(pts) do most = math.max(most, r.most) end
repro.value("most", most, {fmt = "%.0f"})
LUA
printf 'all:\n\t+@"%s/repro" stage slots.lua --out oslots --figures f\n' "$bin" >Makefile
make -s -j2 >"$tmp/out" 2>"$tmp/err"; rc=$?
most=$(grep -A3 '"slots.most"' oslots/results.json | sed -n 's/.*"value": \([^,]*\),*/\1/p' | head -n1)
ok "make -j2: two points at a time, never more (8 points; most at once: $most)" "[ $rc = 0 ] && [ \"$most\" = 2.0 ]"

# A jobserver whose writer is gone (make killed while the stage runs): no more tokens; the points
# still run, on the stage's own slot.
exec 3< <(true)
MAKEFLAGS="-j2 --jobserver-auth=3,4" "$bin/repro" stage slots.lua --out ogone --figures f \
    4>/dev/null >"$tmp/out" 2>"$tmp/err"; rc=$?
exec 3<&-
most=$(grep -A3 '"slots.most"' ogone/results.json 2>/dev/null | sed -n 's/.*"value": \([^,]*\),*/\1/p' | head -n1)
ok "a closed jobserver: the points run one at a time on the stage's slot" "[ $rc = 0 ] && [ \"$most\" = 1.0 ]"

# Bad grids and captures are clean errors.
cat >bad.lua <<'LUA'
local ds = repro.dataset{x = {0, 1, 2}, y = {0, 1, 0}}
repro.sweep("bad", {T = {1, 2}}, function(p) return {n = ds.N + p.T} end)
LUA
"$bin/repro" stage bad.lua --out ob --figures f >out 2>err; rc=$?
ok "capturing a userdata is an error naming the variable" "[ $rc = 1 ] && grep -q \"the captured variable 'ds' is a userdata\" err"
printf 'repro.sweep("bad", {T = {}}, function(p) return {} end)\n' >bad2.lua
"$bin/repro" stage bad2.lua --out ob2 --figures f >out 2>err; rc=$?
ok "an empty grid entry is an error" "[ $rc = 1 ] && grep -q \"grid entry 'T' must be a non-empty list\" err"

# Seeds noted inside points (math.randomseed, networks) reach the stage's record (its captions),
# in point order after the script's own, each once; cached points give the same list.
cat >seeds.lua <<'LUA'
math.randomseed(7)
local pts = repro.sweep("sd", {T = {3, 1, 2}}, function(p)
  math.randomseed(100 + p.T)
  repro.net{d = 1, T = 1, K = 2, seed = 7}
  return {u = math.random()}
end)
repro.value("n", #pts, {fmt = "%.0f"})
LUA
seeds() { tr -d ' \n' <"$1" | sed -n 's/.*"seeds":\[\([^]]*\)\].*/\1/p'; }
"$bin/repro" stage seeds.lua --out os --figures f >out 2>err
ok "point seeds are in the stage's record, in point order" "[ \"\$(seeds os/results.json)\" = 7,103,101,102 ]"
"$bin/repro" stage seeds.lua --out os --figures f --force >out 2>err
ok "... and again when the points are cached" "grep -q 'sd: 3 points, all cached' out && [ \"\$(seeds os/results.json)\" = 7,103,101,102 ]"
