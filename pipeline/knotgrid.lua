-- Theorem 3.1 checked by a convex solver instead of a construction.  With the candidate knots
-- fixed to a fine grid (every data point and `grid` points in between), the univariate problem
-- (3) is a convex program in the output weights; repro.convex.univariate solves it exactly (a
-- dual interior-point method with an active-set finish, certified by a feasible interpolant and
-- a feasible dual point) without being told that connect-the-dots is optimal.  We compare:
--   * its cost equals R(f_D) for every dataset (f_D is always optimal);
--   * for T > 1 its solution is f_D itself (the optimum is unique with probability one);
--   * for T = 1 it often is not: on datasets where Theorem 3.1's condition holds the solver may
--     return a different interpolant of the same cost, never on datasets where it fails.
local repro = require "repro"
local U = repro.univariate
local curves = require "curves"

local P = repro.params{N = 7, trials = 20, grid = 400, seed = 31, tol = 1e-9, differ = 1e-2,
                       agree = 1e-6}
math.randomseed(P.seed)

local function solve(ds)
  return assert(repro.convex.univariate(ds, {grid = P.grid, tol = P.tol}))
end

local function dataset(T)
  local x, y = {}, {}
  for i = 1, P.N do
    x[i] = i + 0.6 * (math.random() - 0.5)
    local row = {}
    for t = 1, T do row[t] = repro.gaussian() end
    y[i] = T == 1 and row[1] or row
  end
  return repro.dataset{x = x, y = y}
end

local worst_cost, worst_gap, worst_multi, worst_unique = 0, 0, 0, 0
local aligned, differs = 0, 0
local example = {}
for _, T in ipairs{1, 3} do
  for _ = 1, P.trials do
    local ds = dataset(T)
    local fD = U.connect_the_dots(ds)
    local sol = solve(ds)
    local net = sol.spline
    worst_cost = math.max(worst_cost, math.abs(sol.cost - fD:cost()) / fD:cost())
    worst_gap = math.max(worst_gap, sol.gap / sol.cost)
    local lo, hi = curves.range(ds:labels(1))
    for t = 2, T do
      local l, h = curves.range(ds:labels(t))
      lo, hi = math.min(lo, l), math.max(hi, h)
    end
    local xs = curves.grid(ds.x[1], ds.x[ds.N], 1001, ds.x)
    local dev = curves.maxdiff(net, fD, xs) / (hi - lo)
    local nonunique = #U.nonunique(ds) > 0
    if T > 1 then
      worst_multi = math.max(worst_multi, dev)
    elseif nonunique then
      aligned = aligned + 1
      if dev > P.differ then
        differs = differs + 1
        if not example[1] then example[1] = {ds, fD, net} end
      end
    else
      worst_unique = math.max(worst_unique, dev)
    end
    if T > 1 and not example[2] then example[2] = {ds, fD, net} end
  end
end
repro.value("trials", P.trials, {fmt = "%.0f"})
repro.value("grid", P.grid, {fmt = "%.0f"})
repro.value("N", P.N, {fmt = "%.0f"})
repro.value("tol", P.tol, {fmt = "%.0e"})
repro.value("gap", worst_gap, {fmt = "%.1e"})
repro.check("cost", worst_cost, {le = P.tol, fmt = "%.1e"})
repro.check("multi_is_fD", worst_multi, {le = P.agree, fmt = "%.1e"})
repro.check("single_unique_is_fD", worst_unique, {le = P.agree, fmt = "%.1e"})
repro.value("single_aligned", aligned, {fmt = "%.0f"})
repro.check("single_differs", differs, {ge = 1, fmt = "%.0f"})

-- The figure: a single-task dataset where the solver's optimum is not f_D, and a three-task one
-- (first task) where it is.
local fig = repro.figure{name = "knotgrid", width = 6.4, height = 2.4, rows = 1, cols = 2,
                         seed = P.seed}
for col, item in ipairs{{example[1], "one task"}, {example[2], "three tasks, task 1"}} do
  local ds, fD, net = table.unpack(item[1])
  local xs = curves.grid(ds.x[1] - 0.5, ds.x[ds.N] + 0.5, 600, ds.x)
  local ax = fig:panel(1, col, {title = item[2], xlabel = "$x$", ylabel = col == 1 and "$f(x)$" or nil})
  ax:line(xs, curves.sample(net, xs), {color = "C0", width = 1.6, label = "convex solver"})
  ax:line(xs, curves.sample(fD, xs), {color = "black", width = 0.9, dash = {3, 2}, label = "$f_D$"})
  ax:points(ds.x, ds:labels(1), {color = "red", size = 3})
  if col == 2 then ax:legend{pos = "ne"} end -- the empty corner
end
fig:save()
