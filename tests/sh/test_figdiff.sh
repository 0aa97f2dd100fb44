#!/usr/bin/env bash
# repro diff end to end, in a temporary git repository holding a copy of the project (Makefile,
# engine sources, Lua library) and a small pipeline of its own: two figures, a few values.  The
# revisions differ in one script's parameter; the test checks that exactly the affected figure
# and values are reported, with the right magnitudes; that identical sides report nothing (exit
# 0); that an unknown revision and a side that fails to build exit 2 with a clear message; and
# that the HTML report loads in headless Chromium with its images displayed.
# Figures are written by a small Lua module of the test (sidecar JSON and PNG, written by hand),
# so this test does not depend on the plot module.  Prints one "ok - " / "not ok - " line per
# assertion.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case "$B" in /*) bin="$B" ;; *) bin="$src/$B" ;; esac
repro="$bin/repro"
# The temporary project builds into its own build/, whatever B the caller (or a calling make) set.
unset REPRO_LUA; unset B MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p="$tmp/proj"
mkdir -p "$p/build" "$p/pipeline"
cp -a "$src/Makefile" "$src/.ci" "$src/src" "$src/lua" "$p/"
cp -a "$bin/config.mk" "$bin/flags.txt" "$bin/obj" "$bin/repro" "$p/build/"
export REPRO_PROGRESS=0 SOURCE_DATE_EPOCH=1700000000

ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; fi; }

# A figure writer of the test's own: the sidecar shape of the plot module, and a PNG drawn
# pixel by pixel (zlib stored blocks, so no compressor is needed).
cat > "$p/lua/fakefig.lua" <<'LUA'
local M = {null = setmetatable({}, {__name = "null"})}

local crc = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do c = (c & 1 == 1) and (0xEDB88320 ~ (c >> 1)) or (c >> 1) end
  crc[i] = c
end
local function crc32(s)
  local c = 0xFFFFFFFF
  for i = 1, #s do c = crc[(c ~ s:byte(i)) & 0xFF] ~ (c >> 8) end
  return c ~ 0xFFFFFFFF
end
local function adler32(s)
  local a, b = 1, 0
  for i = 1, #s do a = (a + s:byte(i)) % 65521; b = (b + a) % 65521 end
  return (b << 16) | a
