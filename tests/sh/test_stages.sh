#!/usr/bin/env bash
# The literate build in a temporary copy of the project (its Makefile, engine and Lua library)
# with a small pipeline and paper of its own: caching, reasons, overrides, interruption,
# reproducibility.  Prints one "ok - " / "not ok - " line per assertion.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case "$B" in /*) bin="$B" ;; *) bin="$src/$B" ;; esac
unset B MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES REPRO_LUA
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p="$tmp/proj"
mkdir -p "$p/build" "$p/pipeline" "$p/paper" "$p/data"
cp -a "$src/Makefile" "$src/.ci" "$src/src" "$src/lua" "$p/"
cp -a "$bin/config.mk" "$bin/flags.txt" "$bin/obj" "$bin/repro" "$p/build/"
cp -a "$src/paper/repro.sty" "$p/paper/"
export REPRO_PROGRESS=0 SOURCE_DATE_EPOCH=1700000000

ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; fi; }

cat > "$p/pipeline/alpha.lua" <<'LUA'
local helper = require "curves"
local P = repro.params{n = 2, seed = 5}
math.randomseed(P.seed)
repro.value("n", P.n, {fmt = "%.0f"})
repro.check("positive", P.n, {ge = 0})
LUA
cat > "$p/pipeline/beta.lua" <<'LUA'
local ds = repro.dataset.load("data/points.csv")
repro.value("rows", ds.N, {fmt = "%.0f"})
local P = repro.params{spin = 0}
local s = 0
for i = 1, P.spin do s = s + math.sin(i) end
repro.value("spin", s)
LUA
printf 'x,y\n0,1\n1,2\n2,0\n' > "$p/data/points.csv"
cat > "$p/paper/paper.tex" <<'TEX'
\documentclass{article}
\usepackage{repro}
\pdfinfoomitdate=1 \pdftrailerid{}
\input{values.tex}
\begin{document}
\reprobanner
n is \val{alpha.n}, rows \val{beta.rows}. \reprovaluetable
\end{document}
TEX

cd "$p"
mk() { make --no-print-directory "$@" 2>&1; }
out=$(mk paper)
ok "first build runs every stage" '[ "$(grep -c "re-run because it has no finished run" <<<"$out")" = 2 ]'
ok "first build writes the PDF" '[ -s build/paper.pdf ]'
cp build/paper.pdf "$tmp/first.pdf"

out=$(mk paper)
ok "second build re-runs nothing" '[ "$(grep -c " cached" <<<"$out")" = 2 ] && ! grep -q "re-run" <<<"$out"'
ok "second build does not run LaTeX" '! grep -q "^latex" <<<"$out"'

echo "-- an edit" >> pipeline/alpha.lua
out=$(mk paper)
ok "an edited script re-runs alone, with the reason" \
   'grep -q "alpha .*re-run because pipeline/alpha.lua changed" <<<"$out" && grep -q "beta .*cached" <<<"$out"'

echo "-- edit" >> lua/curves.lua
out=$(mk paper)
ok "a Lua library edit re-runs the stage that loads it" \
   'grep -q "alpha .*re-run because .*lua/curves.lua changed" <<<"$out" && grep -q "beta .*cached" <<<"$out"'

printf 'x,y\n0,1\n1,2\n2,0\n3,5\n' > data/points.csv
out=$(mk paper)
ok "a changed data file re-runs its reader" \
   'grep -q "beta .*re-run because data/points.csv changed" <<<"$out" && grep -q "alpha .*cached" <<<"$out"'

out=$(mk paper SET="alpha.n=7")
ok "an override re-runs its stage" 'grep -q "alpha .*re-run because the parameters changed" <<<"$out"'
ok "the override is on the title page" 'pdftotext build/paper.pdf - | grep -q "Built with overrides: alpha.n=7"'
ok "the overridden value is printed" 'pdftotext build/paper.pdf - | grep -q "n is 7"'

out=$(mk paper SET="gamma.n=1")
ok "an override of an unknown stage is an error" 'grep -q "SET names no pipeline stage: gamma.n=1" <<<"$out"'
out=$(mk paper SET="alpha.m=1")
ok "an unknown parameter fails the stage with its name" \
   'grep -q "unknown parameter .m." <<<"$out" && grep -q "alpha.lua:2" <<<"$out"'

# Interrupt a long stage: no partial output, and the next build re-runs exactly that stage.
mk paper >/dev/null
build/repro stage pipeline/beta.lua --out build/stages/beta spin=300000000 >"$tmp/beta.out" 2>&1 &
pid=$!
# Killed once it runs (it has said why and removed its old record), not after a guessed delay.
for _ in $(seq 500); do grep -q "re-run because" "$tmp/beta.out" && break; sleep 0.01; done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
ok "an interrupted stage leaves no temporary file" '[ -z "$(find build figures -name "*.tmp.*" 2>/dev/null)" ]'
ok "an interrupted stage leaves no run record" '[ ! -e build/stages/beta/results.json ]'
out=$(mk paper)
ok "the next build re-runs exactly the interrupted stage" \
   'grep -q "beta .*re-run because it has no finished run" <<<"$out" && grep -q "alpha .*cached" <<<"$out"'

