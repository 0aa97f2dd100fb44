-- Theorem 3.1 checked by a convex solver instead of a construction.  With the candidate knots
-- fixed to a fine grid (every data point and `grid` points in between), the univariate problem
-- (3) becomes a convex group lasso in the output weights; we solve it with the engine's polish
-- (block coordinate descent + Newton refinement, duality gap) along a decreasing path of lambda,
-- each solve warm-started from the last, and compare with connect-the-dots:
--   * its cost tends to R(f_D) for every dataset (f_D is always optimal);
--   * for T > 1 its solution is f_D itself (the optimum is unique with probability one);
--   * for T = 1 it often is not: on datasets where Theorem 3.1's condition holds the solver may
--     return a different interpolant of the same cost, never on datasets where it fails.
local repro = require "repro"
local U = repro.univariate
local curves = require "curves"

local P = repro.params{N = 7, trials = 20, grid = 400, seed = 31, lambda_min = 1e-6,
                       tol = 1e-3, differ = 1e-2}
math.randomseed(P.seed)

-- A network with one neuron (w = 1, b = -t) per candidate knot t; output weights from START
-- (the parameters of the previous solve, in which the polish has rescaled the neurons and
-- removed those it switched off), else zero.
local function knotnet(ds, knots, start)
  local W, b, V, A, c = {}, {}, {}, {}, {}
  for k, t in ipairs(knots) do
    W[k], b[k], V[k] = 1, -t, {}
    for j = 1, ds.T do
      local v = 0
      if start and start.W[k] ~= 0 then -- d = 1: W, and V when T = 1, are plain numbers
        v = (ds.T == 1 and start.V[k] or start.V[k][j]) * start.W[k] -- unit-norm form
      end
      V[k][j] = v
    end
  end
  for j = 1, ds.T do
    A[j] = start and start.A[j] or 0
    c[j] = start and start.c[j] or 0
  end
  local net = repro.net{d = 1, T = ds.T, K = #knots, skip = true, seed = 1}
  net:set_params{W = W, b = b, V = V, A = A, c = c}
  return net
end

-- The lambda path 1e-2, 1e-3, ..., lambda_min; every solve starts from the previous solution on
-- the full grid of knots.
local function solve(ds)
  local x1, xN = ds.x[1], ds.x[ds.N]
  local knots = {}
  for i = 1, ds.N do knots[#knots + 1] = ds.x[i] end
  for k = 1, P.grid do knots[#knots + 1] = x1 + (xN - x1) * (k - 0.5) / P.grid end
  table.sort(knots)
  local lam, net, rep, start = 1e-2, nil, nil, nil
  while lam >= P.lambda_min * (1 - 1e-9) do
    net = knotnet(ds, knots, start)
    rep = net:train(ds, {objective = "group", lambda = lam, optimizer = "polish"})
    start = net:params()
    lam = lam / 10
  end
  return net, rep
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

local worst_cost, worst_cert, worst_multi, worst_unique = 0, 0, 0, 0
local aligned, differs = 0, 0
local example = {}
for _, T in ipairs{1, 3} do
  for _ = 1, P.trials do
    local ds = dataset(T)
    local fD = U.connect_the_dots(ds)
    local net, rep = solve(ds)
    worst_cost = math.max(worst_cost, math.abs(net:cost() - fD:cost()) / fD:cost())
    worst_cert = math.max(worst_cert, rep.certificate)
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
repro.value("lambda_min", P.lambda_min, {fmt = "%.0e"})
repro.check("cost", worst_cost, {le = P.tol, fmt = "%.1e"})
repro.check("certificate", worst_cert - 1, {le = 1e-6, fmt = "%.1e"})
repro.check("multi_is_fD", worst_multi, {le = P.tol, fmt = "%.1e"})
repro.check("single_unique_is_fD", worst_unique, {le = P.tol, fmt = "%.1e"})
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
  if col == 1 then ax:legend{pos = "se"} end
end
fig:save()
