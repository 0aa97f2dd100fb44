#!/usr/bin/env bash
# make lint: luacheck with the project's .luacheckrc is clean over pipeline/ and lua/, and the
# configuration is not vacuous (it knows the repro global and Lua 5.4, and flags a typo).
# Prints one "ok - " / "not ok - " line per assertion.
set -u
cd "$(dirname "$0")/../.."
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; fi; }

make --no-print-directory -s lint B="${B:-build}" >"$tmp/out" 2>&1; rc=$?
ok "make lint is clean over pipeline/ and lua/" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || sed 's/^/    /' "$tmp/out" | head -n 20
ok "make lint checked every script" \
  'grep -q "in $(find pipeline lua -name "*.lua" | wc -l) files" "$tmp/out"'

# The same configuration on two small files: one right, one with a misspelt global.
mkdir -p "$tmp/p"
cp .luacheckrc "$tmp/p/"
cat > "$tmp/p/good.lua" <<'LUA'
local P = repro.params{n = 3}
local t = table.pack(math.tointeger(P.n), utf8.char(72))
repro.value("n", t.n // 1)
LUA
cat > "$tmp/p/bad.lua" <<'LUA'
local unused = 1
reproo.value("n", 1)
LUA
(cd "$tmp/p" && luacheck --no-color -q good.lua) >"$tmp/good" 2>&1; rc=$?
ok "the repro global, Lua 5.4 library and integer division pass" '[ $rc -eq 0 ]'
(cd "$tmp/p" && luacheck --no-color -q bad.lua) >"$tmp/bad" 2>&1; rc=$?
ok "a misspelt global fails" '[ $rc -ne 0 ] && grep -q "reproo" "$tmp/bad"'
ok "an unused variable is reported" 'grep -q "unused variable .unused." "$tmp/bad"'
