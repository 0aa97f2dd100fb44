#!/usr/bin/env bash
# The other compiler: the engine and the C unit tests built with clang (flags chosen by
# .ci/deps's check, -Werror as always) in $B/clang, the unit tests run, and one Lua API test
# run by the clang engine. `make CC=clang test` runs everything with clang; this keeps a clang
# build in every `make test`. Prints one "ok - " / "not ok - " line per assertion.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; fi; }
if ! command -v clang >/dev/null; then
  echo "not ok - clang is installed (.ci/deps installs it)"
  exit 0
fi
cb=$B/clang
tests=$(ls tests/c/test_*.c | sed 's|tests/c/\(.*\)\.c|'"$cb"'/tests/\1|')
make --no-print-directory -j2 CC=clang B="$cb" "$cb/repro" $tests >"$cb.log" 2>&1; rc=$?
ok "clang builds the engine and the C unit tests with -Werror" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || { grep -E ' error: |warning: ' "$cb.log" | head -n 10 | sed 's/^/    /'; exit 0; }
ok "the clang build is configured for clang" 'grep -qx "CONFIG_CC = clang" "$cb/config.mk"'
ok "gcc-only flags are not given to clang" '! grep -q -- "-fvect-cost-model" "$cb/config.mk"'
ok "the clang engine says it was built by clang" '"$cb/repro" --version 2>&1 | grep -q clang'
for t in $tests; do
  "$t" >"$cb/out" 2>&1; rc=$?
  n=$(grep -c '^ok ' "$cb/out"); f=$(grep -c '^not ok ' "$cb/out")
  grep "^not ok " "$cb/out" | sed "s|^|    |"
  ok "clang $(basename "$t"): $n passed" '[ $rc -eq 0 ] && [ $f -eq 0 ] && [ $n -gt 0 ]'
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
REPRO_PROGRESS=0 REPRO_LUA=$PWD/lua "$cb/repro" run tests/lua/test_core.lua --out "$tmp/o" \
  --figures "$tmp/f" >"$tmp/out" 2>&1; rc=$?
ok "the clang engine passes the core Lua API test ($(grep -c '^ok ' "$tmp/out") assertions)" \
  '[ $rc -eq 0 ] && ! grep -q "^not ok" "$tmp/out"'
