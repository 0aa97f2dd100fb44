# A small sweep stage for the sweep tests (sourced): writes $1/sq.lua.  Points (T, seed) return
# T^2 * scale + seed and a draw of the point's generator; the gather records their sum and draws a
# figure.  FAIL_T=<T> in the environment of a point makes that point fail; HOLD=<file> makes the
# T = HOLD_T points wait until the file exists (for cancellation tests).  Parameter slurm: the
# sweep's own Slurm options.
sweep_fixture() {
  cat >"$1/sq.lua" <<'LUA'
local repro = require "repro"
local P = repro.params{Ts = "2,4", seeds = 2, scale = 1.0, slurm = ""}
local scale = P.scale
local Ts, seeds = {}, {}
for t in P.Ts:gmatch("%d+") do Ts[#Ts + 1] = tonumber(t) end
for s = 1, P.seeds do seeds[s] = s end
local pts = repro.sweep("sq", {T = Ts, seed = seeds}, function(p)
  if tonumber(os.getenv("FAIL_T") or "") == p.T then error("point T=" .. p.T .. " refuses") end
  local hold = os.getenv("HOLD")
  if hold and p.T == tonumber(os.getenv("HOLD_T") or "") then
    while not io.open(hold) do local s = 0 for i = 1, 1e6 do s = s + i end end
  end
  return {y = scale * p.T * p.T + p.seed, u = math.random()}
end, {slurm = P.slurm})
local sum, xs, ys = 0, {}, {}
for i, r in ipairs(pts) do
  sum = sum + r.y + r.u
  xs[i], ys[i] = i, r.y
end
repro.value("sum", sum, {fmt = "%.6f"})
repro.value("n", #pts, {fmt = "%.0f"})
local fig = repro.figure{name = "sq", width = 3, height = 2, rows = 1, cols = 1}
fig:panel(1, 1, {}):line(xs, ys, {color = "C0"})
fig:save()
LUA
}
