-- make bench (BENCH=convex for this part alone): the exact convex programs of repro.convex against
-- the targets of issue 12.  CPU seconds (os.clock), best of REPEAT runs.
local C = repro.convex
local P = repro.params{repeat_ = 1}
local function best(f)
  local b = math.huge
  for _ = 1, P.repeat_ do
    local t0 = os.clock()
    f()
    b = math.min(b, os.clock() - t0)
  end
  return b
end
math.randomseed(1)
-- univariate: N = 20, T = 5, 2000 grid knots
local x, y = {}, {}
for i = 1, 20 do
  x[i] = i + 0.6 * (math.random() - 0.5)
  y[i] = {}
  for t = 1, 5 do y[i][t] = repro.gaussian() end
end
local ds = repro.dataset{x = x, y = y}
local u
local tu = best(function() u = assert(C.univariate(ds, {grid = 2000})) end)
-- two squares
local X, y1 = require("squares").points()
local r
local tr = best(function() r = assert(C.relu2d(repro.dataset{x = X, y = y1})) end)
-- T = 101 column generation from a random network (Figure 5 (d)'s data)
math.randomseed(5)
local rows = {}
for i = 1, #X do rows[i] = {y1[i]} end
for i = 1, #X do for t = 1, 100 do rows[i][t + 1] = math.random() < 0.5 and 1 or 0 end end
local multi = repro.dataset{x = X, y = rows}
local c
local tc = best(function()
  c = assert(C.certify(repro.net{d = 2, T = 101, K = 20, skip = false, seed = 1}, multi, {lambda = 1e-3}))
end)
print("| problem | seconds (CPU, best of " .. P.repeat_ .. ") | target | result |")
print("|---|---|---|---|")
print(string.format("| univariate N = 20, T = 5, 2000 grid knots | %.3f | < 1 | cost %.6g, gap %.1e |", tu, u.cost, u.gap))
print(string.format("| relu2d two squares | %.3f | < 1 | R* %.8f, gap %.1e, %d patterns |", tr, r.cost, r.gap, r.patterns))
print(string.format("| certify T = 101 (column generation) | %.2f | < 60 | %d rounds, gap %.1e |", tc, c.rounds, c.gap / c.objective))