end
local function chunk(kind, data)
  return string.pack(">I4", #data) .. kind .. data .. string.pack(">I4", crc32(kind .. data))
end
local function png(w, h, px)
  local rows = {}
  for y = 1, h do rows[y] = "\0" .. string.char(table.unpack(px[y])) end
  local raw, z, pos = table.concat(rows), {"\x78\x01"}, 1
  repeat
    local n = math.min(65535, #raw - pos + 1)
    z[#z + 1] = string.pack("<BI2I2", pos + n > #raw and 1 or 0, n, n ~ 0xFFFF)
    z[#z + 1] = raw:sub(pos, pos + n - 1)
    pos = pos + n
  until pos > #raw
  z[#z + 1] = string.pack(">I4", adler32(raw))
  return "\137PNG\r\n\26\n" .. chunk("IHDR", string.pack(">I4I4BBBBB", w, h, 8, 2, 0, 0, 0)) ..
         chunk("IDAT", table.concat(z)) .. chunk("IEND", "")
end

local function json(v, out)
  local t = type(v)
  if v == M.null then out[#out + 1] = "null"
  elseif t == "number" then
    out[#out + 1] = math.type(v) == "integer" and tostring(v) or string.format("%.17g", v)
  elseif t == "string" then
    out[#out + 1] = '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif t == "table" and (#v > 0 or next(v) == nil) then
    out[#out + 1] = "["
    for i, e in ipairs(v) do if i > 1 then out[#out + 1] = "," end json(e, out) end
    out[#out + 1] = "]"
  else
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    out[#out + 1] = "{"
    for i, k in ipairs(keys) do
      if i > 1 then out[#out + 1] = "," end
      json(k, out); out[#out + 1] = ":"; json(v[k], out)
    end
    out[#out + 1] = "}"
  end
end

local function write(path, s)
  local f = assert(io.open(path .. ".tmp", "wb")); f:write(s); f:close()
  assert(os.rename(path .. ".tmp", path))
end

-- Draw each panel in a 160 x 100 cell (columns side by side): frame, lines and points.
function M.save(fig)
  local W, H, ncol = 160, 100, 0
  for _, p in ipairs(fig.panels) do ncol = math.max(ncol, p.col) end
  local px = {}
  for y = 1, H do px[y] = {}; for x = 1, 3 * W * ncol do px[y][x] = 255 end end
  local function dot(x, y, c)
    if x >= 1 and x <= W * ncol and y >= 1 and y <= H then
      px[y][3 * x - 2], px[y][3 * x - 1], px[y][3 * x] = c[1], c[2], c[3]
    end
  end
  for _, p in ipairs(fig.panels) do
    local x0 = (p.col - 1) * W
    for x = 5, W - 5 do dot(x0 + x, 5, {0, 0, 0}); dot(x0 + x, H - 5, {0, 0, 0}) end
    for y = 5, H - 5 do dot(x0 + 5, y, {0, 0, 0}); dot(x0 + W - 5, y, {0, 0, 0}) end
    local function map(x, y)
      return x0 + 5 + (x - p.xlim[1]) / (p.xlim[2] - p.xlim[1]) * (W - 10),
             H - 5 - (y - p.ylim[1]) / (p.ylim[2] - p.ylim[1]) * (H - 10)
    end
    for _, s in ipairs(p.series) do
      local c = {tonumber(s.color:sub(2, 3), 16), tonumber(s.color:sub(4, 5), 16),
                 tonumber(s.color:sub(6, 7), 16)}
      for i = 1, #s.x do
        local ax, ay = map(s.x[i], s.y[i])
        if s.kind == "line" and i < #s.x then
          local bx, by = map(s.x[i + 1], s.y[i + 1])
          for t = 0, 20 do
            local x, y = ax + (bx - ax) * t / 20, ay + (by - ay) * t / 20
            for d = 0, 1 do dot(math.floor(x + 0.5), math.floor(y + 0.5) + d, c) end
          end
        elseif s.kind == "points" then
          for dx = -1, 1 do for dy = -1, 1 do dot(math.floor(ax + 0.5) + dx, math.floor(ay + 0.5) + dy, c) end end
        end
      end
    end
  end
  local dir = require("repro").figdir
  os.execute("mkdir -p '" .. dir .. "'")
  local out = {}
  json({figure = fig.figure, script = fig.script, seeds = fig.seeds, width_in = 6.5,
        height_in = 2.2, png_dpi = 150, title = M.null, panels = fig.panels}, out)
  write(dir .. "/" .. fig.figure .. ".json", table.concat(out) .. "\n")
  write(dir .. "/" .. fig.figure .. ".png", png(W * ncol, H, px))
  -- Declared like the plot module's outputs: checked by the stage cache, carried over by diff.
  require("repro").output(dir .. "/" .. fig.figure .. ".json")
  require("repro").output(dir .. "/" .. fig.figure .. ".png")
end
return M
LUA

cat > "$p/pipeline/wave.lua" <<'LUA'
local repro = require "repro"
local fig = require "fakefig"
local P = repro.params{amp = 1.0, seed = 7}
local x, y, area = {}, {}, 0
for i = 1, 61 do
  x[i] = (i - 1) * 0.05
  y[i] = P.amp * math.sin(x[i])
  area = area + 0.05 * y[i]
end
repro.value("amp", P.amp)
repro.value("area", area)
repro.value("n", #x, {fmt = "%.0f"})
fig.save{figure = "wave", script = "pipeline/wave.lua", seeds = {P.seed}, panels = {
  {row = 1, col = 1, title = "sine", xlabel = "x", ylabel = "y", xlim = {0, 3}, ylim = {-2, 2},
   annotations = {},
   series = {{kind = "line", label = "f", x = x, y = y, color = "#1f77b4"}}}}}
LUA

cat > "$p/pipeline/flat.lua" <<'LUA'
local repro = require "repro"
local fig = require "fakefig"
local x, y, s = {}, {}, 0
for i = 1, 11 do x[i] = (i - 1) * 0.1; y[i] = x[i] * x[i]; s = s + y[i] end
repro.value("sum", s)
repro.check("positive", s, {ge = 0})
fig.save{figure = "flat", script = "pipeline/flat.lua", seeds = {}, panels = {
  {row = 1, col = 1, title = "square", xlabel = "x", ylabel = "y", xlim = {0, 1}, ylim = {0, 1},
   annotations = {},
   series = {{kind = "line", label = "x^2", x = x, y = y, color = "#d62728"},
             {kind = "points", label = fig.null, x = x, y = y, color = "#000000"}}}}}
LUA

cd "$p"
git init -q -b main . && git config user.email t@example.org && git config user.name test
printf '/build/\n/figures/\n' > .gitignore
echo "test project" > README
git add -A && git commit -qm one
c1=$(git rev-parse HEAD)
sed -i 's/amp = 1.0/amp = 1.5/' pipeline/wave.lua
git commit -qam "amp 1.5"
c2=$(git rev-parse HEAD)
echo "more words" >> README
git commit -qam "readme only"
c3=$(git rev-parse HEAD)
git switch -q -c broken
echo 'this is not Lua' >> pipeline/flat.lua
git commit -qam "broken"
git switch -q main
git switch -q -c slow
echo 'local s = 0; for i = 1, 3e9 do s = s + i end' >> pipeline/flat.lua
git commit -qam "slow"
git switch -q main

out="$tmp/out"
# --- one parameter changed ---------------------------------------------------------------------
"$repro" diff "$c1" "$c2" --out "$out" --keep >"$tmp/d12" 2>"$tmp/e12"; rc=$?
ok "a changed parameter: exit 1" '[ $rc = 1 ]'
ok "the engine of the working tree is reused (same engine sources)" \
   'grep -q "reusing the engine" "$out/build-a.log" && ! grep -q "^CC " "$out/build-a.log"'
row() { grep "^$1 " "$tmp/d12"; }
ok "wave: data changed, pixels changed" \
   'row wave | grep -q "^wave  *changed  .* px, max [0-9]*, rms "'
# The largest change of y = amp sin x (x = 0, 0.05, ..., 3) from amp 1 to 1.5: max 0.5 sin x.
want=$(awk 'BEGIN { m = 0; for (i = 0; i <= 60; i++) { v = 0.5 * sin(0.05 * i); if (v > m) { m = v; x = 0.05 * i } }
                    printf "+%.6g (+50%%) (1,1) \"f\" y at x = %.6g", m, x }')
ok "wave: the largest change is max 0.5 sin x, +50%, located" 'row wave | grep -qF "$want"'
ok "flat: data same, pixels same" 'row flat | grep -q "^flat  *same  *-  *same$"'
ok "exactly two figures in the table" '[ "$(grep -cE "^(wave|flat) " "$tmp/d12")" = 2 ]'
ok "the changed series is described" \
   'grep -q "^  (1,1) \"f\" y: 60 of 61 values changed" "$tmp/d12"'
ok "values: amp and area changed, nothing else" \
   'grep -q "^values: 2 changed, 0 added, 0 removed, 3 the same$" "$tmp/d12"'
ok "wave.amp 1 -> 1.5 (+0.5, +50%)" \
   'grep -qE "^  wave\.amp +1 +-> 1\.5 +\+0\.5 \(\+50%\) +pipeline/wave\.lua:10" "$tmp/d12"'
ok "wave.area changed by +50%" 'grep -qE "^  wave\.area .*\(\+50%\) +pipeline/wave\.lua:11" "$tmp/d12"'
ok "no flat value is listed" '! grep -q "^  flat\." "$tmp/d12"'
ok "the report is written" '[ -s "$out/index.html" ] && grep -q "report: .*index.html" "$tmp/d12"'
ok "the report holds A, B and the heat map of wave only" \
   '[ -s "$out/img/wave.a.png" ] && [ -s "$out/img/wave.b.png" ] && [ -s "$out/img/wave.heat.png" ] &&
    [ -z "$(ls "$out/img" | grep flat)" ]'
ok "the report fetches nothing from elsewhere" '! grep -qE "(src|href)=\"(https?:|//)" "$out/index.html"'
ok "--keep keeps both worktrees" '[ -f "$out/wt-a/.git" ] && [ -f "$out/wt-b/.git" ]'
cp "$tmp/d12" "$tmp/summary.txt"
# FIGDIFF_KEEP=DIR keeps a copy of this report (to look at it).
[ -n "${FIGDIFF_KEEP:-}" ] && mkdir -p "$FIGDIFF_KEEP" && cp -r "$out/index.html" "$out/img" "$FIGDIFF_KEEP/"

# --- the same comparison from the kept folders ------------------------------------------------
"$repro" diff --dirs "$out/wt-a" "$out/wt-b" --out "$tmp/outdirs" >"$tmp/dd" 2>&1; rc=$?
ok "--dirs on the two built worktrees gives the same verdicts" \
   '[ $rc = 1 ] && diff <(grep -E "^(wave|flat) |^values" "$tmp/d12") <(grep -E "^(wave|flat) |^values" "$tmp/dd") >/dev/null'
"$repro" diff --dirs "$out/wt-a" "$out/wt-a" --out "$tmp/outdirs" >"$tmp/dd" 2>&1; rc=$?
ok "--dirs of one folder with itself: exit 0" '[ $rc = 0 ]'
"$repro" diff --dirs "$out/wt-a" "$out/wt-b" --out "$tmp/outdirs" --atol 10 --pixel-tol 255 >"$tmp/dd" 2>&1; rc=$?
ok "generous tolerances absorb the change: exit 0" '[ $rc = 0 ] && grep -q "^values: 0 changed" "$tmp/dd"'
"$repro" diff --dirs "$out/wt-a" "$tmp/nowhere" --out "$tmp/outdirs" >/dev/null 2>"$tmp/dd"; rc=$?
ok "--dirs with a missing folder: exit 2" '[ $rc = 2 ] && grep -q "is not a folder" "$tmp/dd"'

# Under AddressSanitizer / LeakSanitizer, when that build exists.
if [ -x "$bin/asan/repro" ]; then
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/tests/lsan.supp:print_suppressions=0}
  "$bin/asan/repro" diff --dirs "$out/wt-a" "$out/wt-b" --out "$tmp/outasan" >/dev/null 2>"$tmp/asan"; rc=$?
  ok "--dirs under ASan/UBSan: exit 1, no sanitizer report" '[ $rc = 1 ] && ! grep -q "Sanitizer" "$tmp/asan"'
  "$bin/asan/repro" diff "$c1" "$c2" --out "$tmp/outasan" >/dev/null 2>"$tmp/asan"; rc=$?
  ok "two revisions under ASan/UBSan: exit 1, no sanitizer report" '[ $rc = 1 ] && ! grep -q "Sanitizer" "$tmp/asan"'
  "$bin/asan/repro" diff "$c1" nosuchrev --out "$tmp/outasan" >/dev/null 2>"$tmp/asan"; rc=$?
  ok "an unknown revision under ASan/UBSan: exit 2, no sanitizer report" '[ $rc = 2 ] && ! grep -q "Sanitizer" "$tmp/asan"'
fi

# --- the report in a browser ---------------------------------------------------------------------
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  echo "not ok - chromium is not installed (Debian package chromium)"
else
  "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/chrome" --virtual-time-budget=5000 --dump-dom \
    "file://$out/index.html" >"$tmp/dom" 2>"$tmp/chrome.err"
  status=$(grep -o '<p id="imgstatus"[^>]*>[^<]*' "$tmp/dom")
  okn=$(sed -n 's/.*data-ok="\([0-9]*\)".*/\1/p' <<<"$status")
  total=$(sed -n 's/.*data-total="\([0-9]*\)".*/\1/p' <<<"$status")
  ok "the report loads in headless Chromium and its script runs" '[ -n "$okn" ]'
  ok "every image of the report is displayed (naturalWidth > 0)" \
     '[ -n "$okn" ] && [ "$okn" = "$total" ] && [ "$total" -ge 5 ]'
  ok "the swipe control is set up by the script" 'grep -q "swipe: A left of 50%" "$tmp/dom"'
fi

# --- identical sides -------------------------------------------------------------------------
"$repro" diff "$c2" "$c3" --out "$out" >"$tmp/d23" 2>"$tmp/e23"; rc=$?
ok "two revisions with the same outputs: exit 0" '[ $rc = 0 ]'
ok "... every figure the same, no value changed" \
   'grep -q "^wave  *same  *-  *same$" "$tmp/d23" && grep -q "^values: 0 changed, 0 added, 0 removed, 5 the same$" "$tmp/d23"'
ok "stale worktrees of --keep were replaced, and none is left" \
   '[ ! -e "$out/wt-a" ] && [ ! -e "$out/wt-b" ] && [ "$(git worktree list | wc -l)" = 1 ]'
"$repro" diff main main --out "$out" >"$tmp/dmm" 2>&1; rc=$?
ok "a revision against itself: exit 0" '[ $rc = 0 ]'

# --- errors ------------------------------------------------------------------------------------
"$repro" diff nosuchrev --out "$out" >/dev/null 2>"$tmp/e"; rc=$?
ok "an unknown revision: exit 2" '[ $rc = 2 ]'
ok "... with a message naming it" 'grep -q "unknown revision .nosuchrev. (side A)" "$tmp/e"'
"$repro" diff "$c1" broken --out "$out" >/dev/null 2>"$tmp/e"; rc=$?
ok "a side that fails to build: exit 2" '[ $rc = 2 ]'
ok "... saying which side and why" \
   'grep -q "side B (broken ([0-9a-f]*)) failed to build: .make figures. exited with status" "$tmp/e" &&
    grep -q "flat.lua:[0-9]*:" "$tmp/e"'
ok "... and removing its worktrees" '[ "$(git worktree list | wc -l)" = 1 ]'
"$repro" diff --atol x >/dev/null 2>"$tmp/e"; rc=$?
ok "a bad tolerance: exit 2 with a message" '[ $rc = 2 ] && grep -q "atol expects a number" "$tmp/e"'
"$repro" diff --pixel-tol 300 >/dev/null 2>"$tmp/e"; rc=$?
ok "a pixel tolerance above 255: exit 2" '[ $rc = 2 ] && grep -q "pixel-tol expects a whole number 0..255" "$tmp/e"'
"$repro" diff --dirs "$out" >/dev/null 2>"$tmp/e"; rc=$?
ok "--dirs with one folder: exit 2" '[ $rc = 2 ] && grep -q "dirs needs two folders" "$tmp/e"'
"$repro" diff --out >/dev/null 2>"$tmp/e"; rc=$?
ok "an option without its value: exit 2" '[ $rc = 2 ] && grep -q "out needs a value" "$tmp/e"'
"$repro" diff --frobnicate >/dev/null 2>"$tmp/e"; rc=$?
ok "an unknown option: exit 2" '[ $rc = 2 ] && grep -q "unknown option" "$tmp/e"'
"$repro" diff a b c >/dev/null 2>"$tmp/e"; rc=$?
ok "three revisions: exit 2" '[ $rc = 2 ] && grep -q "at most two" "$tmp/e"'
(cd "$tmp" && "$repro" diff --out "$tmp/o2" >/dev/null 2>"$tmp/e"); rc=$?
ok "outside a git repository: exit 2" '[ $rc = 2 ] && grep -q "not inside a git repository" "$tmp/e"'

# Interrupted while building a side: the build stops, the worktrees are removed.
rm -f "$out"/build-?.log
setsid "$repro" diff "$c1" slow --out "$out" >/dev/null 2>"$tmp/e" &
pid=$!
# (up to 60 s: on a loaded machine side A's build and side B's start can take more than 10 s)
for _ in $(seq 600); do grep -qs "flat .*re-run" "$out/build-b.log" && break; sleep 0.1; done
kill -TERM -- "-$pid" 2>/dev/null
wait "$pid"; rc=$?
ok "interrupted (SIGTERM to its process group) while building: exit 2, saying so" \
   '[ $rc = 2 ] && grep -q "side B (slow .*) failed to build: .make figures. died of signal 15" "$tmp/e"'
ok "... and its worktrees are removed" \
   '[ ! -e "$out/wt-a" ] && [ ! -e "$out/wt-b" ] && [ "$(git worktree list | wc -l)" = 1 ]'

# --- the working tree ----------------------------------------------------------------------------
sed -i 's/amp = 1.5/amp = 2.0/' pipeline/wave.lua
"$repro" diff --out "$out" >"$tmp/dwt" 2>"$tmp/ewt"; rc=$?
ok "HEAD against an edited working tree: exit 1" '[ $rc = 1 ]'
ok "... B is the working tree" 'grep -q "^B: working tree$" "$tmp/dwt"'
ok "... wave.amp 1.5 -> 2 (+33.3%)" 'grep -qE "^  wave\.amp +1\.5 +-> 2 +\+0\.5 \(\+33\.3%\)" "$tmp/dwt"'
ok "... the working tree was built in place" '[ -s build/results.json ] && [ -s figures/wave.json ]'
ok "... side A reused the working tree's unchanged stage (flat cached) and re-ran wave" \
   'grep -q "^flat  *cached$" "$out/build-a.log" && grep -q "^wave  *re-run because pipeline/wave.lua changed" "$out/build-a.log"'
"$repro" diff HEAD . --no-build --out "$out" >"$tmp/dnb" 2>"$tmp/enb"; rc=$?
ok "--no-build compares the working tree's existing outputs" \
   '[ $rc = 1 ] && ! grep -q "building B" "$tmp/enb" && grep -q "wave\.amp" "$tmp/dnb"'
git checkout -q pipeline/wave.lua
rm -f figures/flat.json figures/flat.png
"$repro" diff --no-build --out "$out" >"$tmp/dwt" 2>&1; rc=$?
ok "a figure missing on side B is reported as removed" \
   '[ $rc = 1 ] && grep -q "^flat  *removed  *-  *removed$" "$tmp/dwt"'

# --- make figdiff ---------------------------------------------------------------------------------
out=$(make --no-print-directory figdiff BASE="$c1" 2>&1); rc=$?
ok "make figdiff BASE=REV: a change is reported, not a failure" \
   '[ $rc = 0 ] && grep -q "^wave  *changed" <<<"$out" && grep -q "^flat  *same" <<<"$out"'
ok "make figdiff writes build/figdiff/index.html" \
   '[ -s build/figdiff/index.html ] && grep -q "report: build/figdiff/index.html" <<<"$out"'
out=$(make --no-print-directory figdiff BASE=nosuchrev 2>&1); rc=$?
ok "make figdiff with an unknown revision fails" '[ $rc != 0 ] && grep -q "unknown revision" <<<"$out"'

# FIGDIFF_SUMMARY=FILE keeps the summary of the first comparison.
[ -n "${FIGDIFF_SUMMARY:-}" ] && cp "$tmp/summary.txt" "$FIGDIFF_SUMMARY"
exit 0
