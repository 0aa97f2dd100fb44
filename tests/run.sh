#!/usr/bin/env bash
# Runs every test and prints one summary line last: "N passed, N failed".
#   C unit tests (build/tests/*, and again under ASan/UBSan from build/asan/tests/*),
#   Lua API tests (tests/lua/*.lua, with build/repro and build/asan/repro),
#   shell tests (tests/sh/*.sh: end-to-end runs of the pipeline and the build).
# A test program that exits non-zero without reporting a failure counts as one failure.  A test
# that cannot run here prints "skip - why": counted as skipped (never as passed), listed before
# the summary.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
export REPRO_PROGRESS=0
export REPRO_LUA=$PWD/lua
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0
failed=0
skipped=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run LABEL CMD...: run one test program, count its ok / not ok lines.
run() {
  local label=$1; shift
  local out="$tmp/out" rc
  "$@" >"$out" 2>"$tmp/err"; rc=$?
  local p f k
  p=$(grep -c '^ok ' "$out"); f=$(grep -c '^not ok ' "$out"); k=$(grep -c '^skip ' "$out")
  grep '^not ok ' "$out" | sed "s|^|[$label] |"
  grep '^skip ' "$out" | sed "s|^|[$label] |" >>"$tmp/skipped"
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
    echo "not ok - [$label] exited with status $rc"
    tail -n 15 "$tmp/err" | sed 's/^/    /'
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
  printf '%-40s %4d passed, %d failed%s\n' "$label" "$p" "$f" "$([ "$k" -gt 0 ] && echo ", $k skipped")" >&2
}

for t in $B/tests/test_*; do
  [ -x "$t" ] && run "c/$(basename "$t")" "$t"
done
for t in $B/asan/tests/test_*; do
  [ -x "$t" ] && run "asan/c/$(basename "$t")" "$t"
done
for t in tests/lua/test_*.lua; do
  [ -f "$t" ] || continue
  name=$(basename "$t" .lua)
  run "lua/$name" $B/repro run "$t" --out "$tmp/lua/$name" --figures "$tmp/lua/$name/fig"
  run "asan/lua/$name" $B/asan/repro run "$t" --out "$tmp/alua/$name" --figures "$tmp/alua/$name/fig"
done
for t in tests/sh/test_*.sh; do
  [ -f "$t" ] && run "sh/$(basename "$t" .sh)" bash "$t"
done
if [ "$skipped" -gt 0 ]; then
  echo "$skipped skipped (not counted as passed):"
  sed 's/^/  /' "$tmp/skipped"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