echo 'repro.check("broken", 1, {le = 0})' >> pipeline/alpha.lua
out=$(mk paper); rc=$?
ok "a failing check stops the build" '[ $rc -ne 0 ] && grep -q "alpha.lua:[0-9]*: check .broken. failed: value 1, bound <= 0" <<<"$out"'
sed -i '$d' pipeline/alpha.lua

# Two clean builds are byte-identical.
rm -rf build/stages build/latex build/paper.pdf build/values.tex figures
mk paper >/dev/null; cp build/paper.pdf "$tmp/a.pdf"; cp build/results.json "$tmp/a.json"
rm -rf build/stages build/latex build/paper.pdf build/values.tex figures
mk paper >/dev/null
ok "two clean builds give the same PDF" 'cmp -s build/paper.pdf "$tmp/a.pdf"'
ok "two clean builds give the same results" 'cmp -s build/results.json "$tmp/a.json"'

# An interrupted LaTeX run (pdflatex killed with SIGKILL while it writes paper.aux) never breaks a
# later build: LaTeX works in a fresh folder that replaces build/latex only when it finished.
mk paper >/dev/null
killed=0 recovered=0
for i in 1 2 3 4; do
  printf '%% edit %s\n' "$i" >> paper/paper.tex
  mk paper >"$tmp/latex.out" 2>&1 &
  mpid=$!
  for _ in $(seq 3000); do
    lpid=$(pgrep -f "pdflatex.*$p/build/latex" | head -n1)
    [ -n "$lpid" ] && break
    sleep 0.002
  done
  if [ -n "$lpid" ]; then
    sleep "0.0$((i * 2))"
    kill -KILL "$lpid" 2>/dev/null && killed=$((killed + 1))
  fi
  wait "$mpid"
  mk paper >"$tmp/after.out" 2>&1 && [ -s build/paper.pdf ] && recovered=$((recovered + 1))
done
ok "pdflatex was killed during LaTeX runs" '[ "$killed" -ge 1 ]'
ok "every build after an interrupted LaTeX run succeeds ($recovered of 4)" '[ "$recovered" = 4 ]'
ok "no LaTeX run folder left behind" '[ -z "$(ls -d build/latex.run.* build/latex.old 2>/dev/null)" ]'

# Two builds at once in one tree: the second waits for the first, and says so.
printf '%% edit lock\n' >> paper/paper.tex
mk paper SET="beta.spin=3000000" >"$tmp/first.out" 2>&1 &
first=$!
for _ in $(seq 500); do grep -q "beta .*re-run" "$tmp/first.out" && break; sleep 0.01; done
out=$(mk paper SET="beta.spin=3000000")
wait "$first"; rc1=$?
ok "a second build in the same tree says it waits" 'grep -q "another build is using build/ .*waiting" <<<"$out"'
ok "both concurrent builds succeed" '[ $rc1 = 0 ] && grep -q "wrote build/paper.pdf" "$tmp/first.out"'
ok "the waiting build finds the first one's work cached" '! grep -q "re-run" <<<"$out"'

# Make variables are data: quoted for the shell, validated by the engine.
out=$(mk figures SET="alpha.n=7;:>$tmp/pwned1")
ok "SET with a shell command runs nothing" '[ ! -e "$tmp/pwned1" ]'
ok "SET with a shell command is a clean error" 'grep -q "parameter .n. must be an integer" <<<"$out"'
out=$(mk figdiff BASE="x';touch $tmp/pwned2;'")
ok "BASE with a shell command runs nothing" '[ ! -e "$tmp/pwned2" ]'
out=$(mk figures SOURCE_URL="https://h/x'\$(touch $tmp/pwned3)'")
ok "SOURCE_URL with a quote runs nothing" '[ ! -e "$tmp/pwned3" ]'
ok "SOURCE_URL with a quote is written as data" 'grep -qF "https://h/x'"'"'" build/values.tex'

# Objects depend on the flags they were compiled with (build/flags.txt): the copied build is up to
# date, and a flag changed in the Makefile makes it out of date (config.mk alone would not see it).
ok "the copied engine is up to date" 'make -q build/repro'
ok "the flag stamp lists the compiler flags" 'grep -q -- "-std=c11" build/flags.txt'
sed -i 's/^WARN    := -Wall/WARN    := -Wno-unused-function -Wall/' Makefile
ok "a flag changed in the Makefile rewrites the stamp" 'make -q build/repro; grep -q -- "-Wno-unused-function -Wall" build/flags.txt'
ok "a flag changed in the Makefile rebuilds the engine" '! make -q build/repro'
